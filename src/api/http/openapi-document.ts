import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findUpwards } from './find-upwards.js';

/**
 * docs/ecr-api.openapi.json, which GET /v1/openapi.json answers: generated from the routes'
 * schemas by the test that fails while it is stale (`npm run api-doc`), so posd need not load
 * @fastify/swagger and build it at every start. Read on the first request, then kept.
 */
export function defaultOpenApiFile(): string {
  // docs/ at the top of the checkout: above dist/posd.js, dist/src/api/http or src/api/http.
  const docs = findUpwards(dirname(fileURLToPath(import.meta.url)), ['docs/ecr-api.openapi.json']);
  return join(docs ?? join(process.cwd(), 'docs'), 'ecr-api.openapi.json');
}

export class OpenApiDocument {
  private text: string | undefined;

  constructor(private readonly file: string) {}

  /** The document as compact JSON text; a missing file (posd installed without docs/) is an internal error, logged. */
  read(): string {
    this.text ??= JSON.stringify(JSON.parse(readFileSync(this.file, 'utf8')));
    return this.text;
  }
}
