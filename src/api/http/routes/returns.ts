import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PaymentReturn, PaymentReference } from '../../../payments/refunds/returns.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { accepts, errorResponses } from '../route-kit.js';
import { PaymentIdParams, RecordSeqParams, RefundBody, ReturnQuery, ReturnSchema, VoidBody } from '../schemas.js';
import { returnView } from '../views.js';
import { IdempotencyHeader, idempotencyKeyOf } from './payments.js';

const REGISTER_OR_COUNTER = accepts('register', 'counter');
const RETURN_ERRORS = errorResponses(404, 409, 422, 503);
const REFUND_NOTE =
  'Requires an idempotency key like POST /v1/payments. 200 with the refund succeeded or refused (outcome says why); 202 pending when the acquirer could not be reached: send the same request again (or GET /v1/refunds?idempotencyKey=) until it is final. Online payments are refunded at the acquirer first, cash opens the drawer. 422 exceeds_payment past what is left (refunds under way count), not_refundable (an offline payment not settled yet); 409 idempotency_conflict for the key used with another request.';
const VOID_NOTE =
  'Requires an idempotency key. Voids the whole payment before it is settled (online: the acquirer cancels the order first); answers as refunds. 422 not_voidable once settled (refund instead) or for an offline wallet payment, already_returned after a refund.';

/**
 * Refunds and voids of succeeded payments, named by the engine's payment id or by the journal
 * seq of the payment record (the number on the receipt: payments taken before the register
 * knew them, or at the counter). Lost answers are recovered by idempotency key.
 */
export function returnRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { terminal } = ctx;
  const send = (reply: FastifyReply, ret: PaymentReturn): FastifyReply => reply.code(ret.state === 'pending' ? 202 : 200).send(returnView(ret, terminal));
  const refund = async (reply: FastifyReply, of: PaymentReference, key: string, body: Static<typeof RefundBody>, by: string) => {
    const ret = await terminal.payments.refund({ ...of, idempotencyKey: key, amount: body.amount, ...(body.reason !== undefined ? { reason: body.reason } : {}) });
    ctx.log.info({ key, of: ret.of, amount: ret.amount, state: ret.state, by }, 'refund through the API');
    return send(reply, ret);
  };
  const voidIt = async (reply: FastifyReply, of: PaymentReference, key: string, body: Static<typeof VoidBody>, by: string) => {
    const ret = await terminal.payments.void({ ...of, idempotencyKey: key, ...(body.reason !== undefined ? { reason: body.reason } : {}) });
    ctx.log.info({ key, of: ret.of, amount: ret.amount, state: ret.state, by }, 'void through the API');
    return send(reply, ret);
  };
  const common = { tags: ['refunds'], security: REGISTER_OR_COUNTER.security, headers: IdempotencyHeader };
  const answers = { 200: Type.Ref(ReturnSchema), 202: Type.Ref(ReturnSchema, { description: 'pending: send the same request again.' }), ...RETURN_ERRORS };

  app.post(
    '/v1/payments/:id/refunds',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: { ...common, summary: 'Refund part or all of a payment, by payment id (idempotent)', description: `${REGISTER_OR_COUNTER.scopesNote} ${REFUND_NOTE}`, params: PaymentIdParams, body: RefundBody, response: answers },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof PaymentIdParams>;
      const body = request.body as Static<typeof RefundBody>;
      return refund(reply, { paymentId: id }, idempotencyKeyOf(request.headers['idempotency-key'], body.idempotencyKey), body, request.client!.name);
    },
  );

  app.post(
    '/v1/records/:seq/refunds',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        ...common,
        summary: 'Refund part or all of a payment, by the journal seq of its record (idempotent)',
        description: `${REGISTER_OR_COUNTER.scopesNote} The seq is the record number printed on the receipt. ${REFUND_NOTE}`,
        params: RecordSeqParams,
        body: RefundBody,
        response: answers,
      },
    },
    async (request, reply) => {
      const { seq } = request.params as Static<typeof RecordSeqParams>;
      const body = request.body as Static<typeof RefundBody>;
      return refund(reply, { seq }, idempotencyKeyOf(request.headers['idempotency-key'], body.idempotencyKey), body, request.client!.name);
    },
  );

  app.post(
    '/v1/payments/:id/void',
    {
      config: { ...REGISTER_OR_COUNTER.config, optionalBody: true },
      schema: { ...common, summary: 'Void a whole payment before it is settled, by payment id (idempotent)', description: `${REGISTER_OR_COUNTER.scopesNote} ${VOID_NOTE}`, params: PaymentIdParams, body: VoidBody, response: answers },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof PaymentIdParams>;
      const body = request.body as Static<typeof VoidBody>;
      return voidIt(reply, { paymentId: id }, idempotencyKeyOf(request.headers['idempotency-key'], body.idempotencyKey), body, request.client!.name);
    },
  );

  app.post(
    '/v1/records/:seq/void',
    {
      config: { ...REGISTER_OR_COUNTER.config, optionalBody: true },
      schema: {
        ...common,
        summary: 'Void a whole payment before it is settled, by the journal seq of its record (idempotent)',
        description: `${REGISTER_OR_COUNTER.scopesNote} ${VOID_NOTE}`,
        params: RecordSeqParams,
        body: VoidBody,
        response: answers,
      },
    },
    async (request, reply) => {
      const { seq } = request.params as Static<typeof RecordSeqParams>;
      const body = request.body as Static<typeof VoidBody>;
      return voidIt(reply, { seq }, idempotencyKeyOf(request.headers['idempotency-key'], body.idempotencyKey), body, request.client!.name);
    },
  );

  app.get(
    '/v1/refunds',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'A refund or void by its idempotency key (lost-answer recovery)',
        description: `${REGISTER_OR_COUNTER.scopesNote} The refund or void that key started, as it stands (a pending one is not carried further here: send the request again for that). 404 not_found: nothing was started with this key, so sending the request again is safe.`,
        tags: ['refunds'],
        security: REGISTER_OR_COUNTER.security,
        querystring: ReturnQuery,
        response: { 200: Type.Ref(ReturnSchema), ...errorResponses(404) },
      },
    },
    async (request) => {
      const { idempotencyKey } = request.query as Static<typeof ReturnQuery>;
      const found = terminal.payments.returned(idempotencyKey);
      if (!found) throw new ApiError('not_found', `no refund or void was started with idempotency key ${idempotencyKey}: sending it again is safe`);
      return returnView(found, terminal);
    },
  );
}
