#!/usr/bin/env node
/**
 * `npm start`: the real posd (the daemon's own start: configuration, assemble, the local API) on
 * simulated hardware. Every device is its twin on the in-process buses, the acquirer is the
 * simulator, and the terminal enrols with it on its first start. Prints where the counter screen,
 * the API and the simulator are and how to pay; the hw-sim commands act on the twins from another
 * shell. Data stays in .posd-demo/ across runs. Ctrl-C stops everything.
 */
import { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/app/index.js';
import { handleShutdownSignals } from '../../src/bin/service/shutdown.js';
import { startPosd, type RunningPosd } from '../../src/bin/service/start.js';
import { toHex } from '../../src/encoding/hex.js';
import { formatMoney } from '../../src/protocol/assets.js';
import { startSimulatedTerminal, type SimulatedTerminal, type WalletSpec } from '../terminal/simulated-terminal.js';
import { demoPaths, removeRunning, writeRunning, type DemoPaths, type DemoWallet } from './demo-dir.js';
import { ReceiptFiles } from './receipt-files.js';
import { DEMO_PRODUCTS, demoCatalogCsv } from './shelf.js';

/** The customers' hardware wallets, by the names `hw-sim tap NAME` takes. */
const WALLETS: readonly (DemoWallet & { spec: WalletSpec })[] = [
  { name: 'alice', asset: 'CNY', index: 0, spec: { label: 'alice (e-CNY wallet)' } },
  { name: 'bob', asset: 'CNY', index: 1, spec: { label: 'bob (e-CNY wallet)' } },
  { name: 'member', asset: 'MAT', index: 2, spec: { label: 'member (token wallet)', asset: 'MAT' } },
];
const DEFAULT_PORT = 8737;
const DRAWER_SHUT_AFTER_MS = 3000;
/** Until when the terminal trusts the simulator's wallet issuers (2100-01-01). */
const ISSUER_KEYS_UNTIL = 4_102_444_800_000;
const REGISTER_NAME = 'demo register';
/** A customer's WeChat payment code the acquirer simulator approves (docs/authorization-protocol.md: the last two digits choose the answer). */
const EXAMPLE_PAYMENT_CODE = '134567890123456700';

const program = new Command('posd-demo')
  .description('posd on simulated hardware with the acquirer simulator (npm start)')
  .option('--data-dir <dir>', 'the demo folder (default $POSD_DEMO_DIR or .posd-demo)')
  .option('--port <n>', `the local API's port (default $POSD_DEMO_PORT or ${DEFAULT_PORT})`)
  .showHelpAfterError();
program.parse(process.argv);
const options = program.opts<{ dataDir?: string; port?: string }>();

const say = (line = ''): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const paths = demoPaths(options.dataDir);
  const port = Number(options.port ?? process.env.POSD_DEMO_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a port number (1-65535), not ${options.port ?? process.env.POSD_DEMO_PORT}`);
  mkdirSync(paths.terminal, { recursive: true, mode: 0o700 });
  const log = pino({ name: 'posd', level: 'info' }, pino.destination({ dest: paths.log, sync: true, append: true }));

  const sim = await startSimulatedTerminal({
    dataDir: paths.simulator,
    control: true,
    printer: { msPerLine: 2 },
    scanner: { mode: 'wedge' },
    wallets: WALLETS.map((w) => w.spec),
  });
  let posd: RunningPosd | undefined;
  const shutdown = handleShutdownSignals({
    log,
    graceMs: 5000,
    stop: async () => {
      removeRunning(paths);
      await posd?.stop();
      await sim.close();
      say('posd demo stopped.');
    },
  });
  try {
    writeDemoConfig(paths, sim, port);
    const catalog = join(paths.terminal, 'catalog.csv');
    if (!existsSync(catalog)) writeFileSync(catalog, demoCatalogCsv());
    posd = await startPosd(loadConfig(paths.config), { log, configDir: paths.root, env: sim.env });
  } catch (err) {
    shutdown.dispose();
    await sim.close();
    throw err;
  }
  if (shutdown.stopping) return;
  const { terminal, url } = posd;

  const enrolment = await enrol(posd, sim);
  const registerToken = await registerTokenFor(posd, paths);
  const counterTicket = readFileSync(join(paths.terminal, 'api', 'counter-ticket'), 'utf8').trim();
  const counterUrl = `${url}/#ticket=${counterTicket}`;
  const acquirer = sim.acquirer!;
  writeRunning(paths, {
    pid: process.pid,
    api: url,
    counterUrl,
    acquirer: acquirer.url,
    acquirerControl: acquirer.controlUrl,
    control: sim.addresses.control!,
    token: sim.addresses.token!,
    wallets: WALLETS.map(({ name, asset, index }) => ({ name, asset, index })),
  });

  // Paths inside this folder as they would be typed here; anywhere else in full.
  const here = (file: string): string => {
    const rel = relative(process.cwd(), file);
    return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  };
  const hwSim = 'npm run -s hw-sim --';
  const status = terminal.status();
  say(`posd demo: posd on simulated hardware, with the acquirer simulator (data in ${here(paths.root)}/; delete it to start afresh)`);
  say(`  terminal ${terminal.id}: ${status.headSeq + 1} journal records; ${enrolment}`);
  say();
  say(`  Counter screen   ${counterUrl}`);
  say(`  Register token   ${registerToken}   (kept in ${here(paths.registerToken)})`);
  say(`  Local API        ${url}   (OpenAPI: ${url}/v1/openapi.json)`);
  say(`  Acquirer sim     ${acquirer.url}   (control ${acquirer.controlUrl})`);
  say(`  posd's log       ${here(paths.log)};  receipts as PNG in ${here(paths.receipts)}/`);
  say();
  say('Take a payment (in another shell, in this folder):');
  say('  on the counter screen: open its address above, ring up products with `hw-sim scan`, choose how to pay');
  say('  through the API, as a cash register would:');
  say(`    T=$(cat ${here(paths.registerToken)})`);
  say(`    curl -s -X POST ${url}/v1/payments -H "authorization: Bearer $T" -H 'content-type: application/json' \\`);
  say(`      -H 'idempotency-key: sale-1' -d '{"amount":880,"asset":"CNY","method":"cash","tendered":1000}'`);
  say(`    curl -s ${url}/v1/payments/last -H "authorization: Bearer $T"`);
  say(`  with the simulated hardware${paths.root === demoPaths(undefined).root ? '' : ` (first: export POSD_DEMO_DIR=${paths.root})`}:`);
  say(`    ${hwSim} scan ${DEMO_PRODUCTS[0]!.gtin}        the scanner reads a product (the shelf: npm run -s hw-sim -- shelf)`);
  say(`    ${hwSim} scan ${EXAMPLE_PAYMENT_CODE}   the customer shows a payment code: pays the basket online`);
  say(`    ${hwSim} tap ${WALLETS.map((w) => w.name).join('|')}     a hardware wallet pays offline (member pays MAT-priced items)`);
  say(`    ${hwSim} pay-qr                   the customer's app pays the shop QR on the screen`);
  say(`    ${hwSim} paper out|in              the printer runs out of paper, or gets a new roll`);
  say();
  watch(posd, sim, paths, here);
  say('Ready. Ctrl-C stops posd and the simulator.');
}

/** posd.json for this run: the twins' URIs and the acquirer's address change at every start. */
function writeDemoConfig(paths: DemoPaths, sim: SimulatedTerminal, port: number): void {
  const acquirer = sim.acquirer!;
  const config = {
    dataDir: paths.terminal,
    merchant: { name: '街角小店 Corner Shop', city: '杭州 Hangzhou' },
    acquirer: { url: acquirer.url, publicKey: toHex(acquirer.publicKey) },
    // The acquirer's key pinned at install: every profile must be signed with it.
    provisioning: { acquirerRootKey: toHex(acquirer.publicKey), acquirerUrl: acquirer.url },
    devices: sim.devices,
    // The wallet issuers this terminal trusts, as an installer would copy them from the issuers.
    payments: { issuerKeys: Object.fromEntries(Object.entries(sim.issuerKeys).map(([asset, keys]) => [asset, keys.map(({ publicKey }) => ({ publicKey }))])) },
    api: { listen: `127.0.0.1:${port}` },
  };
  writeFileSync(paths.config, `${JSON.stringify(config, null, 2)}\n`);
}

/** On the first start the terminal enrols: the acquirer's operator issues a one-time code for its pairing code, the terminal presents it. */
async function enrol(posd: RunningPosd, sim: SimulatedTerminal): Promise<string> {
  const provisioning = posd.terminal.provisioning!;
  const state = provisioning.state();
  let how = 'provisioned earlier';
  if (state.state === 'unprovisioned') {
    // The profile names the wallet issuers the terminal trusts: the simulator's, for the demo's wallets.
    const trusted = (asset: 'CNY' | 'MAT'): { keyId: string; publicKey: string; notAfter: number }[] => sim.issuerKeys[asset].map(({ keyId, publicKey }) => ({ keyId, publicKey, notAfter: ISSUER_KEYS_UNTIL }));
    const settings = {
      merchant: { name: 'CORNER SHOP', nameZh: '街角小店', address: '杭州市西湖区文三路 90 号', city: 'HANGZHOU', phone: '0571-8888 6666' },
      assets: [
        { code: 'CNY' as const, issuerKeys: trusted('CNY'), methods: ['code' as const, 'merchant_qr' as const, 'wallet_tap' as const, 'offline_qr' as const, 'cash' as const] },
        { code: 'MAT' as const, issuerKeys: trusted('MAT'), methods: ['wallet_tap' as const, 'offline_qr' as const, 'cash' as const] },
      ],
    };
    const { code } = sim.acquirer!.fleet.issueCode(settings, { pairing: state.pairing.code });
    await provisioning.provision(code);
    how = `enrolled now (pairing code ${state.pairing.code}, enrolment code ${code})`;
  }
  const profile = provisioning.profile()!;
  return `${how}: tid ${profile.tid}, merchant ${profile.merchant.id} ${profile.merchant.name}, profile v${profile.version}`;
}

/** The register's token: the one kept from an earlier run while posd still honours it, else a new pairing through the API, as a register pairs. */
async function registerTokenFor(posd: RunningPosd, paths: DemoPaths): Promise<string> {
  if (existsSync(paths.registerToken)) {
    const kept = readFileSync(paths.registerToken, 'utf8').trim();
    if (posd.api.tokens.verify(kept)?.scope === 'register') return kept;
  }
  const { code } = posd.terminal.pairing.open();
  const res = await fetch(`${posd.url}/v1/pairings/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name: REGISTER_NAME }) });
  if (res.status !== 201 && res.status !== 200) throw new Error(`pairing the demo register failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  writeFileSync(paths.registerToken, `${token}\n`, { mode: 0o600 });
  return token;
}

/** What happens at the counter, one line each; every receipt saved as a PNG. */
function watch(posd: RunningPosd, sim: SimulatedTerminal, paths: DemoPaths, here: (file: string) => string): void {
  const { events } = posd.terminal;
  const printer = sim.twins.printer!;
  const receipts = new ReceiptFiles(paths.receipts, () => printer.paper, 384);
  const money = (minor: number, asset: string): string => formatMoney(minor, asset);
  events.on('sale.item', ({ line, total }) => say(`  scanned   ${line.product.name} x${line.quantity}, basket ${money(total, line.product.asset)}`));
  events.on('sale.refused', ({ reason }) => say(`  refused   ${reason}`));
  const qrShown = new Set<string>();
  events.on('payment.updated', (p) => {
    if (p.state === 'succeeded') say(`  PAID      ${money(p.amount, p.asset)} by ${p.method}${p.offlineApproved ? ' (offline, settles later)' : ''}${p.facts.change !== undefined ? `, change ${money(Number(p.facts.change), p.asset)}` : ''}: journal record ${p.seq}`);
    else if (p.state === 'declined' || p.state === 'canceled' || p.state === 'expired') say(`  ${p.state.toUpperCase().padEnd(9)} ${money(p.amount, p.asset)}${p.outcome ? `: ${p.outcome.code} ${p.outcome.message}` : ''}`);
    else if (p.prompt?.kind === 'show_qr' && !qrShown.has(p.id) && qrShown.add(p.id)) say(`  payment   ${money(p.amount, p.asset)}: the shop QR is on the screen (npm run -s hw-sim -- pay-qr)`);
  });
  events.on('receipt.printed', ({ seq }) => {
    for (const saved of receipts.tearOff(seq)) say(`  printed   ${here(saved.file)}${saved.warnings.length ? ` (${saved.warnings.join('; ')})` : ''}`);
  });
  events.on('receipt.failed', ({ seq, message }) => say(`  receipt ${seq} not printed yet: ${message}`));
  events.on('drawer.state', ({ state }) => {
    say(`  drawer    ${state}`);
    // The cashier takes the change out and pushes the drawer shut.
    if (state === 'open') setTimeout(() => void sim.twins.gpio?.closeDrawer().catch(() => undefined), DRAWER_SHUT_AFTER_MS).unref();
  });
  const lastHealth = new Map<string, string>();
  events.on('device.health', ({ kind, health }) => {
    const shown = `${health.state}${health.reason ?? ''}`;
    if (health.state === 'stopped' || lastHealth.get(kind) === shown) return;
    lastHealth.set(kind, shown);
    say(`  ${kind.padEnd(9)} ${health.state}${health.reason ? ` (${health.reason})` : ''}`);
  });
  events.on('settlement.settled', ({ through }) => say(`  settled   through journal record ${through}`));
}

main().catch((err: unknown) => {
  process.stderr.write(`posd demo: cannot start: ${(err as Error).message}\n`);
  process.exit(1);
});
