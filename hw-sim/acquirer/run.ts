import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../src/encoding/hex.js';
import { AcquirerSimulator } from './server.js';

/** Runs the acquirer simulator until SIGINT/SIGTERM; prints one JSON line saying where it is and the operator's token. */
export async function runAcquirer(options: { dataDir?: string; port?: number; host?: string }): Promise<void> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'posd-acquirer-'));
  const sim = await AcquirerSimulator.start({ dataDir, port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ acquirer: sim.url, control: sim.controlUrl, token: sim.operatorToken, publicKey: toHex(sim.publicKey), dataDir })}\n`);
  const stop = async (): Promise<void> => {
    await sim.close();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
