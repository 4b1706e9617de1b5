import type { ApiServer } from './server.js';

/** The OpenAPI document as docs/ecr-api.openapi.json holds it (sorted keys are not needed: the order is the routes'). */
export function openApiText(server: ApiServer): string {
  return `${JSON.stringify(server.app.swagger(), null, 2)}\n`;
}
