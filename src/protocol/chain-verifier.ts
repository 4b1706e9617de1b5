import { CanonicalJsonError, canonicalJson, duplicateMember } from '../encoding/canonical-json.js';
import { CodedError } from '../errors/coded-error.js';
import { fromHex, toHex } from '../encoding/hex.js';
import { PUBLIC_KEY_PROBLEMS, keyIdOf, publicKeyProblem, verify } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/sha256.js';
import { checkBalancedCloseAck } from './balanced-ack.js';
import { DayCloseChecker, type DayCloseFailureCode } from './day-close-rules.js';
import { DOMAIN, GENESIS_PREV } from './domains.js';
import type { ExportHeader } from './export-format.js';
import { MerkleFrontier } from './merkle.js';
import { applyToTotals, sameTotals, type SignedRecord, type Totals } from './record.js';
import { recordSigningInput, recordTexts } from './record-codec.js';
import { RecordFormatError, checkRecordedAck, validateSignedRecord } from './record-validate.js';
import { ReturnLedger } from './return-ledger.js';
import { AckError, verifyAckSignature, type CountersignedCheckpoint } from './settlement.js';
import { walletProofProblem } from './wallet/record-proof.js';
import type { WalletIssuerKey } from './wallet/certificate.js';
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
  | 'bad_return'
  | 'bad_genesis'
  | 'bad_rotation'
  | 'bad_checkpoint'
  | 'bad_ack'
  | 'bad_header'
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

/** Options that cannot work together: a programming error, not a verdict on a journal. */
export class VerifierSetupError extends CodedError<'anchor_needs_key'> {
  override readonly name = 'VerifierSetupError';
}

export interface VerifierOptions {
  /** Pin the terminal's genesis public key; without it the key in the genesis record is taken on trust. */
  expectedPublicKey?: Uint8Array;
  /** The acquirer's public key, to verify countersigned checkpoints in settlement acks and the anchor. */
  acquirerPublicKey?: Uint8Array;
  /**
   * An anchor: a balanced close ack as the acquirer serves it (parsed JSON). Checked when the
   * verifier is made (signature under acquirerPublicKey, which it needs), then against the record
   * at its seq when that record is reached, and at the end (the journal must reach it).
   */
  anchor?: unknown;
  /** The wallet issuers' keys, to verify the certificates in offline wallet payments; without them only the wallets' own signatures are checked. */
  walletIssuers?: readonly WalletIssuerKey[];
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

type FailAt = (code: VerifyFailureCode, message: string, seq?: number) => never;

/** The line the export header is on. */
const HEADER_LINE = 1;

/**
 * Verifies a journal record by record (docs/journal.md, section 9): canonical form, seq
 * continuity, hash chain, signatures under the key in force, grand totals, the return rules,
 * key rotations, checkpoint Merkle roots and the acquirer's countersignatures, and the export
 * header and an anchor when given. Memory: O(log n) for the Merkle tree, 12 bytes per record for
 * the return rules (ReturnLedger), one byte per record for the day closes' totals by tender,
 * one entry per checkpoint that no ack has yet settled.
 */
export class ChainVerifier {
  private expectedSeq = 0;
  private prev = GENESIS_PREV;
  private terminal: string | undefined;
  private publicKey: Uint8Array | undefined;
  private keyId: string | undefined;
  private totals: Totals = {};
  private frontier = new MerkleFrontier();
  private readonly returns = new ReturnLedger();
  /** Checkpoints a later ack may still countersign: those after the last ack's `through`, in seq order. */
  private readonly openCheckpoints = new Map<number, { hash: string; root: string }>();
  private settledThrough = -1;
  private readonly anchor: CountersignedCheckpoint | undefined;
  private anchoredAt: number | undefined;
  private header: ExportHeader | undefined;
  private checkpoints = 0;
  private countersigned = 0;
  private acksUnverified = 0;
  private keyRotations = 0;
  private readonly dayCloses = new DayCloseChecker();
  /** The version of the last `profile` record: profiles are only ever journaled in rising versions. */
  private profileVersion = 0;
  private walletProofs = 0;
  /** A resumed verifier has not seen the payments before this seq: returns of them are not its to check. */
  private firstSeq = 0;

  constructor(private readonly options: VerifierOptions = {}) {
    if (options.anchor !== undefined) {
      if (!options.acquirerPublicKey) throw new VerifierSetupError('anchor_needs_key', 'an anchor needs the acquirer public key: it is only worth its signature');
      this.anchor = verifiedAnchor(options.anchor, options.acquirerPublicKey);
    }
  }

