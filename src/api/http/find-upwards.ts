import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The first `dirname(relative)` that exists under `start` or a folder above it. */
export function findUpwards(start: string, relatives: readonly string[]): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    for (const relative of relatives) if (existsSync(join(dir, relative))) return dirname(join(dir, relative));
    if (dirname(dir) === dir) return undefined;
  }
}
