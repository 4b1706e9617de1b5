import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const root = process.cwd();
const { assemble } = await import(root + '/dist/src/app/index.js');
const { DEMO_PRODUCTS } = await import(root + '/dist/hw-sim/demo/shelf.js');
const { startSimulatedTerminal } = await import(root + '/dist/hw-sim/terminal/simulated-terminal.js');
const sim = await startSimulatedTerminal({ twins: ['nfc'], acquirer: false, wireTiming: true, nfc: { baud: 115200 } });
const dataDir = mkdtempSync(join(tmpdir(), 'probe-'));
const pos = await assemble({ dataDir, merchant: { name: 'b' }, devices: sim.devices, payments: { issuerKeys: sim.issuerKeys, offline: { maxCount: 10000, cumulative: { CNY: 1e7 } } } }, { env: sim.env, products: DEMO_PRODUCTS });
const wait = async (c) => { const d = Date.now() + 5000; while (!c()) { if (Date.now() > d) throw new Error('timeout'); await new Promise(r => setTimeout(r, 2)); } };
await wait(() => pos.deviceHealth().nfc?.state === 'ready');
const twin = sim.twins.nfc; const card = sim.cards.wallet;
const log = [];
let t0 = performance.now();
const origWrite = twin.receiveFromHost.bind(twin);
twin.receiveFromHost = (b) => { log.push(`${(performance.now()-t0).toFixed(1)} host ${Buffer.from(b).toString('hex').slice(0, 40)}`); return origWrite(b); };
pos.events.on('payment.updated', (p) => log.push(`${(performance.now()-t0).toFixed(1)} ${p.state} ${p.outcome?.code ?? ''}`));
pos.events.on('nfc.card', (c) => log.push(`${(performance.now()-t0).toFixed(1)} card ${c.tapId}`));
pos.events.on('nfc.removed', (c) => log.push(`${(performance.now()-t0).toFixed(1)} removed ${c.tapId} ${c.reason}`));
for (let run = 0; run < 60; run++) {
  log.length = 0; t0 = performance.now();
  pos.sale.scan(DEMO_PRODUCTS[0].gtin);
  if (run % 2 === 0) pos.sale.pay({ method: 'wallet_tap' });
  twin.enterField(card);
  await wait(() => log.some((l) => / (succeeded|declined)/.test(l)));
  if (log.some((l) => / declined/.test(l))) { console.log('run', run, 'FAILED'); console.log(log.join('\n')); console.log(pos.devices.nfc.pn532.runner?.stats ?? Object.keys(pos.devices.nfc.pn532)); break; }
  twin.leaveField(card);
  await wait(() => pos.devices.nfc?.card === undefined && pos.payments.current() === undefined);
}
console.log('done');
await pos.stop(); await sim.close(); process.exit(0);
