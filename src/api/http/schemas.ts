import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The API's schemas, one place: fastify validates requests with them and @fastify/swagger makes
 * the OpenAPI document from them (docs/ecr-api.openapi.json). Answers are documented here and
 * checked against these schemas in the tests.
 */

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';
const MAX_MINOR = 100_000_000_000;

export const IdempotencyKey = Type.String({ pattern: IDEMPOTENCY_KEY_PATTERN, description: "The caller's key for this request, unique per terminal (a UUID is a good choice): 1-64 of A-Z a-z 0-9 _ . : -" });
const Minor = (description: string) => Type.Integer({ minimum: 1, maximum: MAX_MINOR, description });
const EpochMs = (description: string) => Type.Integer({ minimum: 0, description: `${description} (epoch milliseconds, the terminal's clock)` });

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable code to program against (docs/ecr-api.md lists them).' }),
      message: Type.Object({ en: Type.String(), zh: Type.String() }, { description: 'For people; do not parse.' }),
      retryable: Type.Boolean({ description: 'Whether the same request may succeed later unchanged.' }),
      field: Type.Optional(Type.String({ description: 'invalid_request: the member at fault, e.g. items[2].quantity.' })),
      paymentId: Type.Optional(Type.String({ description: 'busy: the payment in progress.' })),
      retryAt: Type.Optional(EpochMs('When trying again can succeed')),
    }),
  },
  { $id: 'Error', description: 'Every error answer.' },
);

export const PaymentMethod = Type.Union([Type.Literal('code'), Type.Literal('merchant_qr'), Type.Literal('wallet_tap'), Type.Literal('offline_qr'), Type.Literal('cash')], {
  description: 'code: the customer shows a payment code; merchant_qr: the customer scans the shop QR; wallet_tap: an NFC wallet; offline_qr: an offline payment QR; cash.',
});
export const OfflinePolicy = Type.Union([Type.Literal('prefer_online'), Type.Literal('require_online'), Type.Literal('force_offline')]);
export const PaymentState = Type.Union(
  (['created', 'waiting_for_customer', 'authorizing', 'user_paying', 'cancel_requested', 'reversing', 'succeeded', 'declined', 'canceled', 'expired', 'reversed', 'needs_attention'] as const).map((s) => Type.Literal(s)),
  { description: 'Never moves backwards. Final: succeeded, declined, canceled, expired, reversed, needs_attention.' },
);

export const LineItem = Type.Object(
  {
    gtin: Type.Optional(Type.String({ pattern: '^[0-9]{8,14}$' })),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    unitPrice: Minor('Minor units'),
    quantity: Type.Integer({ minimum: 1, maximum: 9999 }),
  },
  { additionalProperties: false },
);

export const CreatePaymentBody = Type.Object(
  {
    idempotencyKey: Type.Optional(IdempotencyKey),
    amount: Minor('What the customer pays, in minor units of asset (fen for CNY).'),
    asset: Type.String({ pattern: '^[A-Z]{3}$', description: 'CNY, or MAT (the local token).' }),
    method: Type.Optional(PaymentMethod),
    items: Type.Optional(Type.Array(LineItem, { maxItems: 200, description: 'The basket, for the receipt; it must add up to amount.' })),
    offline: Type.Optional(OfflinePolicy),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 5000, maximum: 600_000, description: 'How long the customer has to pay; the answer carries the resulting deadline. Default 180000.' })),
    tendered: Type.Optional(Minor('Cash: what the customer handed over. With method cash the payment completes in this call.')),
  },
  { additionalProperties: false },
);

export const CashBody = Type.Object({ tendered: Minor('What the customer handed over.') }, { additionalProperties: false });

export const PaymentIdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

export const WaitQuery = Type.Object(
  {
    wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000, description: 'Long-poll: hold the answer up to this many ms until the payment changes.' })),
    version: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'With wait: answer as soon as the payment is newer than this version (at once if it already is).' })),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    idempotencyKey: Type.Optional(IdempotencyKey),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Without idempotencyKey: the most recent payments, newest first (default 20).' })),
  },
  { additionalProperties: false },
);

