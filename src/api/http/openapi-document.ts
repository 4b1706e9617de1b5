import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * docs/ecr-api.openapi.json, which GET /v1/openapi.json answers: generated from the routes'
 * schemas by the test that fails while it is stale (`npm run api-doc`), so posd need not load
 * @fastify/swagger and build it at every start. Read on the first request, then kept.
 */
export function defaultOpenApiFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/api/http (tests) or dist/src/api/http (posd as installed): docs/ is at the top of either.
  const candidates = [join(here, '..', '..', '..', 'docs', 'ecr-api.openapi.json'), join(here, '..', '..', '..', '..', 'docs', 'ecr-api.openapi.json')];
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
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
