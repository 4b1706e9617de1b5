import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { keyIdOf, verify, type Signer } from '../crypto/ed25519.js';
import { sha256Hex } from '../crypto/sha256.js';
import { canonicalJson } from '../encoding/canonical-json.js';
import { fromHex, isHex, toHex } from '../encoding/hex.js';
import { CodedError } from '../errors/coded-error.js';
import {
  AUTHORIZATION_VERSION,
  ENVELOPE_MEMBERS,
  OrderAnswerSchema,
  RefundAnswerSchema,
  type AuthorizationRequest,
  type OrderAnswer,
  type PaymentProofStatement,
  type RefundAnswer,
  type RequestContent,
} from './authorization-schemas.js';
import { AUTHORIZATION_DOMAIN } from './domains.js';

export * from './authorization-schemas.js';

/**
 * Signing and checking the authorisation protocol's messages (docs/authorization-protocol.md
 * sections 3-5). Requests are signed by the terminal's key over AUTHORIZATION_DOMAIN.request;
 * answers by the acquirer over AUTHORIZATION_DOMAIN.answer; a paid order's proof over
 * AUTHORIZATION_DOMAIN.proof. Each signature covers the domain string and canonical JSON.
 */

export type AnswerErrorCode = 'malformed' | 'wrong_key' | 'bad_signature' | 'mismatch';

/** An answer the terminal refuses: malformed, signed by another key or not at all, or answering another request. */
export class AnswerError extends CodedError<AnswerErrorCode> {
  override readonly name = 'AnswerError';
}

/** Signs a statement under a domain with the terminal's current key (the journal's signStatement). */
export type StatementSigner = (domain: string, text: string) => { keyId: string; sig: Uint8Array };

export interface RequestIdentity {
  terminal: string;
  /** The signing key's public key (hex); its id is the keyId signStatement answers with. */
  publicKey: string;
  sign: StatementSigner;
  now: number;
}

/** The request's content without its envelope: what idempotency compares and what an answer's `request` hashes. */
export function requestFingerprint(request: Readonly<Record<string, unknown>>): string {
  const content: Record<string, unknown> = { ...request };
  for (const member of ENVELOPE_MEMBERS) delete content[member];
  return sha256Hex(canonicalJson(content));
}

/** Builds and signs a request; returns the canonical JSON to send and the parsed request. */
export function signRequest<R extends AuthorizationRequest>(content: RequestContent<R>, identity: RequestIdentity): { body: string; request: R } {
  const keyId = keyIdOf(fromHex(identity.publicKey, 32));
  const unsigned = { ...content, v: AUTHORIZATION_VERSION, terminal: identity.terminal, at: identity.now, keyId, publicKey: identity.publicKey };
  const signed = identity.sign(AUTHORIZATION_DOMAIN.request, canonicalJson(unsigned));
  if (signed.keyId !== keyId) throw new AnswerError('wrong_key', `the terminal signed with key ${signed.keyId}, not ${keyId}`);
  const request = { ...unsigned, sig: toHex(signed.sig) } as unknown as R;
  return { body: canonicalJson(request), request };
}

/** Whether a request's signature verifies under its own `publicKey` (the acquirer checks that key belongs to the terminal). */
export function verifyRequestSignature(request: Readonly<Record<string, unknown>>): boolean {
  const { sig, ...unsigned } = request;
  if (!isHex(sig, 64) || !isHex(unsigned.publicKey, 32)) return false;
  const publicKey = fromHex(unsigned.publicKey, 32);
  if (keyIdOf(publicKey) !== unsigned.keyId) return false;
  return verify(fromHex(sig, 64), AUTHORIZATION_DOMAIN.request + canonicalJson(unsigned), publicKey);
}

/** The acquirer signs an answer: `acquirer` is its key id, `sig` over the domain and the canonical JSON of the rest. */
export function signAnswer<T extends OrderAnswer | RefundAnswer>(answer: Omit<T, 'sig' | 'acquirer'>, signer: Signer): T {
  const unsigned = { ...answer, acquirer: signer.keyId };
  return { ...unsigned, sig: toHex(signer.sign(AUTHORIZATION_DOMAIN.answer + canonicalJson(unsigned))) } as T;
}

let orderCheck: TypeCheck<typeof OrderAnswerSchema> | undefined;
let refundCheck: TypeCheck<typeof RefundAnswerSchema> | undefined;

/**
 * Checks an answer: signed by the acquirer's key, exactly the protocol's shape, and answering
 * this request (terminal, ref, op and the request's fingerprint). Throws AnswerError.
 */
