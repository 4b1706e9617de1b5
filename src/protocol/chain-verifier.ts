import { CanonicalJsonError, canonicalJson } from '../encoding/canonical-json.js';
import { CodedError } from '../errors/coded-error.js';
import { fromHex, isHex, toHex } from '../encoding/hex.js';
import { PUBLIC_KEY_PROBLEMS, keyIdOf, publicKeyProblem, verify } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/sha256.js';
import { DayCloseChecker, type DayCloseFailureCode } from './day-close-rules.js';
import { DOMAIN, GENESIS_PREV } from './domains.js';
import { MerkleFrontier } from './merkle.js';
import { applyToTotals, sameTotals, type SignedRecord, type Totals } from './record.js';
import { recordSigningInput, recordTexts } from './record-codec.js';
import { RecordFormatError, validateSignedRecord } from './record-validate.js';
import { walletProofProblem } from './wallet/record-proof.js';
import type { WalletIssuerKey } from './wallet/certificate.js';
import { AckError, checkCloseAck, verifyAckSignature, type CloseAck } from './settlement.js';
import { proofStatementOfRecord, verifyPaymentProof } from './authorization.js';

export type VerifyFailureCode =
  | 'malformed'
  | 'not_canonical'
  | 'bad_seq'
  | 'bad_terminal'
  | 'bad_prev'
  | 'bad_key'
  | 'bad_signature'
  | 'bad_totals'
  | 'bad_genesis'
  | 'bad_rotation'
  | 'bad_checkpoint'
  | 'bad_ack'
  | DayCloseFailureCode
  | 'bad_profile'
  | 'bad_wallet_proof'
  | 'bad_payment_proof'
  | 'truncated'
  | 'anchor_mismatch';

/** The first thing wrong with a journal, naming the record (seq and line) where it was found. */
export class VerifyFailure extends CodedError<VerifyFailureCode> {
  override readonly name = 'VerifyFailure';
  /** The reason alone, without the line and seq the message starts with. */
  readonly reason: string;
  constructor(
    code: VerifyFailureCode,
    readonly seq: number | undefined,
    readonly line: number | undefined,
    reason: string,
  ) {
    super(code, `${line !== undefined ? `line ${line}` : 'journal'}${seq !== undefined ? `, record seq ${seq}` : ''}: ${reason}`);
    this.reason = reason;
  }
}

/** Where a resumed verification starts: the record just before, trusted. */
export interface ChainState {
  terminal: string;
  /** The key in force for the records that follow. */
  publicKey: Uint8Array;
  after: { seq: number; hash: string; totals: Totals; checkpoint?: { root: string } };
  /** The Merkle right edge over records 0 .. after.seq (inclusive). */
  frontier: MerkleFrontier;
}

export interface VerifierOptions {
  /** Pin the terminal's genesis public key; without it the key in the genesis record is taken on trust. */
  expectedPublicKey?: Uint8Array;
  /** The acquirer's public key, to verify countersigned checkpoints in settlement acks. */
  acquirerPublicKey?: Uint8Array;
  /** The wallet issuers' keys, to verify the certificates in offline wallet payments; without them only the wallets' own signatures are checked. */
  walletIssuers?: readonly WalletIssuerKey[];
}

export interface VerifySummary {
  terminal: string;
  records: number;
  headSeq: number;
  headHash: string;
  totals: Totals;
  checkpoints: number;
  countersigned: number;
  /** Settlement acks whose acquirer signature could not be checked (no acquirer key given). */
  acksUnverified: number;
  keyRotations: number;
  /** Offline wallet payments (wallet_tap, offline_qr) whose proof was checked. */
  walletProofs: number;
  /** Of those, the ones whose certificate could not be checked (no issuer keys given). */
  walletCertificatesUnverified: number;
  anchoredAt?: number;
}

/**
 * Verifies a journal record by record, in O(log n) memory (plus one entry per checkpoint, and one
 * byte per record for the day closes' totals by tender):
 * canonical form, seq continuity, hash chain, signatures under the key in force, grand totals,
 * key rotations, checkpoint Merkle roots, the acquirer's countersignatures and day closes.
 */