  /**
   * A verifier that continues from a record already trusted (an anchored checkpoint): the next
   * record must follow it in seq, chain to its hash, be signed by the key in force and carry the
   * totals after it. Used by the terminal to check its own journal from its newest countersigned
   * checkpoint to the head, without reading what the checkpoint already commits to. Returns of
   * payments before the checkpoint are left to the full check (the background audit).
   */
  static resume(state: ChainState, options: VerifierOptions = {}): ChainVerifier {
    const verifier = new ChainVerifier(options);
    verifier.expectedSeq = state.after.seq + 1;
    verifier.firstSeq = state.after.seq + 1;
    verifier.prev = state.after.hash;
    verifier.terminal = state.terminal;
    verifier.publicKey = state.publicKey;
    verifier.keyId = keyIdOf(state.publicKey);
    verifier.totals = state.after.totals;
    verifier.frontier = state.frontier;
    if (state.after.checkpoint) verifier.openCheckpoints.set(state.after.seq, { hash: state.after.hash, root: state.after.checkpoint.root });
    return verifier;
  }

  /** The seq the next record must have. */
  get nextSeq(): number {
    return this.expectedSeq;
  }

  /** Checkpoints held for acks still to come (the memory bound of section 9). */
  get heldCheckpoints(): number {
    return this.openCheckpoints.size;
  }

  /** The export header (line 1): checked against the genesis record, the count of records and the last record's hash. */
  expectHeader(header: ExportHeader): void {
    this.header = header;
  }