export function verifyOrderAnswer(value: unknown, acquirerPublicKey: Uint8Array, request: AuthorizationRequest): OrderAnswer {
  verifyAnswerSignature(value, acquirerPublicKey);
  orderCheck ??= TypeCompiler.Compile(OrderAnswerSchema);
  if (!orderCheck.Check(value)) throw new AnswerError('malformed', `not an order answer: ${firstError(orderCheck, value)}`);
  bind(value, request);
  if (value.op !== request.op) throw new AnswerError('mismatch', `the answer is to ${value.op}, not ${request.op}`);
  return value;
}

export function verifyRefundAnswer(value: unknown, acquirerPublicKey: Uint8Array, request: AuthorizationRequest): RefundAnswer {
  verifyAnswerSignature(value, acquirerPublicKey);
  refundCheck ??= TypeCompiler.Compile(RefundAnswerSchema);
  if (!refundCheck.Check(value)) throw new AnswerError('malformed', `not a refund answer: ${firstError(refundCheck, value)}`);
  bind(value, request);
  return value;
}

function bind(answer: OrderAnswer | RefundAnswer, request: AuthorizationRequest): void {
  if (answer.terminal !== request.terminal || answer.ref !== request.ref) throw new AnswerError('mismatch', `the answer is about order ${answer.ref} of terminal ${answer.terminal}`);
  if (answer.request !== requestFingerprint(request as unknown as Record<string, unknown>)) throw new AnswerError('mismatch', 'the answer is to another request');
}

function verifyAnswerSignature(value: unknown, acquirerPublicKey: Uint8Array): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AnswerError('malformed', 'the answer is not an object');
  const { sig, ...unsigned } = value as Record<string, unknown>;
  if (!isHex(sig, 64)) throw new AnswerError('malformed', 'the answer has no signature');
  const expected = keyIdOf(acquirerPublicKey);
  if (unsigned.acquirer !== expected) throw new AnswerError('wrong_key', `the answer is signed by key ${String(unsigned.acquirer)}, expected the acquirer's ${expected}`);
  let text: string;
  try {
    text = canonicalJson(unsigned);
  } catch (err) {
    throw new AnswerError('malformed', `the answer is not canonical JSON: ${(err as Error).message}`);
  }
  if (!verify(fromHex(sig, 64), AUTHORIZATION_DOMAIN.answer + text, acquirerPublicKey)) throw new AnswerError('bad_signature', "the acquirer's signature does not verify");
}

function firstError(check: TypeCheck<typeof OrderAnswerSchema> | TypeCheck<typeof RefundAnswerSchema>, value: unknown): string {
  const error = check.Errors(value).First();
  return error ? `${error.path || '/'} ${error.message}` : 'does not match the schema';
}

/** The text the payment proof signs: the domain and the canonical JSON of the statement. */
export function paymentProofText(statement: PaymentProofStatement): string {
  return AUTHORIZATION_DOMAIN.proof + canonicalJson(statement);
}

export function signPaymentProof(statement: Omit<PaymentProofStatement, 'acquirer'>, signer: Signer): string {
  return toHex(signer.sign(paymentProofText({ ...statement, acquirer: signer.keyId })));
}

/** Whether a proof (128 hex) verifies for the statement under the acquirer's key. */
export function verifyPaymentProof(statement: PaymentProofStatement, proof: string, acquirerPublicKey: Uint8Array): boolean {
  if (!isHex(proof, 64) || statement.acquirer !== keyIdOf(acquirerPublicKey)) return false;
  return verify(fromHex(proof, 64), paymentProofText(statement), acquirerPublicKey);
}

/**
 * The proof statement a journal payment record stands for (tender `code` or `merchant_qr`, with
 * details acquirer, acquirerRef, paidAt and proof); undefined when the record carries none.
 */
export function proofStatementOfRecord(record: {
  terminal: string;
  body: { tender: string; ref: string; amount: number; asset: string; details: Readonly<Record<string, string | number | boolean>> };
}): { statement: PaymentProofStatement; proof: string } | undefined {
  const { tender, details } = record.body;
  if (tender !== 'code' && tender !== 'merchant_qr') return undefined;
  if (typeof details.proof !== 'string' || typeof details.acquirer !== 'string' || typeof details.acquirerRef !== 'string' || typeof details.paidAt !== 'number') return undefined;
  return {
    statement: {
      terminal: record.terminal,
      ref: record.body.ref,
      method: tender,
      amount: record.body.amount,
      asset: record.body.asset,
      acquirerRef: details.acquirerRef,
      paidAt: details.paidAt,
      acquirer: details.acquirer,
    },
    proof: details.proof,
  };
}