export class ChainVerifier {
  private expectedSeq = 0;
  private prev = GENESIS_PREV;
  private terminal: string | undefined;
  private publicKey: Uint8Array | undefined;
  private keyId: string | undefined;
  private totals: Totals = {};
  private frontier = new MerkleFrontier();
  private readonly checkpointsSeen = new Map<number, { hash: string; root: string; line: number | undefined }>();
  private countersigned = 0;
  private acksUnverified = 0;
  private keyRotations = 0;
  private readonly dayCloses = new DayCloseChecker();
  /** The version of the last `profile` record: profiles are only ever journaled in rising versions. */
  private profileVersion = 0;
  private walletProofs = 0;

  constructor(private readonly options: VerifierOptions = {}) {}

  /**
   * A verifier that continues from a record already trusted (an anchored checkpoint): the next
   * record must follow it in seq, chain to its hash, be signed by the key in force and carry the
   * totals after it. Used by the terminal to check its own journal from its newest countersigned
   * checkpoint to the head, without reading what the checkpoint already commits to.
   */
  static resume(state: ChainState, options: VerifierOptions = {}): ChainVerifier {
    const verifier = new ChainVerifier(options);
    verifier.expectedSeq = state.after.seq + 1;
    verifier.prev = state.after.hash;
    verifier.terminal = state.terminal;
    verifier.publicKey = state.publicKey;
    verifier.keyId = keyIdOf(state.publicKey);
    verifier.totals = state.after.totals;
    verifier.frontier = state.frontier;
    if (state.after.checkpoint) verifier.checkpointsSeen.set(state.after.seq, { hash: state.after.hash, root: state.after.checkpoint.root, line: undefined });
    return verifier;
  }

  /** The seq the next record must have. */
  get nextSeq(): number {
    return this.expectedSeq;
  }

  /** Feeds the canonical text of the next record (one export line). */
  push(text: string, line?: number): void {
    const seqHint = this.expectedSeq;
    const failAt = (code: VerifyFailureCode, message: string, seq: number | undefined = seqHint): never => {
      throw new VerifyFailure(code, seq, line, message);
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      failAt('malformed', 'not valid JSON');
    }
    let record: SignedRecord;
    try {
      record = validateSignedRecord(parsed);
    } catch (err) {
      if (err instanceof RecordFormatError) failAt('malformed', err.message);
      throw err;
    }
    const seq = record.seq;
    if (seq !== this.expectedSeq) {
      failAt('bad_seq', seq < this.expectedSeq ? `seq ${seq} repeats or goes backwards (expected ${this.expectedSeq})` : `seq jumps from ${this.expectedSeq - 1} to ${seq}: records are missing`, seq);
    }
    let texts: ReturnType<typeof recordTexts>;
    try {
      texts = recordTexts(record);
    } catch (err) {
      if (err instanceof CanonicalJsonError) failAt('malformed', `the record has no canonical form: ${err.message}`, seq);
      throw err;
    }
    if (texts.signed !== text) failAt('not_canonical', 'the line is not the canonical form of the record (altered?)', seq);
    if (this.terminal === undefined) {
      this.startGenesis(record, failAt);
    } else if (record.terminal !== this.terminal) {
      failAt('bad_terminal', `record belongs to terminal ${record.terminal}, not ${this.terminal}`, seq);
    }
    if (record.prev !== this.prev) failAt('bad_prev', `prev ${record.prev.slice(0, 16)}… does not match the hash of record ${seq - 1} (${this.prev.slice(0, 16)}…): the chain is broken`, seq);
    if (record.key !== this.keyId) failAt('bad_key', `signed with key ${record.key}, but key ${this.keyId} is in force`, seq);
    if (!verify(fromHex(record.sig, 64), recordSigningInput(texts.unsigned), this.publicKey!)) failAt('bad_signature', 'signature does not verify', seq);
    const totals = applyToTotals(this.totals, record);
    if (!sameTotals(totals, record.totals)) failAt('bad_totals', `grand totals ${canonicalJson(record.totals)} should be ${canonicalJson(totals)}`, seq);
    const hash = toHex(sha256(text));
    switch (record.kind) {
      case 'genesis':
        if (seq !== 0) failAt('bad_genesis', 'a genesis record after seq 0', seq);
        break;
      case 'checkpoint': {
        if (record.body.size !== seq) failAt('bad_checkpoint', `checkpoint size ${record.body.size} must equal its seq ${seq}`, seq);
        const root = toHex(this.frontier.root());
        if (record.body.root !== root) failAt('bad_checkpoint', `checkpoint root does not match the records before it (expected ${root})`, seq);
        this.checkpointsSeen.set(seq, { hash, root, line });
        break;
      }
      case 'settlement_ack':
        this.checkAck(record, failAt);
        break;
      case 'key_rotation':
        this.rotate(record, failAt);
        break;
      case 'profile':
        if (record.body.version <= this.profileVersion) failAt('bad_profile', `profile version ${record.body.version} after version ${this.profileVersion}: a profile was downgraded`, seq);
        this.profileVersion = record.body.version;
        break;
      case 'payment':
        if (record.body.tender === 'wallet_tap' || record.body.tender === 'offline_qr') {
          const problem = walletProofProblem(record, this.options.walletIssuers);
          if (problem) failAt('bad_wallet_proof', `${record.body.tender} payment: ${problem}`, seq);
          this.walletProofs++;
        }
        this.checkPaymentProof(record, failAt);
        break;
      default:
        break;
    }
    const dayClose = this.dayCloses.observe(record);
    if (dayClose) failAt(dayClose.code, dayClose.message, seq);
    this.frontier.add(fromHex(hash, 32));
    this.totals = totals;
    this.prev = hash;
    this.expectedSeq = seq + 1;
  }

