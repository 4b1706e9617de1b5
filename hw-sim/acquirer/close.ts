import type Database from 'better-sqlite3';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { KindTotalsBuilder, sameKindTotals } from '../../src/protocol/kind-totals.js';
import { MerkleFrontier, verifyConsistency } from '../../src/protocol/merkle.js';
import { MAX_ACK_ITEMS, type CloseAck, type CloseRequest, type CountersignedCheckpoint } from '../../src/protocol/settlement.js';
import type { RecordIngest } from './ingest.js';

export type CloseResult = Omit<CloseAck, 'sig' | 'acquirer'>;

/**
 * Settlement by totals. The acquirer compares the terminal's totals for [from, through] with
 * its own over the records it accepted, requires every seq in the range to be held, and
 * recomputes the Merkle root of everything before the checkpoint from the hashes it holds.
 * Balanced: the settlement advances and the ack countersigns the checkpoint. Otherwise the
 * ack lists what is missing or wrong and nothing advances.
 */
/**
 * The journal only grew since the checkpoint this acquirer last countersigned: the close carries
 * an RFC 9162 consistency proof from that tree (its root is the stored frontier's) to the new one.
 */
function checkConsistency(request: CloseRequest, settledThrough: number, countersignedRoot: Uint8Array): { code: string; message: string } | undefined {
  const proof = request.consistency;
  if (settledThrough < 1) {
    return proof === null ? undefined : { code: 'bad_consistency', message: 'a first settlement carries no consistency proof' };
  }
  if (proof === null) return { code: 'bad_consistency', message: `the close must prove consistency with the checkpoint countersigned at seq ${settledThrough}` };
  const claimedRoot = request.checkpoint.kind === 'checkpoint' ? request.checkpoint.body.root : '';
  if (proof.from !== settledThrough || !/^[0-9a-f]{64}$/.test(claimedRoot)) {
    return { code: 'bad_consistency', message: `the consistency proof must start at the countersigned tree of size ${settledThrough}` };
  }
  const path = proof.path.map((node) => fromHex(node, 32));
  if (!verifyConsistency(settledThrough, request.through, path, countersignedRoot, fromHex(claimedRoot, 32))) {
    return { code: 'bad_consistency', message: `the journal does not extend the checkpoint countersigned at seq ${settledThrough}: its history was rewritten` };
  }
  return undefined;
}

export function closeSettlement(db: Database.Database, request: CloseRequest, bodySha256: string, ingest: RecordIngest, now: number): CloseResult {
  const terminal = request.terminal;
  const state = db.prepare('SELECT settled_through, frontier FROM terminals WHERE id = ?').get(terminal) as { settled_through: number; frontier: string };
  const problems: { code: string; message: string }[] = [];
  const expectedFrom = state.settled_through + 1;
  const base = {
    v: 1 as const,
    type: 'close' as const,
    terminal,
    close: request.close,
    body: bodySha256,
    from: request.from,
    through: request.through,
    at: now,
  };
  if (request.from !== expectedFrom) {
    problems.push({ code: 'from_mismatch', message: `this settlement must start at seq ${expectedFrom}, not ${request.from}` });
  }
  const cp = ingest.ingest(request.checkpoint);
  if (!cp.accepted) problems.push({ code: 'bad_checkpoint', message: cp.rejection!.message });
  if (request.checkpoint.seq !== request.through || request.checkpoint.kind !== 'checkpoint' || request.checkpoint.body.size !== request.through) {
    problems.push({ code: 'bad_checkpoint', message: `the checkpoint must be record ${request.through} covering ${request.through} records` });
  }
  const frontier = MerkleFrontier.fromJSON(JSON.parse(state.frontier) as { size: number; stack: string[] });
  const consistencyProblem = checkConsistency(request, state.settled_through, frontier.root());
  if (consistencyProblem) problems.push(consistencyProblem);
  // The frontier stops before the previous checkpoint record, which is a leaf of this tree.
  const firstLeaf = Math.min(frontier.size, expectedFrom);
  const rows = db
    .prepare('SELECT seq, hash, kind, asset, amount, status FROM records WHERE terminal = ? AND seq >= ? AND seq <= ? ORDER BY seq')
    .iterate(terminal, firstLeaf, request.through) as IterableIterator<{ seq: number; hash: Buffer; kind: string; asset: string | null; amount: number | null; status: string }>;
  const totals = new KindTotalsBuilder();
  // Gaps as ranges, never seq by seq: the work is in proportion to the records held, whatever
  // `through` says; at most MAX_ACK_ITEMS ranges are listed (the terminal uploads them and closes again).
  const missing: [number, number][] = [];
  const noteGap = (from: number, to: number): void => {
    if (from <= to && missing.length < MAX_ACK_ITEMS) missing.push([from, to]);
  };
  let next = firstLeaf;
  let gaps = false;
  let checkpointHash: Buffer | undefined;
  for (const row of rows) {
    if (row.seq > next) {
      gaps = true;
      noteGap(next, row.seq - 1);
    }
    next = row.seq + 1;
    if (row.seq < request.through) frontier.add(new Uint8Array(row.hash));
    else checkpointHash = row.hash;
    if (row.seq >= expectedFrom && row.status === 'accepted' && row.asset !== null && row.amount !== null) totals.add(row.asset, row.kind, row.amount);
  }
  if (next <= request.through) {
    gaps = true;
    noteGap(next, request.through);
  }
  const acquirerTotals = totals.build();
  let checkpoint: CountersignedCheckpoint | null = null;
  if (!gaps && problems.length === 0) {
    const root = toHex(frontier.root());
    const claimed = request.checkpoint.kind === 'checkpoint' ? request.checkpoint.body.root : '';
    if (frontier.size !== request.through || root !== claimed) {
      problems.push({ code: 'root_mismatch', message: `the records held give Merkle root ${root}, not the checkpoint's: the journal was rewritten` });
    } else if (!sameKindTotals(acquirerTotals, request.totals)) {
      problems.push({ code: 'totals_mismatch', message: 'the terminal totals differ from the records the acquirer accepted' });
    } else {
      checkpoint = { terminal, seq: request.through, hash: checkpointHash!.toString('hex'), size: request.through, root };
      db.prepare('UPDATE terminals SET settled_through = ?, frontier = ? WHERE id = ?').run(request.through, JSON.stringify(frontier.toJSON()), terminal);
    }
  }
  return { ...base, balanced: checkpoint !== null, totals: acquirerTotals, missing, problems, checkpoint };
}
