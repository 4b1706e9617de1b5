import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { tempDir } from '../support/tmp.js';

const BINS = [
  ['dist/posd.js, the bundle the unit runs', new URL('../../dist/posd.js', import.meta.url).pathname],
  ['dist/src/bin/posd.js, the compiled bin', new URL('../../dist/src/bin/posd.js', import.meta.url).pathname],
] as const;

describe.each(BINS)('posd (%s) serves the local API', (_name, BIN) => {
  it('listens after assembling, logs a pairing code while no register is paired; a register pairs with it and pays cash; SIGTERM closes it', async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = join(dir, 'posd.json');
    writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data'), merchant: { name: 'Test shop' }, api: { listen: `127.0.0.1:${port}` } }));
    const posd = spawn(process.execPath, [BIN, '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => posd.on('exit', (code) => resolve(code)));
    try {
      const log = createInterface({ input: posd.stdout! });
      const lines: Record<string, unknown>[] = [];
      let code: string | undefined;
      for await (const line of log) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (typeof entry.code === 'string' && String(entry.msg).startsWith('pairing code')) {
          code = entry.code;
          break;
        }
      }
      expect(lines.some((l) => l.msg === 'local API listening' && l.url === `http://127.0.0.1:${port}`)).toBe(true);
      expect(code).toMatch(/^\d{6}$/);
      expect(existsSync(join(dir, 'data', 'api', 'counter-ticket'))).toBe(true);

      const base = `http://127.0.0.1:${port}`;
      const paired = (await (await fetch(`${base}/v1/pairings/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name: 'Till 1' }) })).json()) as { token: string };
      const pay = await fetch(`${base}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${paired.token}`, 'content-type': 'application/json', 'idempotency-key': 'bin-sale-1' },
        body: JSON.stringify({ amount: 880, asset: 'CNY', method: 'cash', tendered: 1000 }),
      });
      expect(pay.status).toBe(201);
      expect(await pay.json()).toMatchObject({ state: 'succeeded', facts: { change: 120 } });
      const openapi = await fetch(`${base}/v1/openapi.json`);
      expect(openapi.status).toBe(200);
      expect(((await openapi.json()) as { openapi?: string }).openapi).toMatch(/^3\./);
      // The counter screen's files, found from wherever the program file is.
      const screen = await fetch(`${base}/`);
      expect(screen.status).toBe(200);
      expect(await screen.text()).toContain('<div id="app">');

      posd.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`${base}/v1/health`)).rejects.toThrow();
    } finally {
      posd.kill('SIGKILL');
    }
  });
});
