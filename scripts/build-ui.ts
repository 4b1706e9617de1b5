/**
 * Builds the counter screen (web/ -> dist/ui) only when its sources changed since the last build,
 * so that `npm start` and `npm test` on an unchanged checkout do not pay for vite each time.
 * Stale when any file under web/ (or the lock file) is newer than dist/ui/.built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const stamp = join(root, 'dist', 'ui', '.built');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules') continue;
    latest = Math.max(latest, newest(join(path, name)));
  }
  return latest;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(join(root, 'node_modules', '.bin', command), args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const sources = Math.max(newest(join(root, 'web')), newest(join(root, 'package-lock.json')));
if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources && existsSync(join(root, 'dist', 'ui', 'index.html'))) process.exit(0);
run('tsc', ['-p', 'web/tsconfig.json']);
run('vite', ['build', 'web', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
