import { Type, type Static } from '@sinclair/typebox';
import { keyIdOf, type Signer } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/sha256.js';
import { canonicalJson } from '../encoding/canonical-json.js';
import { fromHex, toHex } from '../encoding/hex.js';
import { DOMAIN } from './domains.js';
import { MAX_ROTATIONS, followRotations } from './key-endorsement.js';
import { TerminalProfileSchema } from './profile.js';
import {
  EnrolmentCode,
  EpochMs,
  Hex32,
  Hex64,
  PairingCode,
  ProvisioningError,
  Seq,
  TerminalId,
  Text,
  WireRecord,
  checkShape,
  signDocument,
  verifySignature,
} from './provisioning-schemas.js';

/**
 * The enrolment exchange (docs/provisioning.md, section 2): the terminal fetches a server
 * nonce, then sends an enrolment request signed by its own key over both nonces and the
 * one-time code; the acquirer answers with the signed profile. Also the terminal's other
 * signed requests: a new key's endorsement after a rotation, and leaving service.
 */

/** How long a server nonce may be used, and the most a server keeps outstanding. */
export const NONCE_TTL_MS = 5 * 60_000;

export const NonceRequestSchema = Type.Object({ v: Type.Literal(1) }, { additionalProperties: false });
export const NonceAnswerSchema = Type.Object({ v: Type.Literal(1), nonce: Hex32, expiresAt: EpochMs }, { additionalProperties: false });
export type NonceAnswer = Static<typeof NonceAnswerSchema>;

export const DeviceInfoSchema = Type.Object({ software: Text(64), model: Text(64) }, { additionalProperties: false });

export const EnrolmentRequestSchema = Type.Object(
  {
    v: Type.Literal(1),
    type: Type.Literal('enrolment_request'),
    terminal: TerminalId,
    /** The genesis public key: `terminal` is its key id. */
    genesisKey: Hex32,
    /** The key that signs this request and that the acquirer is to endorse. */
    publicKey: Hex32,
    /** Key rotations from the genesis key to `publicKey`, oldest first (none when they are the same key). */
    rotations: Type.Array(WireRecord, { maxItems: MAX_ROTATIONS }),
    code: EnrolmentCode,
    /** The pairing code the terminal shows (derived from `publicKey`), for the operator to match. */
    pairing: PairingCode,
    serverNonce: Hex32,
    terminalNonce: Hex32,
    device: DeviceInfoSchema,
    at: EpochMs,
    sig: Hex64,
  },
  { additionalProperties: false },
);
export type EnrolmentRequest = Static<typeof EnrolmentRequestSchema>;

export const ProfileAnswerSchema = Type.Object({ v: Type.Literal(1), profile: TerminalProfileSchema }, { additionalProperties: false });
export type ProfileAnswer = Static<typeof ProfileAnswerSchema>;

/** After a key rotation: the rotations from the key the acquirer endorsed to the terminal's new key. */
export const EndorsementRequestSchema = Type.Object(
  { v: Type.Literal(1), type: Type.Literal('endorsement_request'), terminal: TerminalId, rotations: Type.Array(WireRecord, { minItems: 1, maxItems: MAX_ROTATIONS }) },
  { additionalProperties: false },
);
export type EndorsementRequest = Static<typeof EndorsementRequestSchema>;

/** A terminal leaving service once everything is settled; the acquirer answers with a release. */
export const DecommissionNoticeSchema = Type.Object(
  {
    v: Type.Literal(1),
    type: Type.Literal('decommission'),
    terminal: TerminalId,
    publicKey: Hex32,
    serverNonce: Hex32,
    /** The seq the terminal's settlement has reached; the acquirer's must be the same. */
    settledThrough: Type.Integer({ minimum: -1, maximum: Number.MAX_SAFE_INTEGER }),
    headSeq: Seq,
    at: EpochMs,
    sig: Hex64,
  },
  { additionalProperties: false },
);
export type DecommissionNotice = Static<typeof DecommissionNoticeSchema>;