const Prompt = Type.Union([
  Type.Object({ kind: Type.Union([Type.Literal('present'), Type.Literal('scan_code'), Type.Literal('tap_wallet'), Type.Literal('scan_offline_qr'), Type.Literal('cash')]) }),
  Type.Object({ kind: Type.Literal('show_qr'), payload: Type.String(), expiresAt: EpochMs('Until when the QR is payable') }),
]);

export const ReceiptSchema = Type.Object(
  {
    fields: Type.Object({
      merchant: Type.String(),
      city: nullable(Type.String()),
      terminal: Type.String(),
      seq: Type.Integer({ description: 'The journal record of the payment.' }),
      recordHash: Type.String({ description: "The record's hash (hex)." }),
      ref: Type.String({ description: 'Order reference sent to the acquirer.' }),
      time: EpochMs('When the record was made'),
      method: Type.String(),
      asset: Type.String(),
      amount: Type.Integer(),
      tendered: nullable(Type.Integer()),
      change: nullable(Type.Integer()),
      offline: Type.Boolean(),
      payer: nullable(Type.String({ description: "Online and wallet payments: the payer as the receipt shows it (a masked payment code, a shortened wallet id); never a whole code." })),
      acquirerRef: nullable(Type.String({ description: "Online payments: the acquirer's transaction reference." })),
      items: Type.Array(Type.Object({ name: Type.String(), unitPrice: Type.Integer(), quantity: Type.Integer(), amount: Type.Integer() })),
    }),
    lines: Type.Array(Type.String(), { description: 'The receipt as the printer lays it out, one string per line.' }),
    columns: Type.Integer({ description: 'Characters per line of `lines` (a CJK character takes two).' }),
    verification: Type.String({ description: "The receipt QR's text: anyone with the terminal's public key can check it against the journal." }),
  },
  { $id: 'Receipt' },
);

export const PaymentSchema = Type.Object(
  {
    id: Type.String(),
    idempotencyKey: Type.String(),
    ref: Type.String({ description: "The merchant's order reference at the acquirer." }),
    method: nullable(PaymentMethod),
    state: PaymentState,
    final: Type.Boolean({ description: 'The state will not change again; no event follows for this payment.' }),
    amount: Type.Integer(),
    asset: Type.String(),
    items: Type.Array(LineItem),
    offline: OfflinePolicy,
    offlineApproved: Type.Boolean({ description: 'Approved without the acquirer: settled later.' }),
    createdAt: EpochMs('Created'),
    updatedAt: EpochMs('Last change'),
    deadline: EpochMs('Until when the customer may pay; then the payment expires'),
    remainingMs: Type.Integer({ minimum: 0, description: 'deadline minus now when answered: use it rather than comparing clocks. 0 once final.' }),
    prompt: nullable(Prompt),
    seq: nullable(Type.Integer({ description: 'The journal record, once succeeded.' })),
    facts: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { description: 'Method facts: tendered, change, scheme, masked code...' }),
    outcome: nullable(Type.Object({ code: Type.String(), message: Type.String() }, { description: 'Why it did not succeed.' })),
    version: Type.Integer({ description: 'Grows by one at every change.' }),
    receipt: Type.Optional(Type.Ref(ReceiptSchema)),
  },
  { $id: 'Payment' },
);

export const PaymentList = Type.Object({ payments: Type.Array(Type.Ref(PaymentSchema)) });

const Scope = Type.Union([Type.Literal('register'), Type.Literal('counter'), Type.Literal('technician')]);

export const PairingRequestAnswer = Type.Object({
  expiresAt: EpochMs('Until when the code shown on the counter screen is valid'),
  codeLength: Type.Integer(),
});

export const RegisterPairingBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 16, description: 'The code shown on the counter screen.' }),
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'What this register is called (shown in the token list).' }),
  },
  { additionalProperties: false },
);

export const CounterPairingBody = Type.Object(
  {
    ticket: Type.String({ minLength: 1, maxLength: 128, description: 'The counter ticket from the data directory (api/counter-ticket).' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })),
  },
  { additionalProperties: false },
);