  /**
   * Ends verification; with an anchor (a countersigned checkpoint the acquirer holds) detects a
   * truncated or rewritten tail. `endLine`: the line after the last one, named by failures found
   * at the end (with the seq of the first missing record).
   */
  finish(anchor?: CloseAck, declaredRecords?: number, endLine?: number): VerifySummary {
    if (this.terminal === undefined) throw new VerifyFailure('truncated', 0, endLine, 'end of file: the journal has no records');
    if (declaredRecords !== undefined && declaredRecords !== this.expectedSeq) {
      throw new VerifyFailure('truncated', this.expectedSeq, endLine, `end of file: the export header declares ${declaredRecords} records but ${this.expectedSeq} were found`);
    }
    const summary: VerifySummary = {
      terminal: this.terminal,
      records: this.expectedSeq,
      headSeq: this.expectedSeq - 1,
      headHash: this.prev,
      totals: this.totals,
      checkpoints: this.checkpointsSeen.size,
      countersigned: this.countersigned,
      acksUnverified: this.acksUnverified,
      keyRotations: this.keyRotations,
      walletProofs: this.walletProofs,
      walletCertificatesUnverified: this.options.walletIssuers ? 0 : this.walletProofs,
    };
    if (anchor) {
      const cp = this.verifiedAnchor(anchor);
      if (cp.seq > summary.headSeq) {
        throw new VerifyFailure('truncated', cp.seq, endLine, `the journal ends at seq ${summary.headSeq}, but the acquirer countersigned a checkpoint at seq ${cp.seq}: records were removed from the end`);
      }
      const seen = this.checkpointsSeen.get(cp.seq);
      if (!seen || seen.hash !== cp.hash || seen.root !== cp.root) {
        throw new VerifyFailure('anchor_mismatch', cp.seq, seen?.line, `the record at seq ${cp.seq} is not the checkpoint the acquirer countersigned: the journal was rewritten`);
      }
      summary.anchoredAt = cp.seq;
    }
    return summary;
  }

  private verifiedAnchor(anchor: CloseAck): NonNullable<CloseAck['checkpoint']> {
    if (!this.options.acquirerPublicKey) throw new VerifyFailure('anchor_mismatch', undefined, undefined, 'an anchor needs the acquirer public key to be checked');
    try {
      verifyAckSignature(anchor, this.options.acquirerPublicKey);
      const ack = checkCloseAck(anchor);
      if (!ack.balanced || !ack.checkpoint) throw new AckError('malformed', 'the anchor is not a balanced close with a checkpoint');
      if (ack.checkpoint.terminal !== this.terminal) throw new AckError('mismatch', `the anchor is for terminal ${ack.checkpoint.terminal}`);
      return ack.checkpoint;
    } catch (err) {
      if (err instanceof AckError) throw new VerifyFailure('anchor_mismatch', undefined, undefined, `anchor rejected: ${err.message}`);
      throw err;
    }
  }

