import { canonicalJson } from '../encoding/canonical-json.js';
import { fromHex, toHex } from '../encoding/hex.js';
import { verify, type Signer } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/sha256.js';
import { DOMAIN } from './domains.js';
import type { SignedRecord, Totals, UnsignedRecord } from './record.js';

/**
 * Canonical text of a record: RFC 8785 JSON of the record object, with `sig` when signed.
 * The top-level members are fixed, so they are written in their sorted order directly
 * (body, key, kind, prev, seq, sig, terminal, time, totals, v); nested values go through
 * canonicalJson. The test suite checks this equals canonicalJson(record) for every kind.
 */
export function recordText(record: UnsignedRecord, sig?: string): string {
  const [head, tail] = recordTextParts(record);
  return sig === undefined ? head + tail : head + sigMember(sig) + tail;
}

/** The canonical text split where `sig` goes, so signing and storing share one serialisation. */
function recordTextParts(record: UnsignedRecord): [string, string] {
  const t = record.time;
  return [
    `{"body":${canonicalJson(record.body)},"key":${JSON.stringify(record.key)},"kind":${JSON.stringify(record.kind)},"prev":${JSON.stringify(record.prev)},"seq":${record.seq}`,
    `,"terminal":${JSON.stringify(record.terminal)},"time":{"boot":${JSON.stringify(t.boot)},"mono":${t.mono},"wall":${t.wall}},"totals":${totalsText(record.totals)},"v":${record.v}}`,
  ];
}

/** Canonical JSON of grand totals (asset codes are ASCII, so plain sorting is code-unit order). */
function totalsText(totals: Totals): string {
  const assets = Object.keys(totals);
  if (assets.length === 0) return '{}';
  if (assets.length > 1) assets.sort();
  let out = '{';
  for (let i = 0; i < assets.length; i++) {
    const t = totals[assets[i]!]!;
    if (!Number.isSafeInteger(t.in) || !Number.isSafeInteger(t.n) || !Number.isSafeInteger(t.out)) throw new Error('totals must be safe integers');
    out += `${i ? ',' : ''}${JSON.stringify(assets[i])}:{"in":${t.in},"n":${t.n},"out":${t.out}}`;
  }
  return out + '}';
}

function sigMember(sig: string): string {
  return `,"sig":"${sig}"`;
}

/** Both canonical texts of a signed record from one serialisation: what the signature covers, and the stored line. */
export function recordTexts(record: SignedRecord): { unsigned: string; signed: string } {
  const [head, tail] = recordTextParts(record);
  return { unsigned: head + tail, signed: head + sigMember(record.sig) + tail };
}

/** The bytes a record's signature covers: the record domain, then the canonical text without `sig`. */
export function recordSigningInput(unsignedText: string): string {
  return DOMAIN.record + unsignedText;
}

export interface EncodedRecord {
  record: SignedRecord;
  /** Canonical text including `sig`: what the journal stores and exports, one line each. */
  text: string;
  /** SHA-256 of `text`: the record hash the next record's `prev` and the Merkle tree use. */
  hash: Uint8Array;
}

export function signRecord(record: UnsignedRecord, signer: Signer): EncodedRecord {
  if (!Number.isSafeInteger(record.seq) || !Number.isSafeInteger(record.time.mono) || !Number.isSafeInteger(record.time.wall) || record.v !== 1) {
    throw new Error('seq, time and v must be safe integers');
  }
  const [head, tail] = recordTextParts(record);
  const sig = toHex(signer.sign(recordSigningInput(head + tail)));
  const text = head + sigMember(sig) + tail;
  return { record: { ...record, sig } as SignedRecord, text, hash: sha256(text) };
}

/** Splits a signed record into what was signed and the signature. */
export function unsignedOf(record: SignedRecord): UnsignedRecord {
  const { sig: _sig, ...unsigned } = record;
  return unsigned as UnsignedRecord;
}

export function verifyRecordSignature(record: SignedRecord, publicKey: Uint8Array): boolean {
  return verify(fromHex(record.sig, 64), recordSigningInput(recordText(unsignedOf(record))), publicKey);
}

export function recordHash(text: string): Uint8Array {
  return sha256(text);
}