export const TechnicianPairingBody = Type.Object(
  {
    pin: Type.String({ minLength: 4, maxLength: 16, pattern: '^[0-9]+$' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })),
  },
  { additionalProperties: false },
);

export const TokenAnswer = Type.Object({
  token: Type.String({ description: 'The bearer token: shown once, stored hashed. Send it as Authorization: Bearer <token>.' }),
  id: Type.String(),
  scope: Scope,
  name: Type.String(),
});

export const TokenInfo = Type.Object({ id: Type.String(), scope: Scope, name: Type.String(), createdAt: EpochMs('Issued'), lastUsedAt: nullable(EpochMs('Last used')) });
export const TokenList = Type.Object({ tokens: Type.Array(TokenInfo) });
export const TokenIdParams = Type.Object({ id: Type.String({ pattern: '^(self|tok_[0-9a-f]{16})$' }) });

const DeviceHealthSchema = Type.Object(
  {
    state: Type.Union((['stopped', 'connecting', 'ready', 'degraded', 'failed'] as const).map((s) => Type.Literal(s))),
    reason: nullable(Type.String()),
    since: EpochMs('Last change'),
    detail: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'DeviceHealth' },
);

const Unsettled = Type.Record(Type.String({ description: 'Asset code' }), Type.Object({ count: Type.Integer(), net: Type.Integer({ description: 'Money in minus money out, minor units.' }) }), {
  description: 'Per asset: financial records not yet settled.',
});

const OfflineQueueSchema = Type.Object(
  {
    unsettledCount: Type.Integer(),
    unsettled: Unsettled,
    oldestUnsettledAgeMs: nullable(Type.Integer()),
    pendingUpload: Type.Integer({ description: 'Records of any kind the acquirer does not hold yet.' }),
    deadLetters: Type.Integer(),
    lastSettledAt: nullable(Type.Integer()),
    state: Type.Union((['idle', 'draining', 'waiting', 'halted', 'stopped'] as const).map((s) => Type.Literal(s)), { description: 'Settlement: idle, draining, waiting (failing, will retry), halted (integrity), stopped.' }),
    lastError: nullable(Type.Object({ code: Type.String(), message: Type.String(), at: Type.Integer() })),
    nextAttemptAt: nullable(EpochMs('Next settlement attempt while waiting')),
  },
  { description: 'What is waiting for settlement with the acquirer; null without an acquirer.' },
);

const OfflineExposureSchema = Type.Object(
  {
    count: Type.Integer({ description: 'Offline payments (wallet taps, offline QR) taken and not yet settled.' }),
    byAsset: Type.Record(Type.String(), Type.Integer(), { description: 'Their amount per asset, minor units.' }),
    sinceSettlementMs: Type.Integer({ description: 'Time since the last successful settlement: the offline limits count it.' }),
  },
  { description: 'The offline exposure the offline limits are checked against; null where offline payments are not set up.' },
);

const ProvisioningPairing = Type.Object(
  {
    terminal: Type.String(),
    keyId: Type.String(),
    code: Type.String({ description: 'The 8-digit pairing code the acquirer\'s operator enters to issue an enrolment code.' }),
    fingerprint: Type.String({ description: 'The key id in four groups of four hex digits: read it back to the operator.' }),
  },
  { description: 'Enrolment: what the screen shows while unprovisioned.' },
);

const ProvisioningSchema = Type.Union(
  [
    Type.Object({ state: Type.Literal('unprovisioned'), reason: Type.String(), pairing: ProvisioningPairing }),
    Type.Object({ state: Type.Literal('active'), version: Type.Integer(), expiresAt: Type.Integer(), tid: Type.String(), mid: Type.String(), endorsementPending: Type.Boolean() }),
    Type.Object({ state: Type.Literal('expired'), reason: Type.String(), version: Type.Integer(), expiresAt: Type.Integer(), tid: Type.String(), mid: Type.String(), endorsementPending: Type.Boolean() }),
  ],
  { description: 'The terminal profile (docs/provisioning.md); null where provisioning is not configured.' },
);

