import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PaymentRequest } from '../../../payments/request.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { accepts, errorResponses } from '../route-kit.js';
import { CashBody, CreatePaymentBody, IdempotencyKey, ListQuery, PaymentIdParams, PaymentList, PaymentSchema, ReprintAnswer, WaitQuery } from '../schemas.js';
import { isFinalState } from '../views.js';

const REGISTER_OR_COUNTER = accepts('register', 'counter');
export const IdempotencyHeader = Type.Object({ 'idempotency-key': Type.Optional(IdempotencyKey) });
/** How long a reprint request waits for the paper before answering `printed: false`. */
export const REPRINT_ANSWER_MS = 10_000;

/** The key from the Idempotency-Key header or the body's idempotencyKey; both given, they must agree. */
export function idempotencyKeyOf(header: unknown, member: string | undefined): string {
  const fromHeader = typeof header === 'string' ? header : undefined;
  if (fromHeader !== undefined && member !== undefined && fromHeader !== member) {
    throw new ApiError('invalid_request', 'the Idempotency-Key header and idempotencyKey differ: send one, or the same in both', { field: 'idempotencyKey' });
  }
  const key = fromHeader ?? member;
  if (key === undefined) throw new ApiError('missing_idempotency_key', 'send an Idempotency-Key header (or idempotencyKey): the same key makes a retry safe', { field: 'idempotencyKey' });
  return key;
}

