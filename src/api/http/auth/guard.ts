import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import type { Scope, TokenInfo, TokenStore } from './token-store.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which token scopes may call the route, or 'public' (no token). Every route says. */
    scopes?: readonly Scope[] | 'public';
    /** The body may be left out (taken as {}). */
    optionalBody?: boolean;
  }
  interface FastifyRequest {
    /** The token's holder (null on public routes). */
    client: TokenInfo | null;
  }
}

/**
 * Bearer tokens and scopes: every route names the scopes it accepts (a route that does not stops
 * the server from starting); a request without a known token gets 401 before its body is read,
 * one whose token has another scope 403.
 */
export function installGuard(app: FastifyInstance, tokens: TokenStore): void {
  app.decorateRequest('client', null);
  app.addHook('onRoute', (route) => {
    if (route.config?.scopes === undefined) throw new Error(`route ${String(route.method)} ${route.url} names no scopes (config.scopes)`);
  });
  app.addHook('onRequest', async (request, reply) => {
    const scopes = request.routeOptions.config.scopes;
    if (scopes === undefined || scopes === 'public') return;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]{1,200})$/i.exec(header) : null;
    if (!match) {
      reply.header('WWW-Authenticate', 'Bearer realm="posd"');
      throw new ApiError('unauthorized', 'send the token as Authorization: Bearer <token> (pair the register first: docs/ecr-api.md)');
    }
    const client = tokens.verify(match[1]!);
    if (!client) {
      reply.header('WWW-Authenticate', 'Bearer realm="posd", error="invalid_token"');
      throw new ApiError('unauthorized', 'this token is not known to the terminal (revoked, or from another terminal): pair again');
    }
    if (!scopes.includes(client.scope)) throw new ApiError('forbidden', `a ${client.scope} token may not do this (needs ${scopes.join(' or ')})`);
    request.client = client;
  });
}
