import type { Static } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { SaleAnswer } from '../../src/api/http/routes/counter.js';
import type { PaymentSchema, ReportAnswer, ReturnSchema, StatusSchema } from '../../src/api/http/schemas.js';
import type { Payment, PaymentReturn, Report, Sale, Status } from '../../web/src/types.js';

/**
 * The counter screen declares the API's answers by hand (web/src/types.ts, compiled apart from
 * the server). These lines compile only while every answer the API's schemas allow can be used
 * where the screen expects its type: a field the screen reads that the API dropped or renamed, or
 * a state it does not know, stops `npm run build` (and so `npm test`) naming the type.
 */
type Fits<Answer, Expected> = [Answer] extends [Expected] ? true : false;

const fits: {
  payment: Fits<Static<typeof PaymentSchema>, Payment>;
  status: Fits<Static<typeof StatusSchema>, Status>;
  paymentReturn: Fits<Static<typeof ReturnSchema>, PaymentReturn>;
  sale: Fits<Static<typeof SaleAnswer>, Sale>;
  report: Fits<Static<typeof ReportAnswer>, Report>;
} = { payment: true, status: true, paymentReturn: true, sale: true, report: true };

describe("the counter screen's API types", () => {
  it('fit the API schemas (checked by the compiler: this file does not build otherwise)', () => {
    expect(fits).toEqual({ payment: true, status: true, paymentReturn: true, sale: true, report: true });
  });
});