  private startGenesis(record: SignedRecord, failAt: (code: VerifyFailureCode, message: string, seq?: number) => never): void {
    if (record.kind !== 'genesis') failAt('bad_genesis', 'the journal does not start with a genesis record', record.seq);
    const publicKey = fromHex(record.body.publicKey, 32);
    const problem = publicKeyProblem(publicKey);
    if (problem) failAt('bad_genesis', `the genesis public key is ${PUBLIC_KEY_PROBLEMS[problem]}`, 0);
    const keyId = keyIdOf(publicKey);
    if (record.terminal !== keyId || record.key !== keyId) failAt('bad_genesis', 'terminal id and key id must both be the key id of the genesis public key', 0);
    if (this.options.expectedPublicKey && toHex(this.options.expectedPublicKey) !== record.body.publicKey) {
      failAt('bad_genesis', `genesis public key ${record.body.publicKey} is not the expected ${toHex(this.options.expectedPublicKey)}`, 0);
    }
    this.terminal = record.terminal;
    this.publicKey = publicKey;
    this.keyId = keyId;
  }

  private rotate(record: Extract<SignedRecord, { kind: 'key_rotation' }>, failAt: (code: VerifyFailureCode, message: string, seq?: number) => never): void {
    const next = fromHex(record.body.publicKey, 32);
    const problem = publicKeyProblem(next);
    if (problem) failAt('bad_rotation', `the new public key is ${PUBLIC_KEY_PROBLEMS[problem]}`, record.seq);
    const statement = canonicalJson({ terminal: record.terminal, seq: record.seq, previousKey: record.key, publicKey: record.body.publicKey });
    if (!verify(fromHex(record.body.proof, 64), DOMAIN.keyRotation + statement, next)) {
      failAt('bad_rotation', 'the new key did not prove possession (bad proof signature)', record.seq);
    }
    this.publicKey = next;
    this.keyId = keyIdOf(next);
    this.keyRotations++;
  }

  /** With the acquirer's key: an online payment's proof (docs/authorization-protocol.md section 5) verifies. */
  private checkPaymentProof(record: Extract<SignedRecord, { kind: 'payment' }>, failAt: (code: VerifyFailureCode, message: string, seq?: number) => never): void {
    if (!this.options.acquirerPublicKey) return;
    const proof = proofStatementOfRecord(record);
    if (proof && !verifyPaymentProof(proof.statement, proof.proof, this.options.acquirerPublicKey)) {
      failAt('bad_payment_proof', `the acquirer's proof of order ${record.body.ref} does not verify`, record.seq);
    }
  }

  private checkAck(record: Extract<SignedRecord, { kind: 'settlement_ack' }>, failAt: (code: VerifyFailureCode, message: string, seq?: number) => never): void {
    const ack = record.body.ack as unknown as CloseAck;
    try {
      if (this.options.acquirerPublicKey) {
        verifyAckSignature(ack, this.options.acquirerPublicKey);
        this.countersigned++;
      } else {
        this.acksUnverified++;
      }
      const close = checkCloseAck(ack);
      if (close.close !== record.body.close || close.through !== record.body.through || !close.balanced || !close.checkpoint) {
        throw new AckError('mismatch', 'the ack does not match the settlement it is recorded for');
      }
      const seen = this.checkpointsSeen.get(close.checkpoint.seq);
      if (close.checkpoint.seq !== close.through || !seen || seen.hash !== close.checkpoint.hash || seen.root !== close.checkpoint.root) {
        throw new AckError('mismatch', `the countersigned checkpoint (seq ${close.checkpoint.seq}) is not the checkpoint in this journal`);
      }
      if (close.checkpoint.terminal !== this.terminal || !isHex(close.checkpoint.root, 32)) throw new AckError('mismatch', 'countersigned checkpoint names another terminal');
    } catch (err) {
      if (err instanceof AckError) failAt('bad_ack', err.message, record.seq);
      throw err;
    }
  }
}
