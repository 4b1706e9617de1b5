import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { accepts, errorResponses } from '../route-kit.js';
import { RecordReceiptSchema, RecordSeqParams, ReprintAnswer } from '../schemas.js';
import { answerOncePrinted, REPRINT_ANSWER_MS } from './payments.js';

const REGISTER_OR_COUNTER = accepts('register', 'counter');

/** Receipts of any money record by its journal seq: a payment's, a refund's, a void's, a reversal's. */
export function receiptRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { terminal } = ctx;

  app.get(
    '/v1/records/:seq/receipt',
    {
      config: REGISTER_OR_COUNTER.config,
      schema: {
        summary: "A record's receipt as data: printed lines and the verification QR text",
        description: `${REGISTER_OR_COUNTER.scopesNote} For payments, refunds, voids and reversals (the seq is the record number on the receipt, or a refund's seq). 404 not_found (no such record), no_receipt (a record no receipt is printed for).`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        params: RecordSeqParams,
        response: { 200: Type.Ref(RecordReceiptSchema), ...errorResponses(404) },
      },
    },
    async (request) => {
      const { seq } = request.params as Static<typeof RecordSeqParams>;
      return terminal.receipts.view(seq);
    },
  );

  app.post(
    '/v1/records/:seq/reprint',
    {
      config: { ...REGISTER_OR_COUNTER.config, optionalBody: true },
      schema: {
        summary: "Print a record's receipt again (payment, refund, void, reversal)",
        description: `${REGISTER_OR_COUNTER.scopesNote} Marked as a reprint. Answers once on paper (printed: true), or after ${REPRINT_ANSWER_MS / 1000} s with printed: false while the printer waits. 404 not_found or no_receipt; 503 no_printer.`,
        tags: ['payments'],
        security: REGISTER_OR_COUNTER.security,
        params: RecordSeqParams,
        response: { 200: ReprintAnswer, 202: ReprintAnswer, ...errorResponses(404, 503) },
      },
    },
    async (request, reply) => {
      const { seq } = request.params as Static<typeof RecordSeqParams>;
      terminal.receipts.view(seq); // refuses a missing record or one without a receipt before anything prints
      return answerOncePrinted(reply, terminal.receipts.reprint(seq));
    },
  );
}
