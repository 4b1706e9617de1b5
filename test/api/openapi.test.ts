import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiText } from '../../src/api/http/openapi.js';
import { startApi } from './support.js';

const FILE = new URL('../../docs/ecr-api.openapi.json', import.meta.url);

describe('the OpenAPI document', () => {
  it('is served by posd and docs/ecr-api.openapi.json is not stale (npm run api-doc rewrites it)', async () => {
    // posd serves the committed file; the routes' schemas generate it here (@fastify/swagger).
    const rig = await startApi({ api: { openApi: 'generate' } });
    const generated = openApiText(rig.api);
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(FILE, generated);
    const served = await rig.call('GET', '/v1/openapi.json', { token: null });
    expect(served.status).toBe(200);
    expect(JSON.parse(generated)).toEqual(served.body);
    const committed = readFileSync(FILE, 'utf8');
    expect(committed, 'docs/ecr-api.openapi.json is stale: run npm run api-doc and commit it').toBe(generated);
  });

  it('is what posd answers at GET /v1/openapi.json without building it: the committed file, as JSON', async () => {
    const rig = await startApi();
    expect(rig.api.app.hasDecorator('swagger')).toBe(false);
    const served = await rig.call('GET', '/v1/openapi.json', { token: null });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(served.body).toEqual(JSON.parse(readFileSync(FILE, 'utf8')));
  });

  it('documents every operation: a summary, its errors with the one error schema, components for the shared schemas', async () => {
    const doc = JSON.parse(readFileSync(FILE, 'utf8')) as {
      openapi: string;
      paths: Record<string, Record<string, { summary?: string; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Error', 'Payment', 'Receipt']));
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.summary, `${method} ${path}`).toBeTruthy();
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400) expect(response.content?.['application/json']?.schema.$ref, `${method} ${path} ${status}`).toBe('#/components/schemas/Error');
        }
      }
    }
    expect(doc.paths['/v1/payments']!.post!.responses['201']!.content!['application/json']!.schema.$ref).toBe('#/components/schemas/Payment');
  });
});
