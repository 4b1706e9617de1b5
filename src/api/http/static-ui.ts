import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findUpwards } from './find-upwards.js';

/**
 * The counter screen's files (web/, built by vite into dist/ui): `GET /` answers index.html and
 * `GET /ui/*` the assets. They need no token (the page gets its own from the counter ticket);
 * every API route stays behind its scopes. The files are read once at start into memory (the
 * bundle is a few tens of KiB), so a request can never name a path outside the folder.
 */

/** No inline script or style, nothing from elsewhere, no framing. */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};
/** Vite names built assets `name-<hash>.ext`: they never change under one name. */
const HASHED = /^assets\/[A-Za-z0-9_.-]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const MAX_FILES = 200;

interface UiFile {
  body: Buffer;
  type: string;
}

/**
 * Where the built UI is: dist/ui, found from this file upwards, whether it runs as dist/posd.js
 * (the bundle the unit runs), from dist/src/api/http (compiled) or from src/api/http (tests).
 */
export function defaultUiDir(): string {
  return findUpwards(dirname(fileURLToPath(import.meta.url)), ['ui/index.html', 'dist/ui/index.html']) ?? join(process.cwd(), 'dist', 'ui');
}

function loadFiles(dir: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  if (!existsSync(join(dir, 'index.html'))) return files;
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (files.size < MAX_FILES && TYPES[extname(name)]) files.set(relative(dir, path).split(sep).join('/'), { body: readFileSync(path), type: TYPES[extname(name)]! });
    }
  };
  walk(dir);
  return files;
}

const NOT_BUILT = '<!doctype html><meta charset="utf-8"><title>posd</title><h1>The counter screen is not built</h1><p>Run <code>npm run build</code> (it builds web/ into dist/ui), then restart posd.</p>';

export function staticUiRoutes(app: FastifyInstance, uiDir: string): void {
  const files = loadFiles(uiDir);
  const common = (reply: FastifyReply): FastifyReply =>
    reply.header('X-Content-Type-Options', 'nosniff').header('Referrer-Policy', 'no-referrer').header('Content-Security-Policy', UI_CONTENT_SECURITY_POLICY);
  const page = (reply: FastifyReply): FastifyReply => {
    const index = files.get('index.html');
    // The page itself is always asked again (it names the current hashed assets).
    common(reply).header('Cache-Control', 'no-cache');
    if (!index) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.type(index.type).send(index.body);
  };
  const options = { config: { scopes: 'public' as const }, schema: { hide: true } };

  app.get('/', options, async (_request, reply) => page(reply));
  app.get('/ui/', options, async (_request, reply) => page(reply));
  app.get('/ui/*', options, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const file = name === 'index.html' ? undefined : files.get(name);
    if (!file) return common(reply).code(404).type('text/plain; charset=utf-8').send('not found');
    common(reply).header('Cache-Control', HASHED.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(file.type).send(file.body);
  });
}
