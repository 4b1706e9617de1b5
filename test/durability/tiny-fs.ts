import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PAGE = 4096;

/** A real, small file system (tmpfs with a size limit) that a test can fill up. */
export interface TinyFs {
  readonly dir: string;
  /** Fills the file system so that exactly `freePages` pages stay free. */
  fillLeaving(freePages: number): void;
  /** Fills it until the kernel says ENOSPC. */
  fillUp(): void;
  /** Removes the filler. */
  free(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `kib` KiB; throws when mounting is impossible here (not root, no CAP_SYS_ADMIN). */
export function mountTinyFs(kib: number): TinyFs {
  const dir = mkdtempSync(join(tmpdir(), 'posd-tinyfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmdirSync(dir);
    throw err;
  }
  const filler = join(dir, 'filler');
  const write = (pages: number | 'until full'): void => {
    const fd = openSync(filler, 'w');
    const page = Buffer.alloc(PAGE, 0xa5);
    try {
      for (let i = 0; pages === 'until full' || i < pages; i++) writeSync(fd, page);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOSPC') throw err;
    } finally {
      closeSync(fd);
    }
  };
  return {
    dir,
    fillLeaving(freePages) {
      rmSync(filler, { force: true });
      const { bavail, bsize } = statfsSync(dir);
      write(Math.floor((bavail * bsize) / PAGE) - freePages);
    },
    fillUp: () => write('until full'),
    free: () => rmSync(filler, { force: true }),
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmdirSync(dir);
    },
  };
}

/** Why a tiny file system cannot be mounted here, or null when it can. */
export function tinyFsUnavailable(): string | null {
  try {
    mountTinyFs(64).unmount();
    return null;
  } catch (err) {
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}); the real full-disk tests need root`;
  }
}
