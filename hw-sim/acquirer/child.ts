import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export interface AcquirerProcess {
  url: string;
  control: string;
  /** The operator's bearer token for the control port. */
  token: string;
  publicKey: string;
  /** The port it serves settlement on: a restart on the same data directory can take it again. */
  port: number;
  child: ChildProcess;
  /** SIGTERM: it closes its store and exits. */
  stop(): Promise<void>;
  /** SIGKILL: it dies wherever it is, as in a power cut; its store must cope on the next start. */
  kill(): Promise<void>;
}

export interface SpawnAcquirerOptions {
  /** Serve on this port (a restart after a kill); default: any free one. */
  port?: number;
  /** The compiled hw-sim entry point (default: the one beside this module in dist/). */
  bin?: string;
}

/** hw-sim's entry point beside this module once built; from the build when this runs from source (vitest). */
const BIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/hw-sim/bin/hw-sim.js' : '../bin/hw-sim.js', import.meta.url));

/** Starts the acquirer simulator in its own process (its own core), as a real acquirer would be. */
export async function spawnAcquirer(dataDir?: string, options: SpawnAcquirerOptions = {}): Promise<AcquirerProcess> {
  const args = [options.bin ?? BIN, 'acquirer', ...(dataDir ? ['--data-dir', dataDir] : []), ...(options.port ? ['--port', String(options.port)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line));
    child.once('exit', (code, signal) => reject(new Error(`acquirer simulator exited (${code ?? signal}) before it was ready`)));
  });
  const info = JSON.parse(first) as { acquirer: string; control: string; token: string; publicKey: string };
  const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  const signal = (name: NodeJS.Signals) => async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    url: info.acquirer,
    control: info.control,
    token: info.token,
    publicKey: info.publicKey,
    port: Number(new URL(info.acquirer).port),
    child,
    stop: signal('SIGTERM'),
    kill: signal('SIGKILL'),
  };
}