export const StatusSchema = Type.Object(
  {
    terminal: Type.String(),
    publicKey: Type.String({ description: "The terminal's genesis public key (hex): verifies its journal and receipts." }),
    headSeq: Type.Integer(),
    inService: Type.Boolean({ description: 'False while the journal failed its check: no payment is taken.' }),
    devices: Type.Record(Type.String(), Type.Ref(DeviceHealthSchema)),
    payment: nullable(Type.Object({ id: Type.String(), state: PaymentState, deadline: Type.Integer() }, { description: 'The payment in progress.' })),
    methods: Type.Array(PaymentMethod),
    offlineQueue: nullable(OfflineQueueSchema),
    offline: nullable(OfflineExposureSchema),
    provisioning: nullable(ProvisioningSchema),
    integrity: Type.Object({
      state: Type.Union([Type.Literal('ok'), Type.Literal('integrity_failed')]),
      failure: nullable(Type.Object({ code: Type.String(), seq: Type.Integer(), message: Type.String(), advice: Type.String() })),
    }),
    pairing: Type.Object(
      {
        code: Type.Optional(nullable(Type.String({ description: 'counter and technician tokens only: the code to show.' }))),
        expiresAt: nullable(Type.Integer()),
        lockedUntil: nullable(Type.Integer()),
      },
      { description: 'The register pairing code on the counter screen.' },
    ),
  },
  { additionalProperties: false },
);

export const HealthAnswer = Type.Object({ ok: Type.Boolean(), terminal: Type.String() });

export const DrawerBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]*$' })) }, { additionalProperties: false });
export const DrawerAnswer = Type.Object({
  done: Type.Boolean(),
  outcome: Type.Union([Type.Literal('pulsed'), Type.Literal('coalesced')], { description: 'coalesced: the drawer was kicked a moment ago (or is being kicked): no second pulse.' }),
});

export const ReprintAnswer = Type.Object({ printed: Type.Boolean({ description: 'True once on paper; false when still printing (e.g. out of paper): receipt.printed / receipt.failed events follow.' }) });

export const DayBody = Type.Object(
  {
    day: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: "The business day closed (YYYY-MM-DD, the shop's date). Default: the day of the open day's first sale (the day after the last closed one when that is closed already), or today." })),
    print: Type.Optional(Type.Boolean({ description: "Also print the Z report on the terminal's printer." })),
  },
  { additionalProperties: false },
);
const CountAmount = Type.Object({ n: Type.Integer(), amount: Type.Integer({ description: 'Minor units.' }) }, { additionalProperties: false });
const ByKind = Type.Record(Type.String({ pattern: '^(payment|refund|void|reversal)$' }), CountAmount, { additionalProperties: false, description: 'Per financial kind present: how many and how much.' });

export const ReportAnswer = Type.Object(
  {
    type: Type.Union([Type.Literal('X'), Type.Literal('Z')]),
    terminal: Type.String(),
    z: Type.Integer({ minimum: 1, description: "Z: this close's number; X: the number the next Z will get." }),
    day: nullable(Type.String({ description: 'Z: the business day closed (YYYY-MM-DD); X: null.' })),
    from: Type.Integer({ description: 'First journal record covered.' }),
    through: Type.Integer({ description: 'Last journal record covered.' }),
    at: EpochMs('When the report was made'),
    totals: Type.Record(Type.String({ description: 'Asset' }), ByKind, { description: 'Per asset and financial kind.' }),
    tenders: Type.Record(Type.String({ description: 'Asset' }), Type.Record(Type.String({ pattern: '^(code|merchant_qr|wallet_tap|offline_qr|cash|unknown)$' }), ByKind, { additionalProperties: false }), { description: 'Per asset, method and kind; a return counts under the method of the payment it returns.' }),
    records: Type.Integer({ description: 'Financial records counted.' }),
    dayCloseSeq: nullable(Type.Integer({ description: 'Z: the signed day_close record; X: null.' })),
    checkpointSeq: nullable(Type.Integer({ description: 'Z: the checkpoint after it; X: null.' })),
    printed: Type.Optional(Type.Boolean({ description: 'With print: true once on paper; false without a printer, when printing failed, or while the printer still waits after 10 s (it prints once it can). The report stands either way.' })),
  },
  { additionalProperties: false, description: 'An X report (running totals since the last Z) or a Z report (the day close).' },
);

