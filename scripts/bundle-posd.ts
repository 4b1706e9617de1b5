/**
 * posd as the unit runs it: dist/posd.js, one ES module holding posd's own code and TypeBox
 * (tree-shaken), with every other package left in node_modules (native addons, and packages that
 * find files of their own at run time). Built by `npm run build` after tsc, from dist/src.
 *
 * Why: an idle terminal keeps every loaded module's source, code and module record. As 500-odd
 * separate ES modules (posd's and TypeBox's files) they cost about 3 MB more resident memory than
 * as one (npm run bench: idle.rss_mb), and the SD card serves one file instead of hundreds at start.
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Packages bundled in; every other dependency stays external. */
const BUNDLED = new Set(['@sinclair/typebox']);

function externalPackages(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  const names = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})].filter((name) => !BUNDLED.has(name));
  return names.flatMap((name) => [name, `${name}/*`]);
}

/** Bundles one compiled entry (a dist/ file) into `outfile`, with a source map beside it. */
export async function bundlePosd(entry: string, outfile: string, root = process.cwd()): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: externalPackages(root),
    sourcemap: true,
    // Class and function names as written: they appear in logs and errors (err.name).
    keepNames: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
}

/** The newest modification time of a file under `path`. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const main = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (main) {
  const root = process.cwd();
  const out = join(root, 'dist/posd.js');
  // Like the UI: bundled again only when what goes in (tsc's output, the lock file) is newer.
  const inputs = Math.max(newest(join(root, 'dist/src')), newest(join(root, 'package-lock.json')));
  if (!existsSync(out) || statSync(out).mtimeMs < inputs) await bundlePosd(join(root, 'dist/src/bin/posd.js'), out, root);
}
