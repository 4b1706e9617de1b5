import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export interface AcquirerProcess {
  url: string;
  control: string;
  /** The operator's bearer token for the control port. */
  token: string;
  publicKey: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../bin/hw-sim.js', import.meta.url));

/**
 * Starts the acquirer simulator in its own process (its own core), as a real acquirer would be.
 * `bin` is the compiled hw-sim entry point (default: the one beside this file in dist/).
 */
export async function spawnAcquirer(dataDir?: string, options: { bin?: string } = {}): Promise<AcquirerProcess> {
  const child = spawn(process.execPath, [options.bin ?? BIN, 'acquirer', ...(dataDir ? ['--data-dir', dataDir] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line));
    child.once('exit', (code) => reject(new Error(`acquirer simulator exited (${code}) before it was ready`)));
  });
  const info = JSON.parse(first) as { acquirer: string; control: string; token: string; publicKey: string };
  return {
    url: info.acquirer,
    control: info.control,
    token: info.token,
    publicKey: info.publicKey,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