export function paymentRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { terminal } = ctx;
  app.post(
    '/v1/payments',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'Start a payment (idempotent)',
        description: `${REGISTER_OR_COUNTER.scopesNote} Requires an idempotency key (header Idempotency-Key or member idempotencyKey). The same key and body answer the same payment (200, Idempotent-Replayed: true); the same key with another body is 409 idempotency_conflict; another payment in progress is 409 busy. With method cash and tendered, the payment completes within this call. Answers the payment with its deadline.`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        headers: IdempotencyHeader,
        body: CreatePaymentBody,
        response: { 201: Type.Ref(PaymentSchema, { description: 'Created.' }), 200: Type.Ref(PaymentSchema, { description: 'The payment this key created before.' }), ...errorResponses(409, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof CreatePaymentBody>;
      const key = idempotencyKeyOf(request.headers['idempotency-key'], body.idempotencyKey);
      const paymentRequest: PaymentRequest = {
        idempotencyKey: key,
        amount: body.amount,
        asset: body.asset,
        ...(body.method !== undefined ? { method: body.method } : {}),
        ...(body.items !== undefined ? { items: body.items } : {}),
        ...(body.offline !== undefined ? { offline: body.offline } : {}),
        ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
        ...(body.tendered !== undefined ? { tendered: body.tendered } : {}),
      };
      const earlier = terminal.payments.byKey(key);
      const payment = terminal.payments.create(paymentRequest);
      if (earlier) reply.header('Idempotent-Replayed', 'true');
      else ctx.log.info({ id: payment.id, key, by: request.client?.name ?? null, amount: payment.amount, asset: payment.asset, method: payment.method }, 'payment requested through the API');
      return reply.code(earlier ? 200 : 201).header('Location', `/v1/payments/${payment.id}`).send(ctx.view(payment));
    },
  );

  app.get(
    '/v1/payments',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'Find a payment by idempotency key (lost-answer recovery), or list recent payments',
        description: `${REGISTER_OR_COUNTER.scopesNote} With idempotencyKey: the payment that key created, or 404 payment_not_found, which means no payment was ever created with it: sending the request again with the same key is safe. Without: the most recent payments, newest first.`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        querystring: ListQuery,
        response: { 200: Type.Union([Type.Ref(PaymentSchema), PaymentList], { description: 'The payment (with idempotencyKey), or { payments } (without).' }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListQuery>;
      if (query.idempotencyKey !== undefined) {
        const payment = terminal.payments.byKey(query.idempotencyKey);
        if (!payment) throw notFoundError(undefined, query.idempotencyKey);
        return ctx.view(payment);
      }
      return { payments: terminal.payments.recent(query.limit ?? 20).map((p) => ctx.view(p)) };
    },
  );

  app.get(
    '/v1/payments/last',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'The most recent payment, whatever its state',
        description: `${REGISTER_OR_COUNTER.scopesNote} 404 payment_not_found on a terminal that has taken none.`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        response: { 200: Type.Ref(PaymentSchema), ...errorResponses(404) },
      },
    },
    async () => {
      const payment = terminal.payments.last();
      if (!payment) throw notFoundError();
      return ctx.view(payment);
    },
  );

  app.get(
    '/v1/payments/:id',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'A payment (optionally long-polled)',
        description: `${REGISTER_OR_COUNTER.scopesNote} With wait=ms (at most 60000) the answer waits until the payment changes (or, with version=N, until its version is above N: at once if it already is), then answers; a final payment answers at once.`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        params: PaymentIdParams,
        querystring: WaitQuery,
        response: { 200: Type.Ref(PaymentSchema), ...errorResponses(404, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof PaymentIdParams>;
      const { wait, version } = request.query as Static<typeof WaitQuery>;
      const payment = terminal.payments.get(id);
      if (!payment) throw notFoundError(id);
      const changed = version !== undefined && payment.version > version;
      if (!wait || changed || isFinalState(payment.state)) return ctx.view(payment);
      await ctx.watch.wait(id, wait, (stop) => onClientGone(reply, stop));
      return ctx.view(terminal.payments.get(id)!);
    },
  );

  app.post(
    '/v1/payments/:id/cancel',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'Ask to cancel a payment',
        description: `${REGISTER_OR_COUNTER.scopesNote} A cancel is a request: 202 with the payment in cancel_requested (its final state follows: canceled, or succeeded if the customer's payment won), 200 with it canceled (or already final without success). 409 too_late once it is being authorised or has succeeded: refund it instead.`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        params: PaymentIdParams,
        response: { 200: Type.Ref(PaymentSchema), 202: Type.Ref(PaymentSchema), ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof PaymentIdParams>;
      const payment = terminal.payments.cancel(id);
      ctx.log.info({ id, state: payment.state, by: request.client?.name ?? null }, 'cancel requested through the API');
      return reply.code(payment.state === 'cancel_requested' ? 202 : 200).send(ctx.view(payment));
    },
  );

  app.post(
    '/v1/payments/:id/cash',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'Cash handed over for a waiting payment',
        description: `${REGISTER_OR_COUNTER.scopesNote} The payment must be waiting for the customer, for cash or for any method. It completes within the call: the answer is succeeded with the change, or 422 insufficient_cash (the payment keeps waiting).`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        params: PaymentIdParams,
        body: CashBody,
        response: { 200: Type.Ref(PaymentSchema), ...errorResponses(404, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof PaymentIdParams>;
      const { tendered } = request.body as Static<typeof CashBody>;
      if (!terminal.payments.get(id)) throw notFoundError(id);
      return ctx.view(terminal.payments.payCash(id, tendered));
    },
  );

  app.post(
    '/v1/payments/:id/reprint',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: "Print a succeeded payment's receipt again",
        description: `${REGISTER_OR_COUNTER.scopesNote} Answers once it is on paper (printed: true), or after ${REPRINT_ANSWER_MS / 1000} s with printed: false while the printer waits (out of paper, cover open); receipt.printed or receipt.failed follows as an event.`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        params: PaymentIdParams,
        response: { 200: ReprintAnswer, 202: ReprintAnswer, ...errorResponses(404, 422, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params as Static<typeof PaymentIdParams>;
      if (!terminal.payments.get(id)) throw notFoundError(id);
      if (!terminal.deviceHealth().printer) throw new ApiError('no_printer', 'this terminal has no printer: the receipt is in the payment answer (receipt.lines)');
      return answerOncePrinted(reply, terminal.payments.reprint(id));
    },
  );
}

function notFoundError(id?: string, key?: string): ApiError {
  const message =
    key !== undefined
      ? `no payment was created with idempotency key ${key}: sending the request again with this key is safe`
      : id !== undefined
        ? `no payment ${id}`
        : 'this terminal has taken no payment yet';
  return new ApiError('payment_not_found', message);
}

/** 200 printed: true once on paper; 202 printed: false when it is still printing after REPRINT_ANSWER_MS (it goes on). */
export async function answerOncePrinted(reply: FastifyReply, printing: Promise<unknown>): Promise<FastifyReply> {
  let timer: NodeJS.Timeout | undefined;
  const later = new Promise<'later'>((resolve) => (timer = setTimeout(() => resolve('later'), REPRINT_ANSWER_MS)));
  try {
    const first = await Promise.race([printing.then(() => 'printed' as const), later]);
    if (first === 'later') printing.catch(() => undefined);
    return reply.code(first === 'printed' ? 200 : 202).send({ printed: first === 'printed' });
  } finally {
    clearTimeout(timer);
  }
}

/** Calls `stop` when the client closes the connection before the answer. */
export function onClientGone(reply: FastifyReply, stop: () => void): void {
  reply.raw.once('close', stop);
}
