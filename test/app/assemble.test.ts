import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assemble, type Logger, type PosTerminal } from '../../src/app/index.js';
import { toHex } from '../../src/encoding/hex.js';
import { demoCatalogCsv } from '../../hw-sim/demo/shelf.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

function recordingLog(): Logger & { lines: { level: string; msg: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

async function counterOnTwins(options: { catalog?: string } = {}): Promise<{ pos: PosTerminal; sim: SimulatedTerminal; dataDir: string; log: ReturnType<typeof recordingLog> }> {
  const sim = await startSimulatedTerminal({ scanner: { mode: 'serial' } });
  running.push({ stop: () => sim.close() });
  const dataDir = tempDir();
  if (options.catalog !== undefined) writeFileSync(join(dataDir, 'catalog.csv'), options.catalog);
  const log = recordingLog();
  const pos = await assemble(
    { dataDir, merchant: { name: 'Test shop' }, acquirer: { url: sim.acquirer!.url, publicKey: toHex(sim.acquirer!.publicKey) }, devices: sim.devices },
    { env: sim.env, log },
  );
  running.push(pos);
  return { pos, sim, dataDir, log };
}

describe('assemble: the one composition root', () => {
  it('builds the devices the config names and reports each one\'s health through one event stream', async () => {
    const { pos } = await counterOnTwins({ catalog: demoCatalogCsv() });
    await until(() => Object.values(pos.deviceHealth()).every((h) => h.state === 'ready'), 'every device ready', 10_000);
    expect(Object.keys(pos.deviceHealth()).sort()).toEqual(['gpio', 'nfc', 'printer', 'scanner']);
    expect(pos.status()).toMatchObject({ terminal: pos.id, headSeq: 0 });
    expect(pos.publicKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sells from the catalogue file, reloads it when it changes, and keeps the old one when the new one is bad', async () => {
    const { pos, sim, dataDir, log } = await counterOnTwins({ catalog: demoCatalogCsv() });
    const items: number[] = [];
    const refused: string[] = [];
    pos.events.on('sale.item', ({ total }) => items.push(total));
    pos.events.on('sale.refused', ({ reason }) => refused.push(reason));
    await until(() => pos.deviceHealth().scanner?.state === 'ready', 'scanner ready');
    await sim.twins.scanner.scan('6923450657713');
    await until(() => items.length === 1, 'rung up');
    expect(items).toEqual([350]);
    pos.sale.payCash(350);

    const reloaded = new Promise((resolve) => pos.events.once('catalog.loaded', resolve));
    writeFileSync(join(dataDir, 'catalog.csv'), 'gtin,name_zh,name_en,price,asset\n6923450657713,绿茶,Green tea,4.00,CNY\n');
    await reloaded;
    await sim.twins.scanner.scan('6923450657713');
    await until(() => items.length === 2, 'rung up at the new price');
    expect(items[1]).toBe(400);
    expect(pos.sale.catalog().find('6923450657713')?.price).toBe(400);

    const refusal = new Promise<{ message: string }>((resolve) => pos.events.once('catalog.refused', resolve));
    writeFileSync(join(dataDir, 'catalog.csv'), 'gtin,name_zh,name_en,price,asset\n6923450657713,绿茶,Green tea,four,CNY\n');
    expect((await refusal).message).toContain('line 2, price');
    expect(log.lines.some((l) => l.level === 'error' && l.msg.includes('catalogue refused'))).toBe(true);
    await sim.twins.scanner.scan('6923450657713');
    await until(() => items.length === 3, 'still selling at the price in force');
    expect(items[2]).toBe(800);
    expect(refused).toEqual([]);
  });

  it('has no products of its own: without a catalogue a product scan is refused, and the log says why', async () => {
    const { pos, sim, log } = await counterOnTwins();
    const refused: string[] = [];
    pos.events.on('sale.refused', ({ reason }) => refused.push(reason));
    expect(log.lines.some((l) => l.level === 'warn' && l.msg.startsWith('no product catalogue'))).toBe(true);
    await until(() => pos.deviceHealth().scanner?.state === 'ready', 'scanner ready');
    await sim.twins.scanner.scan('6901234567892');
    await until(() => refused.length === 1, 'refused');
    expect(refused[0]).toContain('not in the catalog');
  });

  it('logs a device that cannot open with the reason, at warn level', async () => {
    const dataDir = tempDir();
    const log = recordingLog();
    const pos = await assemble({ dataDir, merchant: { name: 'Test shop' }, devices: { printer: { uri: `serial:${join(dataDir, 'no-such-tty')}` } } }, { log });
    running.push(pos);
    await until(() => log.lines.some((l) => l.msg === 'device status' && l.fields.reason !== null), 'a reason logged');
    const line = log.lines.find((l) => l.msg === 'device status' && l.fields.reason !== null)!;
    expect(line.level).toBe('warn');
    expect(line.fields).toMatchObject({ device: 'printer', status: 'connecting' });
    expect(String(line.fields.reason)).toContain('no-such-tty');
  });
});
