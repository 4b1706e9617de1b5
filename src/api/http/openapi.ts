import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/**
 * The OpenAPI document built from the routes' schemas by @fastify/swagger. posd itself does not
 * build it (it serves the generated docs/ecr-api.openapi.json, openapi-document.ts); the test that
 * keeps that file current (test/api/openapi.test.ts, `npm run api-doc`) starts the API with
 * `openApi: 'generate'`, which registers this before the routes.
 */
export async function registerOpenApiGenerator(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'posd local API',
        version,
        description: 'The terminal\'s API for cash-register software (ECR), the counter screen and the technician. docs/ecr-api.md explains pairing, idempotency, long-poll recovery, events and errors.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from pairing (register, counter or technician scope).' } } },
      tags: [
        { name: 'pairing', description: 'Tokens: pairing codes, the counter ticket, the technician PIN, revocation.' },
        { name: 'payments', description: 'Payments: idempotent creation, lookup, long-poll, cancel, cash, reprint.' },
        { name: 'refunds', description: 'Refunds and voids.' },
        { name: 'terminal', description: 'Status, the drawer, the profile.' },
        { name: 'reports', description: 'X and Z reports.' },
        { name: 'events', description: 'The event stream.' },
        { name: 'service', description: "The technician's console: devices, self-tests, the queue, settle now, log, configuration." },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
}

/** The OpenAPI document as docs/ecr-api.openapi.json holds it, from a server started with `openApi: 'generate'`. */
export function openApiText(server: { readonly app: FastifyInstance }): string {
  return `${JSON.stringify(server.app.swagger(), null, 2)}\n`;
}
