import { afterEach, describe, expect, it } from 'vitest';
import { assemble, type Logger, type PosTerminal } from '../../src/app/index.js';
import { DEMO_PRODUCTS } from '../../hw-sim/demo/shelf.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

/** A counter with the printer twin paced at its baud rate, so a receipt takes a while to print. */
async function counter(): Promise<{ pos: PosTerminal; sim: SimulatedTerminal<'printer'>; warnings: string[]; printed: number[]; failed: string[] }> {
  const sim = await startSimulatedTerminal({ twins: ['printer'], acquirer: false, wireTiming: true });
  running.push({ stop: () => sim.close() });
  const warnings: string[] = [];
  const log: Logger = { info() {}, warn: (_fields, message) => void warnings.push(message), error() {} };
  const pos = await assemble({ dataDir: tempDir(), merchant: { name: 'Corner Shop' }, devices: { printer: sim.devices.printer } }, { env: sim.env, products: DEMO_PRODUCTS, log });
  running.push(pos);
  await until(() => pos.deviceHealth().printer?.state === 'ready', 'printer ready', 10_000);
  const printed: number[] = [];
  const failed: string[] = [];
  pos.events.on('receipt.printed', ({ seq }) => printed.push(seq));
  pos.events.on('receipt.failed', ({ message }) => failed.push(message));
  return { pos, sim, warnings, printed, failed };
}

describe('stopping while a receipt prints', () => {
  it('lets the receipt finish before the printer closes (Ctrl-C or systemctl stop right after a sale)', async () => {
    const c = await counter();
    const paid = c.pos.payments.create({ idempotencyKey: 'sale-1', amount: 880, asset: 'CNY', method: 'cash', tendered: 1000 });
    expect(paid.state).toBe('succeeded');
    await c.pos.stop();
    expect(c.failed).toEqual([]);
    expect(c.printed).toEqual([paid.seq]);
    expect(c.sim.twins.printer.text()).toContain('8.80');
  });

  it('waits only so long for a receipt that cannot print (out of paper), then stops and says so', async () => {
    const c = await counter();
    c.sim.twins.printer.setFault('paper_out', true);
    c.pos.payments.create({ idempotencyKey: 'sale-2', amount: 500, asset: 'CNY', method: 'cash', tendered: 500 });
    await c.pos.stop();
    expect(c.warnings).toContain('stopping: a receipt was still printing; reprint it from the journal');
  });
});