export const ReportQuery = Type.Object(
  { print: Type.Optional(Type.Boolean({ description: 'Also print the report on the terminal\'s printer.' })) },
  { additionalProperties: false },
);

export const SignedProfileBody = Type.Unsafe<unknown>({
  type: 'object',
  description: 'The signed terminal profile as the acquirer issued it (docs/provisioning.md). The terminal checks its shape, signature, terminal, version and expiry itself, each refusal with its own code.',
});
export const ProfileAnswer = Type.Object(
  {
    changed: Type.Boolean({ description: 'False when the terminal already held this very profile.' }),
    version: Type.Integer({ description: 'The version now held.' }),
    provisioning: ProvisioningSchema,
  },
  { additionalProperties: false },
);

export const RefundBody = Type.Object(
  {
    idempotencyKey: Type.Optional(IdempotencyKey),
    amount: Minor('How much to give back, at most what is left of the payment.'),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })),
  },
  { additionalProperties: false },
);
export const VoidBody = Type.Object(
  { idempotencyKey: Type.Optional(IdempotencyKey), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })) },
  { additionalProperties: false },
);
export const RecordSeqParams = Type.Object({ seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: "The journal record's number (printed on the receipt)." }) });

export const RecordReceiptSchema = Type.Object(
  {
    seq: Type.Integer(),
    kind: Type.Union([Type.Literal('payment'), Type.Literal('refund'), Type.Literal('void'), Type.Literal('reversal')]),
    lines: Type.Array(Type.String(), { description: 'The customer receipt as the printer lays it out, one string per line.' }),
    columns: Type.Integer({ description: 'Characters per line of `lines`.' }),
    verification: Type.String({ description: "The receipt QR's text (docs/receipt-qr.md); empty when it would not fit." }),
  },
  { $id: 'RecordReceipt', additionalProperties: false, description: "A journal record's receipt: a payment's, a refund's, a void's or a reversal's." },
);

export const ReturnSchema = Type.Object(
  {
    key: Type.String({ description: 'The idempotency key it was started with.' }),
    kind: Type.Union([Type.Literal('refund'), Type.Literal('void')]),
    state: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('refused')], {
      description: 'pending: asked, the outcome not yet known (the acquirer could not be reached): send the same request again. succeeded and refused are final.',
    }),
    final: Type.Boolean({ description: 'succeeded or refused: it will not change again.' }),
    of: Type.Integer({ description: 'The journal seq of the payment record returned.' }),
    paymentId: nullable(Type.String({ description: "The payment's id, when the engine took it." })),
    tender: PaymentMethod,
    ref: Type.String({ description: "The payment's order reference at the acquirer." }),
    amount: Type.Integer({ description: 'Minor units given back.' }),
    asset: Type.String(),
    reason: Type.String(),
    seq: nullable(Type.Integer({ description: 'The journal record of the refund or void, once succeeded.' })),
    acquirerRef: nullable(Type.String({ description: "Online payments: the acquirer's refund or void reference." })),
    outcome: nullable(Type.Object({ code: Type.String(), message: Type.String() }, { description: 'Why it was refused, or why it is still pending.' })),
    createdAt: EpochMs('Started'),
    updatedAt: EpochMs('Last change'),
    version: Type.Integer({ description: 'Grows by one at every change.' }),
    receipt: Type.Optional(Type.Ref(RecordReceiptSchema, { description: 'Once succeeded: its receipt.' })),
  },
  { additionalProperties: false, $id: 'Return' },
);
export const ReturnQuery = Type.Object({ idempotencyKey: IdempotencyKey }, { additionalProperties: false });

export const EventsQuery = Type.Object(
  { after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Replay the events after this seq (or send Last-Event-ID).' })) },
  { additionalProperties: false },
);

/** The schemas referenced by $ref: registered once with fastify and listed as components. */
export const SHARED_SCHEMAS = [ErrorSchema, ReceiptSchema, PaymentSchema, DeviceHealthSchema, RecordReceiptSchema, ReturnSchema] as const;
