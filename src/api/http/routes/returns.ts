import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { accepts, errorResponses } from '../route-kit.js';
import { PaymentIdParams, RefundBody, ReturnQuery, ReturnSchema, VoidBody } from '../schemas.js';
import { idempotencyKeyOf } from './payments.js';

const REGISTER_OR_COUNTER = accepts('register', 'counter');

/** A refund or void as the facade answers it (the online-payments work defines it; the API passes it on). */
interface PaymentReturnView {
  state: 'pending' | 'succeeded' | 'refused';
  version: number;
}

/**
 * The refund and void calls the online-payments work adds to the facade (payments.refund(),
 * payments.void(), payments.returned()). Until it is merged these routes answer 501.
 */
interface ReturnsAfterThePayOnlineMerge {
  refund?: (request: { paymentId: string; idempotencyKey: string; amount: number; reason?: string }) => Promise<PaymentReturnView>;
  void?: (request: { paymentId: string; idempotencyKey: string; reason?: string }) => Promise<PaymentReturnView>;
  returned?: (key: string) => PaymentReturnView | undefined;
}

const NOT_YET = 'refunds and voids arrive with the online payments work (payments.refund / payments.void): not on this terminal yet';

export function returnRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const payments = (): ReturnsAfterThePayOnlineMerge => ctx.terminal.payments as unknown as ReturnsAfterThePayOnlineMerge;
  const answer = (r: PaymentReturnView): { code: 200 | 202; body: PaymentReturnView } => ({ code: r.state === 'pending' ? 202 : 200, body: r });

  app.post(
    '/v1/payments/:id/refunds',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'Refund part or all of a payment (idempotent)',
        description: `${REGISTER_OR_COUNTER.scopesNote} Requires an idempotency key like POST /v1/payments. 200 with the refund succeeded or refused; 202 pending when the acquirer could not be reached: send the same request again. 501 until the online payments work lands.`,
        tags: ['refunds'],
        security: REGISTER_OR_COUNTER.security,
        params: PaymentIdParams,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: RefundBody,
        response: { 200: Type.Ref(ReturnSchema), 202: Type.Ref(ReturnSchema), ...errorResponses(404, 409, 422, 501, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof PaymentIdParams>;
      const body = request.body as Static<typeof RefundBody>;
      const key = idempotencyKeyOf(request.headers['idempotency-key'], body.idempotencyKey);
      const refund = payments().refund;
      if (typeof refund !== 'function') throw new ApiError('not_implemented', NOT_YET);
      const { code, body: out } = answer(await refund({ paymentId: id, idempotencyKey: key, amount: body.amount, ...(body.reason ? { reason: body.reason } : {}) }));
      return reply.code(code).send(out);
    },
  );

  app.post(
    '/v1/payments/:id/void',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'Void a whole payment before it is settled (idempotent)',
        description: `${REGISTER_OR_COUNTER.scopesNote} Requires an idempotency key. Answers as refunds. 501 until the online payments work lands.`,
        tags: ['refunds'],
        security: REGISTER_OR_COUNTER.security,
        params: PaymentIdParams,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        body: VoidBody,
        response: { 200: Type.Ref(ReturnSchema), 202: Type.Ref(ReturnSchema), ...errorResponses(404, 409, 422, 501, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof PaymentIdParams>;
      const body = request.body as Static<typeof VoidBody>;
      const key = idempotencyKeyOf(request.headers['idempotency-key'], body.idempotencyKey);
      const voidPayment = payments().void;
      if (typeof voidPayment !== 'function') throw new ApiError('not_implemented', NOT_YET);
      const { code, body: out } = answer(await voidPayment({ paymentId: id, idempotencyKey: key, ...(body.reason ? { reason: body.reason } : {}) }));
      return reply.code(code).send(out);
    },
  );

  app.get(
    '/v1/refunds',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'A refund or void by its idempotency key (lost-answer recovery)',
        description: `${REGISTER_OR_COUNTER.scopesNote} 404 not_found: nothing was started with this key, so sending it again is safe. 501 until the online payments work lands.`,
        tags: ['refunds'],
        security: REGISTER_OR_COUNTER.security,
        querystring: ReturnQuery,
        response: { 200: Type.Ref(ReturnSchema), ...errorResponses(404, 501) },
      },
    },
    async (request) => {
      const { idempotencyKey } = request.query as Static<typeof ReturnQuery>;
      const returned = payments().returned;
      if (typeof returned !== 'function') throw new ApiError('not_implemented', NOT_YET);
      const found = returned(idempotencyKey);
      if (!found) throw new ApiError('not_found', `no refund or void was started with idempotency key ${idempotencyKey}: sending it again is safe`);
      return found;
    },
  );
}
