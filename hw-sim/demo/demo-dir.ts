import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CodedError } from '../../src/errors/coded-error.js';

/**
 * The demo's folder (`.posd-demo/` unless POSD_DEMO_DIR or --data-dir says otherwise): what
 * stays across runs (posd's data directory, the acquirer's, the register token, the receipts)
 * and, while a demo runs, `running.json`: where its API, acquirer and twin control port are,
 * with the control port's token. The hw-sim commands find a running demo through that file.
 */
export interface DemoPaths {
  root: string;
  /** posd.json, written at every start from what the simulator offers. */
  config: string;
  /** posd's data directory. */
  terminal: string;
  /** The simulator's folder (the acquirer's key and database in acquirer/). */
  simulator: string;
  receipts: string;
  registerToken: string;
  running: string;
  log: string;
}

export const DEFAULT_DEMO_DIR = '.posd-demo';

export function demoPaths(dir: string = process.env.POSD_DEMO_DIR ?? DEFAULT_DEMO_DIR): DemoPaths {
  const root = resolve(dir);
  return {
    root,
    config: join(root, 'posd.json'),
    terminal: join(root, 'terminal'),
    simulator: root,
    receipts: join(root, 'receipts'),
    registerToken: join(root, 'register-token'),
    running: join(root, 'running.json'),
    log: join(root, 'posd.log'),
  };
}

/** A wallet the demo's customers carry: `hw-sim tap NAME` holds it to the reader. */
export interface DemoWallet {
  name: string;
  asset: 'CNY' | 'MAT';
  /** Its index among the simulated terminal's wallets (the control port's `index`). */
  index: number;
}

/** What a running demo publishes in running.json (mode 0600: it holds the control token). */
export interface RunningDemo {
  pid: number;
  /** posd's local API. */
  api: string;
  counterUrl: string;
  acquirer: string;
  acquirerControl: string;
  /** The twin control port. */
  control: string;
  /** Bearer token of the control ports (twins and acquirer). */
  token: string;
  wallets: DemoWallet[];
}

export class DemoNotRunningError extends CodedError<'demo_not_running'> {
  override readonly name = 'DemoNotRunningError';
  constructor(message: string) {
    super('demo_not_running', message);
  }
}

export function writeRunning(paths: DemoPaths, running: RunningDemo): void {
  const tmp = `${paths.running}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(running, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, paths.running);
}

export function removeRunning(paths: DemoPaths): void {
  rmSync(paths.running, { force: true });
}

/** The running demo, or DemoNotRunningError saying how to start one (a stale file from a killed demo counts as none). */
export function readRunning(paths: DemoPaths): RunningDemo {
  const none = (why: string): DemoNotRunningError => new DemoNotRunningError(`no demo is running in ${paths.root} (${why}): start one with \`npm start\` in another shell, or name its folder with --demo-dir`);
  if (!existsSync(paths.running)) throw none('no running.json there');
  let running: RunningDemo;
  try {
    running = JSON.parse(readFileSync(paths.running, 'utf8')) as RunningDemo;
  } catch (err) {
    throw none(`running.json is unreadable: ${(err as Error).message}`);
  }
  if (typeof running.pid !== 'number' || typeof running.control !== 'string' || typeof running.token !== 'string' || !Array.isArray(running.wallets)) throw none('running.json is not a demo\'s');
  if (!processAlive(running.pid)) throw none(`its process ${running.pid} has gone`);
  return running;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
