/**
 * `npm run demo:script`: a scripted counter session on simulated hardware, data in
 * .posd-demo-script/ (POSD_DEMO_SCRIPT_DIR). Every device's twin and the acquirer simulator run
 * in this process; posd's real drivers talk to them through the simulator buses. The session
 * runs first, then it takes keys until Ctrl-C (or exits when POSD_DEMO_EXIT=1, for a smoke test).
 * `npm start` (start.ts) is the product demo: the real posd with its API, driven from outside.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emitKeypressEvents } from 'node:readline';
import { toHex } from '../../src/encoding/hex.js';
import { formatMoney } from '../../src/protocol/assets.js';
import { settlementPath } from '../../src/protocol/settlement-routes.js';
import { assemble, type PosdConfig } from '../../src/app/index.js';
import type { IsoDepCard } from '../cards/iso-dep-card.js';
import { startSimulatedTerminal } from '../terminal/simulated-terminal.js';
import { DEMO_PRODUCTS, demoCatalogCsv } from './shelf.js';

const dir = resolve(process.env.POSD_DEMO_SCRIPT_DIR ?? '.posd-demo-script');
const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const yuan = (fen: number): string => formatMoney(fen, 'CNY');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  // The hardware: every twin on the in-process buses, the cards, the acquirer (its key and
  // database in dir/acquirer, so a second run settles against the same acquirer).
  // Two hardware wallets: an e-CNY wallet and a merchant-token (MAT) wallet, each certified by its asset's issuer.
  const terminal = await startSimulatedTerminal({
    dataDir: dir,
    printer: { msPerLine: 4 },
    scanner: { mode: 'wedge' },
    wallets: [{ label: 'e-CNY wallet' }, { label: 'token wallet', asset: 'MAT' }],
  });
  const { printer: printerTwin, scanner: scannerTwin, nfc: nfcTwin, gpio: gpioTwin } = terminal.twins;
  const acquirer = terminal.acquirer!;
  const [cnyWalletCard, tokenWalletCard] = terminal.cards.wallets as [IsoDepCard, IsoDepCard];

  const config: PosdConfig = {
    dataDir: join(dir, 'terminal'),
    merchant: { name: '街角小店 Corner Shop', city: '杭州 Hangzhou' },
    acquirer: { url: acquirer.url, publicKey: toHex(acquirer.publicKey) },
    // The acquirer's key pinned at install: every profile must be signed with it.
    provisioning: { acquirerRootKey: toHex(acquirer.publicKey), acquirerUrl: acquirer.url },
    devices: terminal.devices,
    // The wallet issuers this terminal trusts (from the signed profile once provisioning lands).
    payments: { issuerKeys: terminal.issuerKeys },
  };
  // The shop's catalogue, as a merchant would give it: a CSV file in the data directory.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const catalogFile = join(config.dataDir, 'catalog.csv');
  if (!existsSync(catalogFile)) writeFileSync(catalogFile, demoCatalogCsv());
  const pos = await assemble(config, { env: terminal.env });
  const { events } = pos;

  say('posd demo: the real drivers on simulated hardware, with the acquirer simulator');
  say(`  terminal ${pos.id}, journal at ${config.dataDir} (${pos.status().headSeq + 1} records so far)`);
  say(`  acquirer ${acquirer.url} (key ${acquirer.signer.keyId}), faults: POST ${acquirer.controlUrl}/faults`);
  say();

  // First start: the terminal shows its pairing code; the acquirer's operator issues a one-time
  // code for it (hw-sim acquirer issue-code), the technician enters it (posctl provision).
  const provisioning = pos.provisioning!;
  const state = provisioning.state();
  if (state.state === 'unprovisioned') {
    say(`Unprovisioned: ${state.reason}`);
    say(`  pairing code ${state.pairing.code}, key fingerprint ${state.pairing.fingerprint}`);
    const { code } = acquirer.fleet.issueCode({ merchant: { name: 'CORNER SHOP', nameZh: '街角小店', city: 'HANGZHOU' } }, { pairing: state.pairing.code });
    say(`  the acquirer issues enrolment code ${code} for that pairing code; the terminal enrols with it:`);
    await provisioning.provision(code);
  }
  const profile = provisioning.profile()!;
  say(`Provisioned: tid ${profile.tid}, merchant ${profile.merchant.id} ${profile.merchant.name}, profile version ${profile.version}, key ${profile.endorsement.keyId} endorsed`);
  say();

  events.on('sale.item', ({ line, total }) => say(`  scanned  ${line.product.name.padEnd(30)} x${line.quantity}   total ${formatMoney(total, line.product.asset)}`));
  events.on('sale.refused', ({ reason }) => say(`  refused  ${reason}`));
  events.on('payment.updated', (p) => {
    if (p.state === 'declined') say(`  DECLINED ${p.outcome?.code}: ${p.outcome?.message}`);
    if (p.state !== 'succeeded') return;
    if (p.method === 'wallet_tap' || p.method === 'offline_qr') {
      return say(`  APPROVED OFFLINE payment is record ${p.seq}: ${formatMoney(p.amount, p.asset)} by ${p.method}, wallet counter ${p.facts.walletCounter} (settles later)`);
    }
    say(`  APPROVED payment is record ${p.seq}, change ${yuan(Number(p.facts.change ?? 0))}`);
  });
  let printedUpTo = 0;
  events.on('receipt.printed', ({ seq }) => {
    const text = printerTwin.text();
    say('  receipt, as the printer twin printed it:');
    for (const line of text.slice(printedUpTo).split('\n').filter((l) => l.length > 0)) say(`    | ${line}`);
    printedUpTo = text.length;
    const png = printerTwin.png();
    const file = join(dir, `receipt-${seq}.png`);
    writeFileSync(file, png.png);
    say(`  (the paper so far is in ${file}${png.warnings.length ? `; ${png.warnings.join('; ')}` : ''})`);
  });
  events.on('receipt.failed', ({ seq, message }) => say(`  receipt ${seq} not printed yet: ${message}`));
  events.on('drawer.state', ({ state }) => say(`  cash drawer ${state}`));
  events.on('key.cancel', () => say('  cancel key pressed'));
  events.on('device.health', ({ kind, health }) => {
    if (health.state !== 'ready' && health.state !== 'stopped') say(`  ${kind}: ${health.state}${health.reason ? ` (${health.reason})` : ''}`);
  });
  events.on('nfc.card', ({ isoDep }) => say(`  NFC: ${isoDep ? 'a hardware wallet (ISO-DEP)' : 'a tag'} in the field`));
  events.on('settlement.settled', ({ through, checkpoint }) => say(`  SETTLED through record ${through}: the acquirer countersigned checkpoint ${checkpoint!.root.slice(0, 16)}…`));

  /** A wallet held to the reader until its payment is decided or the tap refused (3 s at most), then taken away. */
  function tap(card: IsoDepCard): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        events.off('payment.updated', onUpdate);
        events.off('sale.refused', done);
        nfcTwin.leaveField(card);
        resolve();
      };
      const onUpdate = (p: { state: string; method: string | null }): void => {
        if (p.method === 'wallet_tap' && ['succeeded', 'declined', 'canceled', 'expired'].includes(p.state)) done();
      };
      const timer = setTimeout(done, 3000);
      events.on('payment.updated', onUpdate);
      events.on('sale.refused', done);
      nfcTwin.enterField(card);
    });
  }

  say('A customer brings three items:');
  for (const p of [DEMO_PRODUCTS[0]!, DEMO_PRODUCTS[2]!, DEMO_PRODUCTS[0]!]) {
    await scannerTwin.scan(p.gtin);
    await sleep(150);
  }
  say(`They pay ${yuan(2000)} cash:`);
  const printed = new Promise<void>((r) => events.once('receipt.printed', () => r()));
  pos.sale.payCash(2000);
  await printed;
  await sleep(300);
  await gpioTwin.closeDrawer();
  say('A member buys a snack priced in merchant tokens and taps a token wallet (offline, no network needed):');
  await scannerTwin.scan(DEMO_PRODUCTS.find((p) => p.asset === 'MAT')!.gtin);
  await sleep(150);
  await tap(tokenWalletCard);
  say('Settlement runs in the background:');
  for (let waited = 0; waited < 15_000; waited += 100) {
    const backlog = pos.settlement!.status().counters!;
    if (backlog.unsettledCount === 0 && backlog.pendingUpload === 0) break;
    await sleep(100);
  }
  const c = pos.settlement!.status().counters!;
  say(`  backlog now: ${c.unsettledCount} unsettled, ${c.pendingUpload} waiting for upload, ${c.deadLetters} dead letters`);
  say();
  say('Check the journal yourself (posd keeps running; in another shell):');
  say(`  npm run -s posctl -- journal export --data-dir ${config.dataDir} --out /tmp/journal.jsonl`);
  say(`  curl -s ${acquirer.url}${settlementPath('checkpoint', { terminal: pos.id })} > /tmp/anchor.json`);
  say(`  npm run -s posctl -- journal verify /tmp/journal.jsonl --public-key ${pos.publicKey} --acquirer-key ${toHex(acquirer.publicKey)} --anchor /tmp/anchor.json`);
  say();

  const stop = async (): Promise<void> => {
    await pos.stop();
    await terminal.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  if (process.env.POSD_DEMO_EXIT === '1') return stop();
  if (!process.stdin.isTTY) {
    say('posd is running. Ctrl-C to stop.');
    return;
  }
  say('Keys: 1-6 scan a product (6 is priced in MAT), c pay cash, w tap the e-CNY wallet, m tap the token wallet, p paper out/in, o acquirer offline/online, s status, q quit');
  emitKeypressEvents(process.stdin);
  process.stdin.setRawMode(true);
  let paperOut = false;
  let offline = false;
  process.stdin.on('keypress', (_text: string, key: { name?: string; ctrl?: boolean; sequence?: string }) => {
    void (async () => {
      const k = key.sequence ?? key.name ?? '';
      if (k === 'q' || (key.ctrl && key.name === 'c')) return stop();
      const product = DEMO_PRODUCTS[Number(k) - 1];
      if (product) return void (await scannerTwin.scan(product.gtin));
      switch (k) {
        case 'c': {
          const sale = pos.sale.current();
          if (sale.isEmpty) return say('  nothing to pay for: scan something first');
          pos.sale.payCash(Math.ceil(sale.total / 1000) * 1000);
          return;
        }
        case 'w':
          return tap(cnyWalletCard);
        case 'm':
          return tap(tokenWalletCard);
        case 'p':
          paperOut = !paperOut;
          printerTwin.setFault('paper_out', paperOut);
          if (!paperOut) printerTwin.loadPaper();
          return say(`  printer paper ${paperOut ? 'OUT: receipts wait and print whole once paper is back' : 'loaded'}`);
        case 'o':
          offline = !offline;
          await acquirer.setFault(offline ? { mode: 'refuse' } : undefined);
          return say(`  acquirer ${offline ? 'unreachable: payments keep working, settlement waits' : 'reachable again'}`);
        case 's':
          return say(`  ${JSON.stringify(pos.status())}`);
        default:
          return;
      }
    })();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
