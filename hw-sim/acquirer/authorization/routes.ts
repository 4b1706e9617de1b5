import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { AUTHORIZATION_ROUTES, type AuthorizationRoute } from '../../../src/protocol/authorization-routes.js';
import {
  AuthorizationParams,
  AuthorizeRequestSchema,
  CloseRequestSchema,
  CreateQrRequestSchema,
  QueryRequestSchema,
  RefundParams,
  RefundRequestSchema,
  ReverseRequestSchema,
  VoidRequestSchema,
  type AuthorizationRequest,
} from '../../../src/protocol/authorization-schemas.js';
import { EmvMpmError } from '../../../src/protocol/emv-mpm.js';
import { DeskError, type OrderDesk } from './order-desk.js';

export interface AuthorizationRouteOptions {
  /** How late a "slow" authorisation answers (past the terminal's timeout). */
  slowAnswerMs: () => number;
}

const BODY_SCHEMAS: Record<AuthorizationRoute, TSchema> = {
  authorize: AuthorizeRequestSchema,
  query: QueryRequestSchema,
  reverse: ReverseRequestSchema,
  close: CloseRequestSchema,
  create_qr: CreateQrRequestSchema,
  void: VoidRequestSchema,
  refund: RefundRequestSchema,
};

/**
 * Registers the authorisation routes (docs/authorization-protocol.md section 2) on the acquirer's
 * app, and the control route with which the simulated customer's app pays a merchant QR.
 * Each answer leaves as its behaviour says: at once, late, as a 503 system error, or never.
 */
export function registerAuthorizationRoutes(app: FastifyInstance, control: FastifyInstance, desk: OrderDesk, options: AuthorizationRouteOptions): void {
  const timed = new WeakMap<FastifyRequest, number>();
  // Settlement requests join the desk's log, so tests can see that reversals went first.
  app.addHook('onRequest', async (req) => {
    if (req.method === 'POST' && /\/(uploads|settlements)\//.test(req.url)) desk.log.push({ op: req.url.includes('/uploads/') ? 'upload' : 'close', ref: '' });
  });
  for (const route of Object.keys(AUTHORIZATION_ROUTES) as AuthorizationRoute[]) {
    app.post<{ Params: { terminal: string; ref: string; key?: string }; Body: AuthorizationRequest }>(
      AUTHORIZATION_ROUTES[route],
      {
        schema: { params: route === 'refund' ? RefundParams : AuthorizationParams, body: BODY_SCHEMAS[route] },
        // The acquirer's own time per answer (from the request's arrival to the answer sent), for the bench.
        onRequest: async (req) => void timed.set(req, performance.now()),
        onResponse: async (req) => {
          const started = timed.get(req);
          const params = req.params as { ref?: string };
          if (started !== undefined && params.ref) desk.noteAnswerTime(route, params.ref, performance.now() - started);
        },
      },
      async (req, reply) => {
        let answer;
        try {
          answer = desk.handle(req.params.terminal, req.params.ref, req.body, req.params.key);
        } catch (err) {
          if (err instanceof DeskError) return reply.status(err.status).send({ error: err.error, message: err.message });
          throw err;
        }
        return deliver(req, reply, answer.text, answer.delivery, options);
      },
    );
  }
  control.post<{ Body: { payload: string } }>(
    '/merchant-qr/pay',
    { schema: { body: { type: 'object', required: ['payload'], additionalProperties: false, properties: { payload: { type: 'string', minLength: 1, maxLength: 1024 } } } } },
    async (req, reply) => {
      try {
        return desk.payMerchantQr(req.body.payload);
      } catch (err) {
        if (err instanceof EmvMpmError) return reply.status(400).send({ error: err.code, message: err.message });
        if (err instanceof DeskError) return reply.status(err.status).send({ error: err.error, message: err.message });
        throw err;
      }
    },
  );
}

async function deliver(req: FastifyRequest, reply: FastifyReply, text: string, delivery: string, options: AuthorizationRouteOptions): Promise<FastifyReply | void> {
  switch (delivery) {
    case 'drop':
      reply.hijack();
      req.raw.socket.destroy();
      return;
    case 'system_error':
      return reply.status(503).send({ error: 'system_error', message: 'simulated scheme system error: query the order' });
    case 'slow':
      await new Promise((r) => setTimeout(r, options.slowAnswerMs()));
      if (req.raw.socket.destroyed) {
        reply.hijack();
        return;
      }
      return reply.status(200).header('content-type', 'application/json').send(text);
    default:
      return reply.status(200).header('content-type', 'application/json').send(text);
  }
}
