import { sha256 } from '../../../crypto/sha256.js';
import { fromHex, toHex } from '../../../encoding/hex.js';
import { ChainVerifier, VerifyFailure } from '../../../protocol/chain-verifier.js';
import type { SignedRecord } from '../../../protocol/record.js';
import { checkCloseAck, verifyAckSignature, AckError, type CloseAck } from '../../../protocol/settlement.js';
import { LedgerIntegrityError } from '../integrity-error.js';
import type { Journal } from '../journal.js';

/** How many records just under the anchored checkpoint are re-hashed from their text at start. */
export const UNDER_CHECKPOINT_RECHECK = 1024;

export interface StartupCheckReport {
  /** The countersigned checkpoint the check started from, or null when the terminal never settled (checked from genesis). */
  anchoredAt: number | null;
  /** Records verified record by record (signatures, links, totals): from the anchor to the head. */
  verified: number;
  headSeq: number;
  ms: number;
}

/**
 * What the terminal checks of its own journal before it takes a payment (docs/journal.md,
 * "What the terminal checks of itself"):
 * - the newest countersigned checkpoint (the last settlement_ack's, signature checked when the
 *   acquirer key is known) is the record at its seq: same hash, same Merkle root;
 * - the stored Merkle right edge at that checkpoint folds to the countersigned root, and the
 *   last records under it still hash into the chain that the checkpoint's `prev` signs;
 * - every record from the checkpoint to the head: canonical text, seq continuity, the hash
 *   chain, the signature under the key in force, the grand totals, the derived columns;
 * - nothing the settlement and payment books refer to lies beyond the head (a cut tail the
 *   acquirer or a payment has seen).
 * Throws LedgerIntegrityError naming the first bad record and why.
 */
export function checkOnOpen(journal: Journal, options: { acquirerPublicKey?: Uint8Array } = {}): StartupCheckReport {
  const started = performance.now();
  const anchor = newestCountersignedCheckpoint(journal, options.acquirerPublicKey);
  const verifier = anchor ? resumeAt(journal, anchor) : new ChainVerifier();
  const from = anchor ? anchor.seq + 1 : 0;
  let verified = 0;
  let expected = from;
  let lastText: string | undefined;
  for (const stored of journal.records(from)) {
    if (stored.seq !== expected) throw new LedgerIntegrityError('missing_record', expected, `record ${expected} is missing from the journal (the next one stored is ${stored.seq})`);
    if (toHex(sha256(stored.text)) !== toHex(stored.hash)) throw new LedgerIntegrityError('bad_record', stored.seq, `record ${stored.seq}: its stored hash is not the hash of its text`);
    try {
      verifier.push(stored.text);
    } catch (err) {
      if (err instanceof VerifyFailure) throw new LedgerIntegrityError('bad_record', err.seq ?? stored.seq, `record ${err.seq ?? stored.seq}: ${err.code}: ${err.message}`);
      throw err;
    }
    journal.recordAt(stored.seq);
    lastText = stored.text;
    verified++;
    expected++;
  }
  if (expected - 1 !== journal.headSeq) throw new LedgerIntegrityError('missing_record', expected, `the journal ends at record ${expected - 1} but its head is ${journal.headSeq}`);
  if (lastText !== undefined && toHex(sha256(lastText)) !== journal.headHash) throw new LedgerIntegrityError('bad_record', journal.headSeq, `the head record's text does not hash to the head`);
  checkNothingBeyondHead(journal);
  return { anchoredAt: anchor?.seq ?? null, verified, headSeq: journal.headSeq, ms: performance.now() - started };
}

interface Anchor {
  seq: number;
  hash: string;
  root: string;
}

function newestCountersignedCheckpoint(journal: Journal, acquirerPublicKey: Uint8Array | undefined): Anchor | undefined {
  const ackSeq = journal.lastSeqOfKind('settlement_ack');
  if (ackSeq === null) return undefined;
  const record = journal.recordAt(ackSeq) as Extract<SignedRecord, { kind: 'settlement_ack' }>;
  let ack: CloseAck;
  try {
    if (acquirerPublicKey) verifyAckSignature(record.body.ack, acquirerPublicKey);
    ack = checkCloseAck(record.body.ack as unknown as CloseAck);
  } catch (err) {
    if (err instanceof AckError) throw new LedgerIntegrityError('bad_record', ackSeq, `record ${ackSeq}: the settlement acknowledgement it holds is refused: ${err.message}`);
    throw err;
  }
  const cp = ack.checkpoint;
  if (!ack.balanced || !cp) throw new LedgerIntegrityError('bad_record', ackSeq, `record ${ackSeq}: the settlement acknowledgement countersigns no checkpoint`);
  const stored = journal.get(cp.seq);
  if (!stored) throw new LedgerIntegrityError('missing_record', cp.seq, `the countersigned checkpoint ${cp.seq} is missing from the journal`);
  if (toHex(sha256(stored.text)) !== cp.hash || toHex(stored.hash) !== cp.hash) {
    throw new LedgerIntegrityError('bad_record', cp.seq, `record ${cp.seq} is not the checkpoint the acquirer countersigned: the journal was rewritten`);
  }
  const checkpoint = JSON.parse(stored.text) as SignedRecord;
  if (checkpoint.kind !== 'checkpoint' || checkpoint.body.root !== cp.root || checkpoint.body.size !== cp.seq) {
    throw new LedgerIntegrityError('bad_record', cp.seq, `record ${cp.seq} does not commit to the countersigned Merkle root`);
  }
  return { seq: cp.seq, hash: cp.hash, root: cp.root };
}

