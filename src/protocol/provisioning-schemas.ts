import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { keyIdOf, verify, type Signer } from '../crypto/ed25519.js';
import { sha256Hex } from '../crypto/sha256.js';
import { canonicalJson } from '../encoding/canonical-json.js';
import { fromHex, isHex, toHex } from '../encoding/hex.js';
import { CodedError } from '../errors/coded-error.js';
import type { SignedRecord } from './record.js';
import { Seq } from './settlement-schemas.js';

/**
 * The building blocks of provisioning's signed documents (docs/provisioning.md): the scalar
 * schemas they share, the one error they fail with, and the one way each is signed: Ed25519
 * over a domain string followed by the canonical JSON of the document without `sig`.
 */

export { EpochMs, Hex32, Hex64, KeyId, Seq, TerminalId } from './settlement-schemas.js';

/** ISO 8583 field 41: the terminal id the acquirer assigns, 8 characters. */
export const Tid = Type.String({ pattern: '^[0-9A-Z]{8}$' });
/** ISO 8583 field 42: the merchant id, 15 characters. */
export const Mid = Type.String({ pattern: '^[0-9A-Z]{15}$' });
export const Mcc = Type.String({ pattern: '^[0-9]{4}$' });
export const AssetCode = Type.String({ pattern: '^[A-Z][A-Z0-9]{2,7}$' });
export const Serial = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export const Version = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** A duration in milliseconds, at most 30 days. */
export const DurationMs = (maximum = 30 * 86_400_000, minimum = 0) => Type.Integer({ minimum, maximum });
/** One-time enrolment code the acquirer issues: 12 Crockford base-32 characters in three groups. */
export const ENROLMENT_CODE_PATTERN = '^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$';
export const EnrolmentCode = Type.String({ pattern: ENROLMENT_CODE_PATTERN });
/** The pairing code a terminal shows: 8 digits derived from its public key (enrolment.ts). */
export const PairingCode = Type.String({ pattern: '^[0-9]{8}$' });

/** Text for people: no control characters, bounded. */
export function Text(maxLength: number, minLength = 1): ReturnType<typeof Type.String> {
  return Type.String({ minLength, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });
}

/** A journal record as a document carries it (a key rotation): its full check is the record validator's. */
export const WireRecord = Type.Unsafe<SignedRecord>(Type.Object({ seq: Seq, kind: Type.String({ maxLength: 32 }) }, { additionalProperties: true }));

export type ProvisioningErrorCode =
  /** Not the document's shape, or not canonical JSON. */
  | 'malformed'
  /** Signed by a key other than the acquirer key pinned at install. */
  | 'wrong_key'
  | 'bad_signature'
  /** Issued for another terminal. */
  | 'wrong_terminal'
  /** Older than the one held, or the same version with other content. */
  | 'rollback'
  /** Past its expiry (or not yet valid). */
  | 'expired'
  /** The key endorsement inside a profile does not hold. */
  | 'bad_endorsement'
  /** Key rotations that do not lead from one key to the other. */
  | 'bad_rotation';

/** A provisioning document (profile, endorsement, release, enrolment request) that does not hold. */
export class ProvisioningError extends CodedError<ProvisioningErrorCode> {
  override readonly name = 'ProvisioningError';
}

/** The signing input of a document: its domain, then the canonical JSON of everything but `sig`. */
export function signingInput(domain: string, unsigned: object): string {
  return domain + canonicalJson(unsigned);
}

/** Signs a document with the key whose id goes in `signerField` (e.g. `acquirer`). */
export function signDocument<T extends { sig: string }>(domain: string, unsigned: Omit<T, 'sig'>, signer: Signer): T {
  return { ...unsigned, sig: toHex(signer.sign(signingInput(domain, unsigned))) } as T;
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** Shape check with TypeBox's compiler (fast to compile on a terminal); names the first problem. */
export function checkShape<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  let check = compiled.get(schema) as TypeCheck<S> | undefined;
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check as unknown as TypeCheck<TSchema>);
  }
  if (!check.Check(value)) {
    const error = check.Errors(value).First();
    throw new ProvisioningError('malformed', `not a ${what}: ${error ? `${error.path || '/'} ${error.message}` : 'does not match the schema'}`);
  }
  return value;
}

/**
 * Verifies a document signed by the acquirer: shape, that `acquirer` is the pinned key's id,
 * and the signature. Returns the document and its canonical signed text (what is stored and hashed).
 */
export function verifyAcquirerDocument<S extends TSchema>(
  schema: S,
  domain: string,
  value: unknown,
  acquirerPublicKey: Uint8Array,
  what: string,
): { document: Static<S>; text: string; sha256: string } {
  const document = checkShape(schema, value, what) as Static<S> & { acquirer: string; sig: string };
  if (document.acquirer !== keyIdOf(acquirerPublicKey)) {
    throw new ProvisioningError('wrong_key', `${what} is signed by key ${document.acquirer}, not the acquirer key ${keyIdOf(acquirerPublicKey)} pinned at install`);
  }
  return { document, ...verifySignature(document, domain, acquirerPublicKey, what) };
}

/** Checks `sig` over the document under a public key; returns the canonical signed text and its SHA-256. */
export function verifySignature(document: { sig: string }, domain: string, publicKey: Uint8Array, what: string): { text: string; sha256: string } {
  const { sig, ...unsigned } = document;
  let input: string;
  let text: string;
  try {
    input = signingInput(domain, unsigned);
    text = canonicalJson(document);
  } catch (err) {
    throw new ProvisioningError('malformed', `${what} is not canonical JSON: ${(err as Error).message}`);
  }
  if (!isHex(sig, 64) || !verify(fromHex(sig, 64), input, publicKey)) throw new ProvisioningError('bad_signature', `${what}: the signature does not verify`);
  return { text, sha256: sha256Hex(text) };
}
