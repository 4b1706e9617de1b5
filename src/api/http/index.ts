export { createApiServer, API_VERSION, BODY_LIMIT, type ApiServer, type ApiServerOptions } from './server.js';
export type { Scope, TokenInfo } from './auth/token-store.js';
