import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TENDERS } from './record.js';

/**
 * The authorisation wire format (docs/authorization-protocol.md), defined once: the JSON Schemas
 * the acquirer validates requests with and the terminal validates answers with, and the types
 * both sides use. Every string and number is bounded.
 */

export const AUTHORIZATION_VERSION = 1;

export const TerminalIdSchema = Type.String({ pattern: '^[0-9a-f]{16}$' });
const KeyIdSchema = Type.String({ pattern: '^[0-9a-f]{16}$' });
const Hex32Schema = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Hex64Schema = Type.String({ pattern: '^[0-9a-f]{128}$' });
const NonceSchema = Type.String({ pattern: '^[0-9a-f]{32}$' });
const Ms = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const SeqSchema = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** 1 to 10^12 minor units, as in a journal record. */
const AmountSchema = Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 });
const AssetSchema = Type.String({ pattern: '^[A-Z][A-Z0-9]{2,7}$' });
/** The merchant's order reference: the order's idempotency key at the acquirer. */
export const OrderRefSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' });
/** A refund's idempotency key. */
export const RefundKeySchema = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
const SchemeSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' });
/** A customer's payment code as scanned: printable ASCII (digits, or base64 for EMV CPM). */
const PaymentCodeSchema = Type.String({ pattern: '^[\\x21-\\x7e]{1,1024}$' });
const MpmPayloadSchema = Type.String({ minLength: 12, maxLength: 512 });
const ReasonTextSchema = Type.String({ minLength: 1, maxLength: 200 });
const AcquirerRefSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const TenderSchema = Type.Union(TENDERS.map((t) => Type.Literal(t)));
const OnlineMethodSchema = Type.Union([Type.Literal('code'), Type.Literal('merchant_qr')]);

export const AUTHORIZATION_OPS = ['authorize', 'query', 'reverse', 'close', 'create_qr', 'void', 'refund'] as const;
export type AuthorizationOp = (typeof AUTHORIZATION_OPS)[number];

/** Members every request carries besides its own: who sends it, when, and the signature. */
const envelope = {
  v: Type.Literal(AUTHORIZATION_VERSION),
  terminal: TerminalIdSchema,
  ref: OrderRefSchema,
  /** The terminal's clock when it signed; informational. */
  at: Ms,
  /** Id and public key of the terminal key that signed. */
  keyId: KeyIdSchema,
  publicKey: Hex32Schema,
  sig: Hex64Schema,
};
/** The envelope's members that are not part of the request's content (its idempotency fingerprint). */
export const ENVELOPE_MEMBERS = ['at', 'keyId', 'publicKey', 'sig'] as const;

function request<Op extends AuthorizationOp, P extends Record<string, TSchema>>(op: Op, members: P) {
  return Type.Object({ ...envelope, op: Type.Literal(op), ...members }, { additionalProperties: false });
}

export const AuthorizeRequestSchema = request('authorize', { method: Type.Literal('code'), scheme: SchemeSchema, code: PaymentCodeSchema, amount: AmountSchema, asset: AssetSchema });
export const QueryRequestSchema = request('query', { nonce: NonceSchema });
export const ReverseRequestSchema = request('reverse', {});
export const CloseRequestSchema = request('close', {});
export const CreateQrRequestSchema = request('create_qr', { method: Type.Literal('merchant_qr'), amount: AmountSchema, asset: AssetSchema, payload: MpmPayloadSchema, expiresAt: Ms });
export const VoidRequestSchema = request('void', { of: SeqSchema, amount: AmountSchema, asset: AssetSchema, method: OnlineMethodSchema });
export const RefundRequestSchema = request('refund', { refund: RefundKeySchema, of: SeqSchema, amount: AmountSchema, asset: AssetSchema, method: TenderSchema, reason: ReasonTextSchema });