  /** Feeds the canonical text of the next record (one export line). */
  push(text: string, line?: number): void {
    const seqHint = this.expectedSeq;
    const failAt: FailAt = (code, message, seq = seqHint) => {
      throw new VerifyFailure(code, seq, line, message);
    };
    if (this.header && seqHint >= this.header.records) {
      failAt('bad_header', `the header declares ${this.header.records} records, but the file holds more`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      failAt('malformed', 'not valid JSON');
    }
    let record: SignedRecord;
    try {
      record = validateSignedRecord(parsed, { ackRules: false });
    } catch (err) {
      if (err instanceof RecordFormatError) failAt('malformed', err.message);
      throw err;
    }
    let texts: ReturnType<typeof recordTexts>;
    try {
      texts = recordTexts(record);
    } catch (err) {
      if (err instanceof CanonicalJsonError) failAt('malformed', `the record has no canonical form: ${err.message}`);
      throw err;
    }
    // Only a line that is not canonical can repeat a member: look for one only then.
    const canonical = texts.signed === text;
    if (!canonical) {
      const duplicate = duplicateMember(text);
      if (duplicate !== undefined) failAt('malformed', `an object has two members named ${JSON.stringify(duplicate)} (a duplicate member)`);
    }
    const seq = record.seq;
    if (seq !== this.expectedSeq) {
      failAt('bad_seq', seq < this.expectedSeq ? `seq ${seq} repeats or goes backwards (expected ${this.expectedSeq})` : `seq jumps from ${this.expectedSeq - 1} to ${seq}: records are missing`, seq);
    }
    if (!canonical) failAt('not_canonical', 'the line is not the canonical form of the record (altered?)');
    if (this.terminal === undefined) {
      this.startGenesis(record, failAt);
    } else if (record.terminal !== this.terminal) {
      failAt('bad_terminal', `record belongs to terminal ${record.terminal}, not ${this.terminal}`);
    }
    if (record.prev !== this.prev) failAt('bad_prev', `prev ${record.prev.slice(0, 16)}… does not match the hash of record ${seq - 1} (${this.prev.slice(0, 16)}…): the chain is broken`);
    if (record.key !== this.keyId) failAt('bad_key', `signed with key ${record.key}, but key ${this.keyId} is in force`);
    if (!verify(fromHex(record.sig, 64), recordSigningInput(texts.unsigned), this.publicKey!)) failAt('bad_signature', 'signature does not verify');
    const totals = applyToTotals(this.totals, record);
    if (!sameTotals(totals, record.totals)) failAt('bad_totals', `grand totals ${canonicalJson(record.totals)} should be ${canonicalJson(totals)}`);
    const hash = toHex(sha256(text));
    switch (record.kind) {
      case 'payment':
        this.returns.payment(seq, record.body.asset, record.body.amount);
        if (record.body.tender === 'wallet_tap' || record.body.tender === 'offline_qr') {
          const problem = walletProofProblem(record, this.options.walletIssuers);
          if (problem) failAt('bad_wallet_proof', `${record.body.tender} payment: ${problem}`);
          this.walletProofs++;
        }
        this.checkPaymentProof(record, failAt);
        break;
      case 'profile':
        if (record.body.version <= this.profileVersion) failAt('bad_profile', `profile version ${record.body.version} after version ${this.profileVersion}: a profile was downgraded`);
        this.profileVersion = record.body.version;
        break;
      case 'refund':
      case 'void':
      case 'reversal': {
        if (record.body.of < this.firstSeq && record.body.of >= 0) break;
        const problem = this.returns.apply(record.kind, seq, record.body);
        if (problem !== undefined) failAt('bad_return', problem);
        break;
      }
      case 'genesis':
        if (seq !== 0) failAt('bad_genesis', 'a genesis record after seq 0');
        break;
      case 'checkpoint': {
        if (record.body.size !== seq) failAt('bad_checkpoint', `checkpoint size ${record.body.size} must equal its seq ${seq}`);
        const root = toHex(this.frontier.root());
        if (record.body.root !== root) failAt('bad_checkpoint', `checkpoint root does not match the records before it (expected ${root})`);
        this.openCheckpoints.set(seq, { hash, root });
        this.checkpoints++;
        break;
      }
      case 'settlement_ack':
        this.checkAck(record, failAt);
        break;
      case 'key_rotation':
        this.rotate(record, failAt);
        break;
      default:
        break;
    }
    const dayClose = this.dayCloses.observe(record);
    if (dayClose) failAt(dayClose.code, dayClose.message);
    if (seq === 0) this.checkHeaderAgainstGenesis(record);
    if (this.anchor && seq === this.anchor.seq) {
      const root = record.kind === 'checkpoint' ? record.body.root : undefined;
      if (hash !== this.anchor.hash || root !== this.anchor.root) {
        failAt('anchor_mismatch', `the record at seq ${seq} is not the checkpoint the acquirer countersigned: the journal was rewritten`);
      }
      this.anchoredAt = seq;
    }
    this.frontier.add(fromHex(hash, 32));
    this.totals = totals;
    this.prev = hash;
    this.expectedSeq = seq + 1;
  }

  /**
   * Ends verification: the record count the header declares, an anchor the journal must reach
   * (outside evidence first), then the header's head hash. `endLine`: the line after the last one, named by failures found at the
   * end (with the seq of the first missing record).
   */
  finish(endLine?: number): VerifySummary {
    const missing = this.expectedSeq;
    if (this.terminal === undefined) throw new VerifyFailure('truncated', 0, endLine, 'end of file: the journal has no records (not even its genesis)');
    if (this.header && this.header.records !== this.expectedSeq) {
      throw new VerifyFailure('truncated', missing, endLine, `end of file: the export header declares ${this.header.records} records but ${this.expectedSeq} were found`);
    }
    if (this.anchor && this.anchoredAt === undefined) {
      throw new VerifyFailure(
        'truncated',
        missing,
        endLine,
        `the journal ends at seq ${this.expectedSeq - 1}, but the acquirer countersigned a checkpoint at seq ${this.anchor.seq}: records were removed from the end`,
      );
    }
    if (this.header && this.header.headHash !== this.prev) {
      throw new VerifyFailure('bad_header', undefined, HEADER_LINE, `the header's headHash ${this.header.headHash} is not the hash of the last record (${this.prev})`);
    }
    return {
      terminal: this.terminal,
      records: this.expectedSeq,
      headSeq: this.expectedSeq - 1,
      headHash: this.prev,
      totals: this.totals,
      checkpoints: this.checkpoints,
      countersigned: this.countersigned,
      acksUnverified: this.acksUnverified,
      keyRotations: this.keyRotations,
      walletProofs: this.walletProofs,
      walletCertificatesUnverified: this.options.walletIssuers ? 0 : this.walletProofs,
      ...(this.anchoredAt !== undefined ? { anchoredAt: this.anchoredAt } : {}),
    };
  }

  private startGenesis(record: SignedRecord, failAt: FailAt): void {
    if (record.kind !== 'genesis') failAt('bad_genesis', 'the journal does not start with a genesis record');
    const publicKey = fromHex(record.body.publicKey, 32);
    const problem = publicKeyProblem(publicKey);
    if (problem) failAt('bad_genesis', `the genesis public key is ${PUBLIC_KEY_PROBLEMS[problem]}`);
    const keyId = keyIdOf(publicKey);
    if (record.terminal !== keyId || record.key !== keyId) failAt('bad_genesis', 'terminal id and key id must both be the key id of the genesis public key');
    if (this.options.expectedPublicKey && toHex(this.options.expectedPublicKey) !== record.body.publicKey) {
      failAt('bad_genesis', `genesis public key ${record.body.publicKey} is not the expected ${toHex(this.options.expectedPublicKey)}`);
    }
    if (this.anchor && this.anchor.terminal !== record.terminal) {
      throw new VerifyFailure('anchor_mismatch', undefined, undefined, `the anchor countersigns a checkpoint of terminal ${this.anchor.terminal}, not of this journal's ${record.terminal}`);
    }
    this.terminal = record.terminal;
    this.publicKey = publicKey;
    this.keyId = keyId;
  }

  private checkHeaderAgainstGenesis(record: SignedRecord): void {
    const header = this.header;
    if (!header || record.kind !== 'genesis') return;
    const fail = (message: string): never => {
      throw new VerifyFailure('bad_header', undefined, HEADER_LINE, message);
    };
    if (header.terminal !== record.terminal) fail(`the header names terminal ${header.terminal}, the genesis record ${record.terminal}`);
    if (header.publicKey !== record.body.publicKey) fail(`the header's publicKey ${header.publicKey} is not the genesis public key ${record.body.publicKey}`);
  }

  private rotate(record: Extract<SignedRecord, { kind: 'key_rotation' }>, failAt: FailAt): void {
    const next = fromHex(record.body.publicKey, 32);
    const problem = publicKeyProblem(next);
    if (problem) failAt('bad_rotation', `the new public key is ${PUBLIC_KEY_PROBLEMS[problem]}`);
    const statement = canonicalJson({ terminal: record.terminal, seq: record.seq, previousKey: record.key, publicKey: record.body.publicKey });
    if (!verify(fromHex(record.body.proof, 64), DOMAIN.keyRotation + statement, next)) {
      failAt('bad_rotation', 'the new key did not prove possession (bad proof signature)');
    }
    this.publicKey = next;
    this.keyId = keyIdOf(next);
    this.keyRotations++;
  }

  /** With the acquirer's key: an online payment's proof (docs/authorization-protocol.md section 5) verifies. */
  private checkPaymentProof(record: Extract<SignedRecord, { kind: 'payment' }>, failAt: FailAt): void {
    if (!this.options.acquirerPublicKey) return;
    const proof = proofStatementOfRecord(record);
    if (proof && !verifyPaymentProof(proof.statement, proof.proof, this.options.acquirerPublicKey)) {
      failAt('bad_payment_proof', `the acquirer's proof of order ${record.body.ref} does not verify`);
    }
  }

  private checkAck(record: Extract<SignedRecord, { kind: 'settlement_ack' }>, failAt: FailAt): void {
    let through: number;
    try {
      const ack = checkRecordedAck(record.body);
      if (ack.terminal !== this.terminal) failAt('bad_ack', `the ack is for terminal ${ack.terminal}, not ${this.terminal}`);
      if (this.options.acquirerPublicKey) verifyAckSignature(ack, this.options.acquirerPublicKey);
      through = ack.through;
      if (through <= this.settledThrough) {
        failAt('bad_ack', `the ack settles through ${through}, but an earlier ack already settled through ${this.settledThrough}`);
      }
      const held = this.openCheckpoints.get(through);
      const cp = ack.checkpoint;
      if (!held || held.hash !== cp.hash || held.root !== cp.root) {
        failAt('bad_ack', `the countersigned checkpoint (seq ${through}) is not a checkpoint of this journal: its record hash or root differs, or there is no checkpoint there`);
      }
    } catch (err) {
      if (err instanceof RecordFormatError || err instanceof AckError) failAt('bad_ack', err.message);
      throw err;
    }
    if (this.options.acquirerPublicKey) this.countersigned++;
    else this.acksUnverified++;
    // No later ack may name a checkpoint at or before this one: those entries are done with.
    for (const seq of this.openCheckpoints.keys()) {
      if (seq > through) break;
      this.openCheckpoints.delete(seq);
    }
    this.settledThrough = through;
  }
}

/** Checks an anchor before any record is read: a balanced close ack signed by the acquirer. */
function verifiedAnchor(anchor: unknown, acquirerPublicKey: Uint8Array): CountersignedCheckpoint {
  try {
    verifyAckSignature(anchor, acquirerPublicKey);
    return checkBalancedCloseAck(anchor).checkpoint;
  } catch (err) {
    if (err instanceof AckError) throw new VerifyFailure('anchor_mismatch', undefined, undefined, `anchor rejected: ${err.message}`);
    throw err;
  }
}