/** A verifier that continues after the anchored checkpoint, after checking what lies just under it. */
function resumeAt(journal: Journal, anchor: Anchor): ChainVerifier {
  const frontier = journal.frontierAt(anchor.seq);
  if (toHex(frontier.root()) !== anchor.root) {
    throw new LedgerIntegrityError('bad_record', anchor.seq, `the records under checkpoint ${anchor.seq} no longer hash to its countersigned Merkle root: a record under it was changed`);
  }
  const checkpoint = JSON.parse(journal.get(anchor.seq)!.text) as SignedRecord;
  recheckUnder(journal, anchor.seq, checkpoint.prev);
  frontier.add(fromHex(anchor.hash, 32));
  return ChainVerifier.resume({
    terminal: journal.terminalId,
    publicKey: keyInForceAt(journal, anchor.seq),
    after: { seq: anchor.seq, hash: anchor.hash, totals: checkpoint.totals, checkpoint: { root: anchor.root } },
    frontier,
  });
}

/** The last records under a checkpoint, re-hashed from their text, must chain into the `prev` the checkpoint signs. */
function recheckUnder(journal: Journal, checkpointSeq: number, checkpointPrev: string): void {
  const from = Math.max(0, checkpointSeq - UNDER_CHECKPOINT_RECHECK);
  let expected = from;
  let previousHash: string | undefined;
  for (const stored of journal.records(from, checkpointSeq - 1)) {
    if (stored.seq !== expected) throw new LedgerIntegrityError('missing_record', expected, `record ${expected} is missing from the journal`);
    const record = journal.recordAt(stored.seq)!;
    const hash = toHex(sha256(stored.text));
    if (hash !== toHex(stored.hash)) throw new LedgerIntegrityError('bad_record', stored.seq, `record ${stored.seq}: its stored hash is not the hash of its text`);
    if (previousHash !== undefined && record.prev !== previousHash) {
      throw new LedgerIntegrityError('bad_record', stored.seq - 1, `record ${stored.seq - 1} was changed: it no longer hashes to what record ${stored.seq} signs as its predecessor`);
    }
    previousHash = hash;
    expected++;
  }
  if (expected !== checkpointSeq) throw new LedgerIntegrityError('missing_record', expected, `record ${expected} is missing from the journal`);
  if (previousHash !== undefined && previousHash !== checkpointPrev) {
    throw new LedgerIntegrityError('bad_record', checkpointSeq - 1, `record ${checkpointSeq - 1} is not the record the countersigned checkpoint follows: it was changed`);
  }
}

function keyInForceAt(journal: Journal, seq: number): Uint8Array {
  const rotation = journal.lastSeqOfKind('key_rotation', -1, seq);
  if (rotation === null) return journal.genesisPublicKey;
  const record = journal.recordAt(rotation) as Extract<SignedRecord, { kind: 'key_rotation' }>;
  return fromHex(record.body.publicKey, 32);
}

/** Settlement batches, settled ranges and payments that name records beyond the head: the tail was cut. */
function checkNothingBeyondHead(journal: Journal): void {
  const head = journal.headSeq;
  const settled = journal.settlement?.settledThrough ?? -1;
  if (settled > head) throw new LedgerIntegrityError('tail_cut', head + 1, `the acquirer settled through record ${settled}, but the journal ends at ${head}: records were removed from the end`);
  const held = journal.settlement?.highestHeld() ?? null;
  if (held !== null && held > head) throw new LedgerIntegrityError('tail_cut', head + 1, `the acquirer holds record ${held}, but the journal ends at ${head}: records were removed from the end`);
  const paid = journal.payments?.highestSeq() ?? null;
  if (paid !== null && paid > head) throw new LedgerIntegrityError('tail_cut', head + 1, `payment record ${paid} is missing: the journal ends at ${head}`);
}