export type AuthorizeRequest = Static<typeof AuthorizeRequestSchema>;
export type QueryRequest = Static<typeof QueryRequestSchema>;
export type ReverseRequest = Static<typeof ReverseRequestSchema>;
export type CloseOrderRequest = Static<typeof CloseRequestSchema>;
export type CreateQrRequest = Static<typeof CreateQrRequestSchema>;
export type VoidRequest = Static<typeof VoidRequestSchema>;
export type RefundRequest = Static<typeof RefundRequestSchema>;
export type AuthorizationRequest = AuthorizeRequest | QueryRequest | ReverseRequest | CloseOrderRequest | CreateQrRequest | VoidRequest | RefundRequest;

/** A request's content: what the terminal fills in; the client adds the envelope and signs. */
export type RequestContent<R extends AuthorizationRequest> = Omit<R, 'v' | 'terminal' | 'at' | 'keyId' | 'publicKey' | 'sig'>;

export const ORDER_STATUSES = ['not_found', 'user_paying', 'open', 'paid', 'declined', 'closed', 'expired', 'reversed', 'voided'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Why an order was declined, closed or refused: a stable code, the scheme's own code and its words. */
export const ReasonSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$' }),
    schemeCode: Type.String({ maxLength: 64 }),
    message: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type Reason = Static<typeof ReasonSchema>;

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Members every answer carries: what it answers and the acquirer's signature. */
const answerEnvelope = {
  v: Type.Literal(AUTHORIZATION_VERSION),
  terminal: TerminalIdSchema,
  ref: OrderRefSchema,
  /** SHA-256 (hex) of the canonical JSON of the request's content (the request without at, keyId, publicKey, sig). */
  request: Hex32Schema,
  at: Ms,
  acquirer: KeyIdSchema,
  sig: Hex64Schema,
};

/** Where an order stands, as the acquirer signs it: the answer to authorize, query, reverse, close, create_qr and void. */
export const OrderAnswerSchema = Type.Object(
  {
    ...answerEnvelope,
    type: Type.Literal('order'),
    op: Type.Union(AUTHORIZATION_OPS.filter((o) => o !== 'refund').map((o) => Type.Literal(o))),
    status: Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s))),
    method: nullable(OnlineMethodSchema),
    amount: nullable(AmountSchema),
    asset: nullable(AssetSchema),
    /** The scheme that paid (or would have): wechat, alipay, unionpay, ecny, emv_cpm; for a merchant QR the payer's app. */
    scheme: nullable(SchemeSchema),
    /** The acquirer's own reference for the order. */
    acquirerRef: nullable(AcquirerRefSchema),
    paidAt: nullable(Ms),
    /** Minor units refunded or reversed so far. */
    refunded: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
    /** A merchant QR order: payable until then. */
    expiresAt: nullable(Ms),
    reason: nullable(ReasonSchema),
    /** When the order was ever paid: the acquirer's signature over the payment proof (section 5). */
    proof: nullable(Hex64Schema),
  },
  { additionalProperties: false },
);
export type OrderAnswer = Static<typeof OrderAnswerSchema>;

export const RefundAnswerSchema = Type.Object(
  {
    ...answerEnvelope,
    type: Type.Literal('refund'),
    refund: RefundKeySchema,
    of: SeqSchema,
    status: Type.Union([Type.Literal('refunded'), Type.Literal('refused')]),
    amount: AmountSchema,
    asset: AssetSchema,
    refundRef: nullable(AcquirerRefSchema),
    /** Minor units refunded against the original payment so far, this refund included when refunded. */
    refundedTotal: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
    reason: nullable(ReasonSchema),
  },
  { additionalProperties: false },
);
export type RefundAnswer = Static<typeof RefundAnswerSchema>;

export type AuthorizationAnswer = OrderAnswer | RefundAnswer;

/** What the acquirer's payment proof signs (docs/authorization-protocol.md section 5): every member is in the journal record. */
export interface PaymentProofStatement {
  terminal: string;
  ref: string;
  method: 'code' | 'merchant_qr';
  amount: number;
  asset: string;
  acquirerRef: string;
  paidAt: number;
  acquirer: string;
}

export const AuthorizationParams = Type.Object({ terminal: TerminalIdSchema, ref: OrderRefSchema }, { additionalProperties: false });
export const RefundParams = Type.Object({ terminal: TerminalIdSchema, ref: OrderRefSchema, key: RefundKeySchema }, { additionalProperties: false });
