import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { accepts, errorResponses } from '../route-kit.js';
import { CounterPairingBody, PairingRequestAnswer, RegisterPairingBody, TechnicianPairingBody, TokenAnswer, TokenIdParams, TokenList } from '../schemas.js';

const PUBLIC = { scopes: 'public' } as const;
const STAFF = accepts('counter', 'technician');
const ANY = accepts('register', 'counter', 'technician');

/** Whether the request came from this machine (the socket's peer, never a forwarded header). */
export function fromLoopback(request: FastifyRequest): boolean {
  const peer = request.socket.remoteAddress ?? '';
  return peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
}

export function pairingRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { terminal, tokens } = ctx;

  app.post(
    '/v1/pairings',
    {
      config: PUBLIC,
      schema: {
        summary: 'Show a pairing code on the counter screen',
        description:
          'No token. The terminal shows a six-digit code on the counter screen (and logs it), valid 5 minutes, for one pairing; asking again while it is valid keeps the same code. The code itself is never in this answer: a person reads it off the screen and types it into the register.',
        tags: ['pairing'],
        response: { 202: PairingRequestAnswer, ...errorResponses(429) },
      },
    },
    async (_request, reply) => {
      const shown = terminal.pairing.open();
      return reply.code(202).send({ expiresAt: shown.expiresAt, codeLength: shown.code.length });
    },
  );

  app.post(
    '/v1/pairings/register',
    {
      config: PUBLIC,
      schema: {
        summary: 'Pair a register with the code on the counter screen',
        description:
          'No token. Exchanges the code shown on the counter screen for a register token (shown once: keep it). Five wrong codes drop the code and lock pairing (5 minutes, doubling each time, up to an hour): 429 pairing_locked with retryAt. Pairing again under the same name replaces that register\'s old token.',
        tags: ['pairing'],
        body: RegisterPairingBody,
        response: { 201: TokenAnswer, ...errorResponses(422, 429) },
      },
    },
    async (request, reply) => {
      const { code, name } = request.body as Static<typeof RegisterPairingBody>;
      terminal.pairing.redeem(code);
      const { token, info } = tokens.issue('register', name);
      ctx.log.info({ id: info.id, name }, 'register paired');
      return reply.code(201).send({ token, id: info.id, scope: info.scope, name: info.name });
    },
  );

  app.post(
    '/v1/pairings/counter',
    {
      config: PUBLIC,
      schema: {
        summary: "The counter screen's token, from the ticket in the data directory",
        description:
          "No token; from the terminal itself (loopback) only. The ticket is the text of api/counter-ticket in posd's data directory (mode 0600, renewed after each use): whoever can read it holds the terminal already. Loopback alone is not taken as proof (any local user or local proxy could ask).",
        tags: ['pairing'],
        body: CounterPairingBody,
        response: { 201: TokenAnswer, ...errorResponses() },
      },
    },
    async (request, reply) => {
      if (!fromLoopback(request)) throw new ApiError('not_loopback', 'the counter screen pairs from the terminal itself (loopback) only');
      const { ticket, name } = request.body as Static<typeof CounterPairingBody>;
      if (!ctx.ticket.redeem(ticket)) throw new ApiError('bad_counter_ticket', `that is not the ticket in ${ctx.ticket.file}`);
      const { token, info } = tokens.issue('counter', name ?? 'counter screen');
      ctx.log.info({ id: info.id, name: info.name }, 'counter screen paired');
      return reply.code(201).send({ token, id: info.id, scope: info.scope, name: info.name });
    },
  );

  app.post(
    '/v1/pairings/technician',
    {
      config: PUBLIC,
      schema: {
        summary: 'A technician token, for the console PIN',
        description:
          'No token. Exchanges the console PIN (set with posctl console set-pin; docs/console.md) for a technician token. 403 bad_technician_pin for a wrong PIN; after 5 wrong PINs in a row 429 too_many_attempts with retryAt (15 minutes, doubling at each further lockout up to 24 hours; kept in the data directory, so a restart does not reset it). 422 not_configured while no PIN is set. 501 not_implemented when posd was started without the PIN check.',
        tags: ['pairing'],
        body: TechnicianPairingBody,
        response: { 201: TokenAnswer, ...errorResponses(422, 429, 501) },
      },
    },
    async (request, reply) => {
      const check = ctx.technicianPin;
      if (!check) throw new ApiError('not_implemented', 'technician tokens need the console PIN, which the console (posctl console) sets up: not on this terminal yet');
      const lockedUntil = ctx.technicianThrottle.lockedUntil();
      if (lockedUntil !== null) throw new ApiError('too_many_attempts', 'too many wrong PINs: try again later', { retryAt: lockedUntil });
      const { pin, name } = request.body as Static<typeof TechnicianPairingBody>;
      if (!check(pin)) {
        ctx.technicianThrottle.failed();
        throw new ApiError('bad_technician_pin', 'wrong PIN');
      }
      ctx.technicianThrottle.succeeded();
      const { token, info } = tokens.issue('technician', name ?? 'technician');
      ctx.log.info({ id: info.id, name: info.name }, 'technician token issued');
      return reply.code(201).send({ token, id: info.id, scope: info.scope, name: info.name });
    },
  );

  app.get(
    '/v1/tokens',
    {
      config: STAFF.config,
      schema: {
        summary: 'The tokens this terminal has issued',
        description: `${STAFF.scopesNote} Never the tokens themselves (only their hashes are kept).`,
        tags: ['pairing'],
        security: STAFF.security,
        response: { 200: TokenList, ...errorResponses() },
      },
    },
    async () => ({ tokens: tokens.list() }),
  );

  app.delete(
    '/v1/tokens/:id',
    {
      config: ANY.config,
      schema: {
        summary: 'Revoke a token',
        description: `${ANY.scopesNote} A technician revokes any token; any token may revoke itself (id self). It stops working at once.`,
        tags: ['pairing'],
        security: ANY.security,
        params: TokenIdParams,
        response: { 200: Type.Object({ revoked: Type.String() }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof TokenIdParams>;
      const client = request.client!;
      const target = id === 'self' ? client.id : id;
      if (target !== client.id && client.scope !== 'technician') throw new ApiError('forbidden', 'only a technician revokes another token; any token may revoke itself (DELETE /v1/tokens/self)');
      if (!tokens.revoke(target)) throw new ApiError('token_not_found', `no token ${target}`);
      ctx.log.info({ id: target, by: client.name }, 'token revoked');
      return { revoked: target };
    },
  );
}
