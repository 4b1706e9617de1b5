import { Type, type Static } from '@sinclair/typebox';
import type { SignedRecord } from './record.js';

/**
 * The settlement wire format (docs/settlement-protocol.md), defined once: the JSON Schemas the
 * acquirer validates requests with and the terminal validates acknowledgements with, and the
 * TypeScript types both sides use. Every number is bounded so that no reader allocates or loops
 * in proportion to a value a peer sent.
 */

export const PROTOCOL_VERSION = 1;
/** The most records one upload may carry. */
export const MAX_BATCH_RECORDS = 10_000;
/** The most problems or ranges an acknowledgement may list. */
export const MAX_ACK_ITEMS = MAX_BATCH_RECORDS;

export const TerminalId = Type.String({ pattern: '^[0-9a-f]{16}$' });
export const KeyId = Type.String({ pattern: '^[0-9a-f]{16}$' });
export const IdempotencyKey = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
export const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const Hex64 = Type.String({ pattern: '^[0-9a-f]{128}$' });
export const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const EpochMs = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const ShortText = Type.String({ maxLength: 1000 });
const AssetCode = Type.String({ pattern: '^[A-Z][A-Z0-9]{2,11}$' });
const FinancialKindName = Type.String({ pattern: '^(payment|refund|void|reversal)$' });

export const SeqRange = Type.Tuple([Seq, Seq]);
export const SeqRanges = Type.Array(SeqRange, { maxItems: MAX_ACK_ITEMS });

/** Per asset, per financial kind: count and amount. */
export const KindTotalsSchema = Type.Record(
  AssetCode,
  Type.Record(FinancialKindName, Type.Object({ n: Count, amount: Count }, { additionalProperties: false }), { additionalProperties: false }),
  { additionalProperties: false },
);

/** A record as the wire carries it: its full check is the record validator's (docs/journal.md). */
const WireRecord = Type.Unsafe<SignedRecord>(Type.Object({ seq: Seq }, { additionalProperties: true }));

export const PathParams = Type.Object({ terminal: TerminalId, key: IdempotencyKey }, { additionalProperties: false });
export const TerminalParams = Type.Object({ terminal: TerminalId }, { additionalProperties: false });

export const UploadRequestSchema = Type.Object(
  {
    v: Type.Literal(1),
    terminal: TerminalId,
    batch: IdempotencyKey,
    /** The terminal's genesis public key: the terminal id is its key id. */
    publicKey: Hex32,
    records: Type.Array(WireRecord, { minItems: 1, maxItems: MAX_BATCH_RECORDS }),
  },
  { additionalProperties: false },
);
export type UploadRequest = Static<typeof UploadRequestSchema>;

/** A consistency proof between two tree sizes: the audit path, node hashes in hex. */
export const ConsistencySchema = Type.Object({ from: Seq, path: Type.Array(Hex32, { maxItems: 128 }) }, { additionalProperties: false });
export type Consistency = Static<typeof ConsistencySchema>;

export const CloseRequestSchema = Type.Object(
  {
    v: Type.Literal(1),
    terminal: TerminalId,
    close: IdempotencyKey,
    /** First seq this settlement covers: one after the previous balanced close's `through`. */
    from: Seq,
    /** seq of the checkpoint record that ends this settlement. */
    through: Seq,
    checkpoint: WireRecord,
    /** Per asset, per financial kind: count and amount of the records in [from, through] the terminal holds as accepted. */
    totals: KindTotalsSchema,
    /**
     * RFC 9162 consistency proof from the tree the previous balanced close countersigned (its
     * size is that checkpoint's seq, `from` - 1) to this checkpoint's tree; null at the first close.
     */
    consistency: Type.Union([ConsistencySchema, Type.Null()]),
  },
  { additionalProperties: false },
);
export type CloseRequest = Static<typeof CloseRequestSchema>;

export const RECORD_REJECTION_CODES = [
  'malformed',
  'wrong_terminal',
  'unknown_key',
  'bad_signature',
  'chain_break',
  'conflict',
  'bad_totals',
  'unknown_asset',
  'double_spend',
  'bad_wallet_proof',
  /** A `code` or `merchant_qr` payment (or its return) the acquirer has no matching order for (docs/authorization-protocol.md section 9). */
  'no_order',
  'order_mismatch',
] as const;
export type RecordRejectionCode = (typeof RECORD_REJECTION_CODES)[number];

export const RejectedRecordSchema = Type.Object(
  { seq: Seq, code: Type.Union(RECORD_REJECTION_CODES.map((c) => Type.Literal(c))), message: ShortText },
  { additionalProperties: false },
);
export type RejectedRecord = Static<typeof RejectedRecordSchema>;

export const UploadAckSchema = Type.Object(
  {
    v: Type.Literal(1),
    type: Type.Literal('upload'),
    terminal: TerminalId,
    batch: IdempotencyKey,
    /** SHA-256 (hex) of the exact request body this answers. */
    body: Hex32,
    /** Inclusive seq ranges the acquirer holds as valid (new or already held). */
    accepted: SeqRanges,
    rejected: Type.Array(RejectedRecordSchema, { maxItems: MAX_ACK_ITEMS }),
    acquirer: KeyId,
    at: EpochMs,
    sig: Hex64,
  },
  { additionalProperties: false },
);
export type UploadAck = Static<typeof UploadAckSchema>;

export const CountersignedCheckpointSchema = Type.Object(
  {
    terminal: TerminalId,
    seq: Seq,
    /** Record hash of the checkpoint record. */
    hash: Hex32,
    size: Seq,
    root: Hex32,
  },
  { additionalProperties: false },
);
export type CountersignedCheckpoint = Static<typeof CountersignedCheckpointSchema>;

export const CloseAckSchema = Type.Object(
  {
    v: Type.Literal(1),
    type: Type.Literal('close'),
    terminal: TerminalId,
    close: IdempotencyKey,
    body: Hex32,
    from: Seq,
    through: Seq,
    balanced: Type.Boolean(),
    /** The acquirer's own totals over the records it accepted in [from, through]. */
    totals: KindTotalsSchema,
    /** Ranges in [from, through] the acquirer does not hold: upload them itemised, then close again. */
    missing: SeqRanges,
    problems: Type.Array(Type.Object({ code: Type.String({ maxLength: 64 }), message: ShortText }, { additionalProperties: false }), { maxItems: MAX_ACK_ITEMS }),
    /** Present when balanced: the acquirer's countersignature of the checkpoint (this ack's `sig`). */
    checkpoint: Type.Union([CountersignedCheckpointSchema, Type.Null()]),
    acquirer: KeyId,
    at: EpochMs,
    sig: Hex64,
  },
  { additionalProperties: false },
);
export type CloseAck = Static<typeof CloseAckSchema>;

export type Ack = UploadAck | CloseAck;

export const AcquirerInfoSchema = Type.Object({ keyId: KeyId, publicKey: Hex32 }, { additionalProperties: false });
export type AcquirerInfo = Static<typeof AcquirerInfoSchema>;

/** Every error answer: a stable code and a message for people. */
export const WireErrorSchema = Type.Object({ error: Type.String({ maxLength: 64 }), message: ShortText }, { additionalProperties: false });
export type WireError = Static<typeof WireErrorSchema>;