/** What a terminal signs with: its current key, over a domain and a canonical JSON text (the journal's signStatement). */
export type StatementSigner = (domain: string, canonicalText: string) => Uint8Array;

export function signEnrolmentRequest(unsigned: Omit<EnrolmentRequest, 'sig' | 'v' | 'type'>, signer: Signer | StatementSigner): EnrolmentRequest {
  return signWith<EnrolmentRequest>(DOMAIN.enrolment, { v: 1, type: 'enrolment_request', ...unsigned }, signer);
}

export function signDecommissionNotice(unsigned: Omit<DecommissionNotice, 'sig' | 'v' | 'type'>, signer: Signer | StatementSigner): DecommissionNotice {
  return signWith<DecommissionNotice>(DOMAIN.decommission, { v: 1, type: 'decommission', ...unsigned }, signer);
}

function signWith<T extends { sig: string }>(domain: string, unsigned: Omit<T, 'sig'>, signer: Signer | StatementSigner): T {
  if (typeof signer !== 'function') return signDocument<T>(domain, unsigned, signer);
  return { ...unsigned, sig: toHex(signer(domain, canonicalJson(unsigned))) } as T;
}

/**
 * The acquirer's checks of an enrolment request: its shape, that `terminal` is the id of
 * `genesisKey`, that the rotations lead from the genesis key to `publicKey`, that `pairing` is
 * that key's pairing code, and that `publicKey` signed it (proof of possession over both nonces).
 */
export function verifyEnrolmentRequest(value: unknown): EnrolmentRequest {
  const request = checkShape(EnrolmentRequestSchema, value, 'enrolment request');
  if (keyIdOf(fromHex(request.genesisKey, 32)) !== request.terminal) throw new ProvisioningError('wrong_terminal', 'the terminal id is not the id of the genesis key');
  const reached = followRotations(request.terminal, request.genesisKey, request.rotations).publicKey;
  if (reached !== request.publicKey) throw new ProvisioningError('bad_rotation', 'the key rotations do not lead from the genesis key to the key that signed');
  if (pairingCode(fromHex(request.publicKey, 32)) !== request.pairing) throw new ProvisioningError('malformed', 'the pairing code is not the one of the signing key');
  verifySignature(request, DOMAIN.enrolment, fromHex(request.publicKey, 32), 'enrolment request');
  return request;
}

/** The acquirer's check of a decommission notice: its shape and the signature of the key it names. */
export function verifyDecommissionNotice(value: unknown): DecommissionNotice {
  const notice = checkShape(DecommissionNoticeSchema, value, 'decommission notice');
  verifySignature(notice, DOMAIN.decommission, fromHex(notice.publicKey, 32), 'decommission notice');
  return notice;
}

/**
 * The pairing code a terminal shows while unprovisioned: 8 decimal digits from SHA-256 of the
 * domain and the raw public key (the first 4 bytes, big-endian, modulo 10^8). The acquirer
 * computes the same from the enrolling key, so the operator can match the two.
 */
export function pairingCode(publicKey: Uint8Array): string {
  const digest = sha256(DOMAIN.pairingCode, publicKey);
  const n = ((digest[0]! << 24) >>> 0) + (digest[1]! << 16) + (digest[2]! << 8) + digest[3]!;
  return String(n % 100_000_000).padStart(8, '0');
}

/** A key's fingerprint for people: its key id in four groups of four hex digits. */
export function fingerprint(publicKey: Uint8Array): string {
  return keyIdOf(publicKey).match(/.{4}/g)!.join(' ');
}

/** Normalises an enrolment code as people type it (any case, spaces or dashes anywhere) to XXXX-XXXX-XXXX. */
export function normaliseEnrolmentCode(typed: string): string {
  const compact = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return compact.length === 12 ? `${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8)}` : typed;
}

