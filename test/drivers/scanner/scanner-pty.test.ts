import { afterEach, describe, expect, it } from 'vitest';
import { Scanner } from '../../../src/drivers/scanner/scanner.js';
import { startSimulatedTerminal } from '../../../hw-sim/terminal/simulated-terminal.js';
import { until } from '../../support/wait.js';
import { record } from './rig.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('serial scanner over a real pseudo-terminal (native binding)', () => {
  it('reads lines, rejects garbage, and survives the device vanishing and coming back', async () => {
    const terminal = await startSimulatedTerminal({ twins: ['scanner'], transport: 'pty', acquirer: false, wireTiming: true, scanner: { mode: 'serial', baud: 9600 } });
    cleanups.push(() => terminal.close());
    const twin = terminal.twins.scanner;

    const scanner = await Scanner.open(terminal.devices.scanner.uri, { reopen: { minMs: 10, maxMs: 50 } });
    cleanups.push(() => scanner.stop());
    const r = record(scanner);
    scanner.start();
    await scanner.waitReady(3000);

    await twin.scan('134567890123456789', { suffix: 'crlf' });
    await twin.scan('6212345678901234567', { suffix: 'cr' });
    await until(() => r.scans.length === 2);
    twin.sendRaw(Uint8Array.of(0x00, 0x1b, 0x5b, 0x41, 0x0d, 0x0a));
    await twin.scan('OQR1:' + 'x'.repeat(90), { suffix: 'crlf' });
    await twin.scan('NO-SUFFIX-CODE', { suffix: 'none' });
    await until(() => r.scans.length === 4);
    expect(r.scans.map((s) => [s.text, s.endedBy])).toEqual([
      ['134567890123456789', 'suffix'],
      ['6212345678901234567', 'suffix'],
      ['OQR1:' + 'x'.repeat(90), 'suffix'],
      ['NO-SUFFIX-CODE', 'silence'],
    ]);
    expect(r.rejects.map((e) => [e.code, e.length])).toEqual([['non_printable', 4]]);

    await terminal.unplug('scanner');
    await until(() => scanner.health().state === 'connecting');
    await terminal.plug('scanner');
    await scanner.waitReady(5000);
    await twin.scan('AFTER-REPLUG', { suffix: 'crlf' });
    await until(() => r.scans.length === 5);
    expect(r.scans[4]!.text).toBe('AFTER-REPLUG');
    expect(r.statuses).toEqual(['connecting', 'ready', 'connecting', 'ready']);
  });
});
