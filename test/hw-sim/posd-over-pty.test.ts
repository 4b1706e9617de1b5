import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type { ServeAddresses } from '../../hw-sim/serve/serve.js';
import { demoCatalogCsv } from '../../hw-sim/demo/shelf.js';
import { freePort } from '../support/free-port.js';
import { tempDir } from '../support/tmp.js';

const BIN = (path: string): string => join(process.cwd(), 'dist', path);

function lines(child: ChildProcess): AsyncIterableIterator<string> {
  return createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
}

async function waitFor(it: AsyncIterableIterator<string>, match: (entry: Record<string, unknown>) => boolean, seen: Record<string, unknown>[]): Promise<Record<string, unknown>> {
  for (;;) {
    const next = await it.next();
    if (next.done) throw new Error(`posd ended before the expected log line; saw ${JSON.stringify(seen.map((e) => e.msg))}`);
    const entry = JSON.parse(next.value) as Record<string, unknown>;
    seen.push(entry);
    if (match(entry)) return entry;
  }
}

describe('posd against hw-sim over pseudo-terminals', () => {
  it('opens the real serial devices, rings up a scanned product and sees a tapped wallet', async () => {
    const sim = spawn(process.execPath, [BIN('hw-sim/bin/hw-sim.js'), 'serve', '--pty'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let posd: ChildProcess | undefined;
    try {
      const at = JSON.parse((await lines(sim).next()).value as string) as ServeAddresses;
      const dir = tempDir();
      const config = join(dir, 'posd.json');
      writeFileSync(join(dir, 'catalog.csv'), demoCatalogCsv());
      writeFileSync(
        config,
        JSON.stringify({
          dataDir: join(dir, 'data'),
          catalog: 'catalog.csv',
          merchant: { name: 'Test shop' },
          acquirer: { url: at.acquirer, publicKey: at.acquirerKey },
          devices: { scanner: { uri: `serial:${at.scanner}?baud=9600` }, nfc: { uri: `serial:${at.nfc}?baud=115200` } },
          api: { listen: `127.0.0.1:${await freePort()}` },
        }),
      );
      posd = spawn(process.execPath, [BIN('src/bin/posd.js'), '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
      const log = lines(posd);
      const seen: Record<string, unknown>[] = [];
      await waitFor(log, (e) => e.msg === 'device status' && e.device === 'scanner' && e.status === 'ready', seen);
      await waitFor(log, (e) => e.msg === 'device status' && e.device === 'nfc' && e.status === 'ready', seen);
      await fetch(`${at.control}/scanner/scan`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${at.token}` }, body: JSON.stringify({ code: '6923450657713' }) });
      const item = await waitFor(log, (e) => e.msg === 'item', seen);
      expect(item).toMatchObject({ gtin: '6923450657713', total: 350 });
      await fetch(`${at.control}/nfc/present`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${at.token}` }, body: JSON.stringify({ card: 'wallet' }) });
      const card = await waitFor(log, (e) => e.msg === 'card in the field', seen);
      expect(card.isoDep).toBe(true);
      posd.kill('SIGTERM');
      await waitFor(log, (e) => e.msg === 'stopping', seen);
    } finally {
      posd?.kill('SIGKILL');
      sim.kill('SIGTERM');
    }
  });
});
