import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { canonicalJson } from '../encoding/canonical-json.js';
import { fromHex, isHex, toHex } from '../encoding/hex.js';
import { keyIdOf, verify, type Signer } from '../crypto/ed25519.js';
import { CodedError } from '../errors/coded-error.js';
import { DOMAIN } from './domains.js';
import { CloseAckSchema, UploadAckSchema, type Ack, type CloseAck, type UploadAck } from './settlement-schemas.js';

export * from './settlement-schemas.js';

/**
 * Acknowledgements between terminal and acquirer (docs/settlement-protocol.md). Requests are
 * sent as canonical JSON; every acknowledgement is signed by the acquirer over DOMAIN.ack
 * followed by the canonical JSON of the ack without `sig`.
 */

export type AckErrorCode = 'malformed' | 'wrong_key' | 'bad_signature' | 'mismatch';

/** An acknowledgement the terminal refuses: unsigned, signed by another key, malformed, or answering another request. */
export class AckError extends CodedError<AckErrorCode> {
  override readonly name = 'AckError';
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

// TypeBox's compiler rather than ajv on the terminal: it compiles these schemas in a few
// milliseconds where ajv takes a hundred or more, and a terminal checks its first ack soon after start.
let uploadAckCheck: TypeCheck<typeof UploadAckSchema> | undefined;
let closeAckCheck: TypeCheck<typeof CloseAckSchema> | undefined;

/** Shape check of an upload ack (after its signature verified): exactly the members the protocol defines. */
export function checkUploadAck(ack: Ack): UploadAck {
  uploadAckCheck ??= TypeCompiler.Compile(UploadAckSchema);
  if (!uploadAckCheck.Check(ack)) throw new AckError('malformed', `not an upload ack: ${firstError(uploadAckCheck, ack)}`);
  return ack;
}

/** Shape check of a close ack (after its signature verified); a balanced close must carry its countersigned checkpoint. */
export function checkCloseAck(ack: Ack): CloseAck {
  closeAckCheck ??= TypeCompiler.Compile(CloseAckSchema);
  if (!closeAckCheck.Check(ack)) throw new AckError('malformed', `not a close ack: ${firstError(closeAckCheck, ack)}`);
  if (ack.balanced && ack.checkpoint === null) throw new AckError('malformed', 'a balanced close ack carries no checkpoint');
  return ack;
}

function firstError(check: TypeCheck<typeof UploadAckSchema> | TypeCheck<typeof CloseAckSchema>, value: unknown): string {
  const error = check.Errors(value).First();
  return error ? `${error.path || '/'} ${error.message}` : 'does not match the schema';
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
