import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { accepts, errorResponses } from '../route-kit.js';
import { isFinalState } from '../views.js';
import { OfflinePolicy, PaymentIdParams, PaymentMethod, PaymentSchema } from '../schemas.js';

const REGISTER_OR_COUNTER = accepts('register', 'counter');

export const SaleAnswer = Type.Object({
  items: Type.Array(Type.Object({ gtin: Type.String(), name: Type.String(), unitPrice: Type.Integer(), quantity: Type.Integer() })),
  count: Type.Integer({ description: 'Items in the basket (quantities added up).' }),
  total: Type.Integer({ description: 'Minor units of asset.' }),
  asset: Type.Union([Type.String(), Type.Null()], { description: 'null while the basket is empty.' }),
});

const SalePayBody = Type.Object(
  {
    method: Type.Optional(PaymentMethod),
    offline: Type.Optional(OfflinePolicy),
    tendered: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000_000, description: 'Cash: what the customer handed over; with method cash the payment completes in this call.' })),
  },
  { additionalProperties: false },
);

const QrAnswer = Type.Object({
  payload: Type.String({ description: 'The text of the QR (EMVCo merchant-presented).' }),
  expiresAt: Type.Integer({ description: 'Until when it is payable (epoch ms).' }),
  size: Type.Integer({ description: 'Modules per side.' }),
  rows: Type.Array(Type.String(), { description: 'One string of 0 and 1 per row, 1 = dark module (no quiet zone).' }),
});

/**
 * The counter's basket (what the scanner rang up) and the merchant QR as modules: what the counter
 * screen needs besides the payment routes. The basket is paid under the sale's own idempotency
 * key (the terminal's), so a customer's code or wallet tap and the screen's button pay the same sale.
 */
export function counterRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { terminal } = ctx;
  const saleView = (): Static<typeof SaleAnswer> => {
    const sale = terminal.sale.current();
    return {
      items: sale.items.map((l) => ({ gtin: l.product.gtin, name: l.product.name, unitPrice: l.product.price, quantity: l.quantity })),
      count: sale.count,
      total: sale.total,
      asset: sale.asset ?? null,
    };
  };

  app.get(
    '/v1/sale',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'The basket rung up at the counter (scanned products)',
        description: `${REGISTER_OR_COUNTER.scopesNote} sale.item events tell each product as it is scanned; this answers the whole basket (after a reconnect).`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        response: { 200: SaleAnswer, ...errorResponses() },
      },
    },
    async () => saleView(),
  );

  app.post(
    '/v1/sale/pay',
    {
      config: { ...REGISTER_OR_COUNTER.config, optionalBody: true },
      schema: {
        summary: 'Pay the basket (by a chosen method, or by whatever the customer presents)',
        description: `${REGISTER_OR_COUNTER.scopesNote} The payment carries the basket's items and the sale's idempotency key (asking again answers the same payment). 422 empty_sale with nothing rung up; 409 busy while another payment is in progress. The basket empties once its payment succeeds.`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        body: SalePayBody,
        response: { 201: Type.Ref(PaymentSchema), ...errorResponses(409, 422, 503) },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof SalePayBody>;
      const payment = terminal.sale.pay({
        ...(body.method !== undefined ? { method: body.method } : {}),
        ...(body.offline !== undefined ? { offline: body.offline } : {}),
        ...(body.tendered !== undefined ? { tendered: body.tendered } : {}),
      });
      ctx.log.info({ id: payment.id, by: request.client?.name ?? null, amount: payment.amount, method: payment.method }, 'basket paid through the API');
      return reply.code(201).header('Location', `/v1/payments/${payment.id}`).send(ctx.view(payment));
    },
  );

  app.delete(
    '/v1/sale',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: 'Empty the basket',
        description: `${REGISTER_OR_COUNTER.scopesNote} Not while it is being paid (409 busy: cancel the payment first).`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        response: { 200: SaleAnswer, ...errorResponses(409) },
      },
    },
    async () => {
      terminal.sale.clear();
      return saleView();
    },
  );

  app.get(
    '/v1/payments/:id/qr',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: "The merchant QR of a waiting payment, as modules to draw",
        description: `${REGISTER_OR_COUNTER.scopesNote} For a payment whose prompt is show_qr (method merchant_qr): the payload and its QR modules, so a screen draws it without a QR library. 422 not_waiting otherwise.`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        params: PaymentIdParams,
        response: { 200: QrAnswer, ...errorResponses(404, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof PaymentIdParams>;
      const payment = terminal.payments.get(id);
      if (!payment) throw new ApiError('payment_not_found', `no payment ${id}`);
      const prompt = payment.prompt;
      if (prompt?.kind !== 'show_qr' || isFinalState(payment.state)) throw new ApiError('not_waiting', `payment ${id} shows no QR (${payment.state})`);
      // Loaded on the first QR asked for, not at every start (most terminals never show one).
      const { default: QRCode } = await import('qrcode');
      const matrix = QRCode.create(prompt.payload, { errorCorrectionLevel: 'M' }).modules;
      const rows: string[] = [];
      for (let y = 0; y < matrix.size; y++) {
        let row = '';
        for (let x = 0; x < matrix.size; x++) row += matrix.get(y, x) ? '1' : '0';
        rows.push(row);
      }
      return { payload: prompt.payload, expiresAt: prompt.expiresAt, size: matrix.size, rows };
    },
  );
}
