import { canonicalJson } from '../encoding/canonical-json.js';
import { fromHex, isHex, toHex } from '../encoding/hex.js';
import { keyIdOf, verify, type Signer } from '../crypto/ed25519.js';
import { DOMAIN } from './domains.js';
import type { KindTotals, SignedRecord } from './record.js';

/**
 * Messages between terminal and acquirer (docs/settlement-protocol.md). Requests are sent as
 * canonical JSON; every acknowledgement is signed by the acquirer over DOMAIN.ack followed by
 * the canonical JSON of the ack without `sig`.
 */

export const PROTOCOL_VERSION = 1;

export interface UploadRequest {
  v: 1;
  terminal: string;
  batch: string;
  /** The terminal's genesis public key: the terminal id is its key id, so the acquirer can check it. */
  publicKey: string;
  records: SignedRecord[];
}

export interface RejectedRecord {
  seq: number;
  code: RecordRejectionCode;
  message: string;
}

export type RecordRejectionCode =
  | 'malformed'
  | 'wrong_terminal'
  | 'unknown_key'
  | 'bad_signature'
  | 'chain_break'
  | 'conflict'
  | 'bad_totals'
  | 'unknown_asset'
  | 'double_spend';

export interface UploadAck {
  v: 1;
  type: 'upload';
  terminal: string;
  batch: string;
  /** SHA-256 (hex) of the exact request body this answers. */
  body: string;
  /** Inclusive seq ranges the acquirer holds as valid (new or already held). */
  accepted: [number, number][];
  rejected: RejectedRecord[];
  acquirer: string;
  at: number;
  sig: string;
}

export interface CloseRequest {
  v: 1;
  terminal: string;
  close: string;
  /** First seq this settlement covers: one after the previous balanced close's `through`. */
  from: number;
  /** seq of the checkpoint record that ends this settlement. */
  through: number;
  checkpoint: SignedRecord;
  /** Per asset, per financial kind: count and amount of the records in [from, through] the terminal holds as accepted. */
  totals: KindTotals;
}

export interface CountersignedCheckpoint {
  terminal: string;
  seq: number;
  /** Record hash of the checkpoint record. */
  hash: string;
  size: number;
  root: string;
}

export interface CloseAck {
  v: 1;
  type: 'close';
  terminal: string;
  close: string;
  body: string;
  from: number;
  through: number;
  balanced: boolean;
  /** The acquirer's own totals over the records it accepted in [from, through]. */
  totals: KindTotals;
  /** Ranges in [from, through] the acquirer does not hold: upload them itemised, then close again. */
  missing: [number, number][];
  problems: { code: string; message: string }[];
  /** Present when balanced: the acquirer's countersignature of the checkpoint (this ack's `sig`). */
  checkpoint: CountersignedCheckpoint | null;
  acquirer: string;
  at: number;
  sig: string;
}

export type Ack = UploadAck | CloseAck;

export class AckError extends Error {
  override readonly name = 'AckError';
  constructor(
    readonly code: 'malformed' | 'wrong_key' | 'bad_signature' | 'mismatch',
    message: string,
  ) {
    super(message);
  }
}

export function signAck<T extends Ack>(ack: Omit<T, 'sig' | 'acquirer'>, signer: Signer): T {
  const unsigned = { ...ack, acquirer: signer.keyId };
  const sig = toHex(signer.sign(DOMAIN.ack + canonicalJson(unsigned)));
  return { ...unsigned, sig } as T;
}

/** Checks an ack's signature against the acquirer's public key. Throws AckError. */
export function verifyAckSignature(ack: unknown, acquirerPublicKey: Uint8Array): asserts ack is Ack {
  if (typeof ack !== 'object' || ack === null || Array.isArray(ack)) throw new AckError('malformed', 'ack is not an object');
  const { sig, ...unsigned } = ack as Record<string, unknown>;
  if (!isHex(sig, 64)) throw new AckError('malformed', 'ack has no signature');
  if (unsigned.acquirer !== keyIdOf(acquirerPublicKey)) {
    throw new AckError('wrong_key', `ack is signed by key ${String(unsigned.acquirer)}, expected the acquirer's ${keyIdOf(acquirerPublicKey)}`);
  }
  let text: string;
  try {
    text = canonicalJson(unsigned);
  } catch (err) {
    throw new AckError('malformed', `ack is not canonical JSON: ${(err as Error).message}`);
  }
  if (!verify(fromHex(sig), DOMAIN.ack + text, acquirerPublicKey)) throw new AckError('bad_signature', 'acquirer signature does not verify');
}

function isRanges(value: unknown): value is [number, number][] {
  return (
    Array.isArray(value) &&
    value.every((r) => Array.isArray(r) && r.length === 2 && Number.isSafeInteger(r[0]) && Number.isSafeInteger(r[1]) && r[0] <= r[1])
  );
}

/** Shape check of an upload ack (after its signature verified). */
export function checkUploadAck(ack: Ack): UploadAck {
  const a = ack as Partial<UploadAck>;
  if (
    a.type !== 'upload' ||
    a.v !== 1 ||
    typeof a.batch !== 'string' ||
    typeof a.body !== 'string' ||
    !isRanges(a.accepted) ||
    !Array.isArray(a.rejected) ||
    !a.rejected.every((r) => Number.isSafeInteger(r?.seq) && typeof r.code === 'string' && typeof r.message === 'string')
  ) {
    throw new AckError('malformed', 'not an upload ack');
  }
  return a as UploadAck;
}

/** Shape check of a close ack (after its signature verified). */
export function checkCloseAck(ack: Ack): CloseAck {
  const a = ack as Partial<CloseAck>;
  const cp = a.checkpoint;
  if (
    a.type !== 'close' ||
    a.v !== 1 ||
    typeof a.close !== 'string' ||
    typeof a.body !== 'string' ||
    typeof a.balanced !== 'boolean' ||
    !Number.isSafeInteger(a.from) ||
    !Number.isSafeInteger(a.through) ||
    !isRanges(a.missing) ||
    !Array.isArray(a.problems) ||
    typeof a.totals !== 'object' ||
    a.totals === null ||
    (a.balanced && (cp === null || cp === undefined)) ||
    (cp != null && (!Number.isSafeInteger(cp.seq) || !isHex(cp.hash, 32) || !isHex(cp.root, 32) || !Number.isSafeInteger(cp.size)))
  ) {
    throw new AckError('malformed', 'not a close ack');
  }
  return a as CloseAck;
}

/** Expands inclusive ranges into a count, for checks. */
export function rangeCount(ranges: readonly [number, number][]): number {
  return ranges.reduce((n, [a, b]) => n + (b - a + 1), 0);
}

/** Compresses ascending seqs into inclusive ranges. */
export function toRanges(seqs: Iterable<number>): [number, number][] {
  const ranges: [number, number][] = [];
  for (const seq of seqs) {
    const last = ranges[ranges.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else ranges.push([seq, seq]);
  }
  return ranges;
}

/** The seqs of inclusive ranges, in order: the inverse of toRanges. */
export function expandRanges(ranges: readonly [number, number][]): number[] {
  const seqs: number[] = [];
  for (const [a, b] of ranges) for (let s = a; s <= b; s++) seqs.push(s);
  return seqs;
}
