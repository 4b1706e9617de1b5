import { afterEach, describe, expect, it } from 'vitest';
import { GENERIC_58_ZH } from '../../../src/drivers/escpos/profiles.js';
import { EscPosPrinter } from '../../../src/drivers/printer/escpos-printer.js';
import { startSimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';
import { until } from '../../support/wait.js';
import { NOODLE_LINES, NOODLE_RECEIPT } from './fixtures.js';
import { FAST, record } from './rig.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const BANNER = '      *** REPRINT 重印 ***';

describe('EscPosPrinter over a real pseudo-terminal (native serialport binding)', () => {
  it('prints, reprints after paper out, and survives the printer vanishing mid-job', async () => {
    const terminal = await startSimulatedTerminal({ twins: ['printer'], transport: 'pty', acquirer: false, printer: { dotsPerLine: 384, baud: 19200 } });
    cleanups.push(() => terminal.close());
    const twin = terminal.twins.printer;

    const printer = await EscPosPrinter.open(terminal.devices.printer.uri, { reopen: { minMs: 10, maxMs: 50 } }, { profile: GENERIC_58_ZH, ...FAST });
    cleanups.push(() => printer.stop());
    const r = record(printer);
    printer.start();
    await until(() => printer.health().detail.condition === 'ok', 'printer ready', 5000);

    await expect(printer.print(NOODLE_RECEIPT).done).resolves.toMatchObject({ attempts: 1, confirmed: true });
    expect(twin.text().split('\n')).toEqual(NOODLE_LINES);

    // Paper out after four lines of the second receipt.
    twin.paperRunsOutAfter(4);
    const second = printer.print(NOODLE_RECEIPT);
    await until(() => printer.health().detail.condition === 'paper_out', 'paper_out reported');
    twin.loadPaper();
    await expect(second.done).resolves.toMatchObject({ attempts: 2, reprinted: true });
    expect(twin.text().split('\n')).toEqual([...NOODLE_LINES, ...NOODLE_LINES.slice(0, 4), BANNER, ...NOODLE_LINES]);

    // The printer goes away while it prints the third: its confirmation never reaches the host.
    twin.setPrintSpeed(40);
    const before = twin.paper.length;
    const third = printer.print(NOODLE_RECEIPT);
    await until(() => twin.paper.length >= before + 2, 'third receipt printing');
    await terminal.unplug('printer');
    await until(() => printer.health().detail.condition === 'disconnected', 'disconnected reported');
    await until(() => r.jobs.some((j) => j.id === third.id && j.phase === 'interrupted'), 'third interrupted');
    await terminal.plug('printer');
    await expect(third.done).resolves.toMatchObject({ attempts: 2, reprinted: true, confirmed: true });
    // The printer finished the first copy from its buffer while unplugged; the customer also gets a marked reprint.
    expect(twin.text().split('\n').slice(-(2 * NOODLE_LINES.length + 1))).toEqual([...NOODLE_LINES, BANNER, ...NOODLE_LINES]);
    // The host may reopen the pty before the twin is attached to the other end again; the queries it
    // sends then are flushed unanswered, and the printer shows as unresponsive for a moment.
    expect(r.states().filter((s) => s !== 'unresponsive')).toEqual(['connecting', 'ok', 'paper_out', 'ok', 'disconnected', 'connecting', 'ok']);
  });
});
