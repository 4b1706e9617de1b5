import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** posctl as `npm run build` compiles it. */
export const POSCTL = join(process.cwd(), 'dist/src/bin/posctl.js');

export interface PosctlRun {
  code: number;
  stdout: string;
  stderr: string;
}

const run = promisify(execFile);

/** Runs posctl to its end in `cwd` (default: this process's): its exit code and output, whatever the code. */
export async function posctlIn(options: { cwd?: string; maxBuffer?: number }, ...args: string[]): Promise<PosctlRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [POSCTL, ...args], options);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as PosctlRun;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Runs posctl to its end: its exit code and output, whatever the code. */
export function posctl(...args: string[]): Promise<PosctlRun> {
  return posctlIn({}, ...args);
}
