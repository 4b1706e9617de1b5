import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Two linked pseudo-terminals made by socat: whatever is written to one end is read at the
 * other, as on a null-modem cable. The host program opens `hostPath`; the twin opens `devicePath`.
 * `unplug()` kills socat (both ends vanish, open ports see a hang-up); `plug()` makes them again
 * under the same paths, as a device that comes back on the same by-id link.
 */
export class PtyPair {
  private child: ChildProcess | undefined;
  readonly hostPath: string;
  readonly devicePath: string;

  private constructor(private readonly dir: string, name: string, private readonly ownsDir: boolean) {
    this.hostPath = join(dir, `${name}`);
    this.devicePath = join(dir, `${name}.device`);
  }

  static async create(name: string, dir?: string): Promise<PtyPair> {
    const ownsDir = dir === undefined;
    const pair = new PtyPair(dir ?? mkdtempSync(join(tmpdir(), 'posd-pty-')), name, ownsDir);
    await pair.plug();
    return pair;
  }

  get plugged(): boolean {
    return this.child !== undefined;
  }

  async plug(): Promise<void> {
    if (this.child) return;
    // A link left by a run that was killed (dataDir kept across runs) would stop socat.
    for (const path of [this.hostPath, this.devicePath]) if (isSymlink(path)) rmSync(path, { force: true });
    const child = spawn(
      'socat',
      [`pty,raw,echo=0,link=${this.hostPath}`, `pty,raw,echo=0,link=${this.devicePath}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`socat exited (${code}) before the ptys appeared: ${stderr.trim()}`))),
    );
    exited.catch(() => undefined);
    child.once('error', () => undefined);
    const deadline = Date.now() + 5000;
    while (!(existsSync(this.hostPath) && existsSync(this.devicePath))) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        this.child = undefined;
        throw new Error(`socat did not create ${this.hostPath} within 5 s (is socat installed?) ${stderr.trim()}`);
      }
      await Promise.race([new Promise((r) => setTimeout(r, 5)), exited]);
    }
  }

  async unplug(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    // socat removes its links on a clean exit; make sure a dead device has no path.
    rmSync(this.hostPath, { force: true });
    rmSync(this.devicePath, { force: true });
  }

  async close(): Promise<void> {
    await this.unplug();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
