import { EventEmitter } from 'node:events';
import { fromHex, toHex } from '../../../encoding/hex.js';
import { MerkleFrontier } from '../../../protocol/merkle.js';
import type { SignedRecord } from '../../../protocol/record.js';
import { LedgerIntegrityError } from '../integrity-error.js';
import type { Journal } from '../journal.js';
import { readLinked } from './record-links.js';

export interface AuditProgress {
  state: 'idle' | 'running' | 'done' | 'failed' | 'stopped';
  /** Records checked so far, of `total` (the head when the audit began, plus one). */
  checked: number;
  total: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The first bad record, when the audit failed. */
  failure: { code: string; seq: number; message: string } | null;
}

export interface AuditEvents {
  progress: [AuditProgress];
}

export interface AuditOptions {
  /** Records per turn of the event loop (default 1000): payments never wait long behind the audit. */
  chunk?: number;
  /** Announce progress every this many records (default 50 000). */
  reportEvery?: number;
  clock?: () => number;
}

/**
 * The whole journal against the Merkle roots it committed to, in the background at low
 * priority: every record's text hashes to its stored hash and chains to the one before, no seq
 * is missing, the derived columns agree, and the tree over the records hashes to the root of
 * every checkpoint record, and of every checkpoint the acquirer countersigned. Signatures are not
 * verified here: the acquirer verified every record it countersigned, and the start-up check
 * verifies the rest.
 */
export class JournalAudit extends EventEmitter<AuditEvents> {
  private current: AuditProgress = { state: 'idle', checked: 0, total: 0, startedAt: null, finishedAt: null, failure: null };
  private stopRequested = false;
  private running: Promise<AuditProgress> | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly options: AuditOptions = {},
  ) {
    super();
  }

  progress(): AuditProgress {
    return { ...this.current };
  }

  /** Runs to the end (or the first bad record), a chunk per turn of the event loop. */
  run(): Promise<AuditProgress> {
    this.running ??= this.loop();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    await this.running;
  }

  private async loop(): Promise<AuditProgress> {
    const clock = this.options.clock ?? Date.now;
    const chunk = this.options.chunk ?? 1000;
    const reportEvery = this.options.reportEvery ?? 50_000;
    const head = this.journal.headSeq;
    this.current = { state: 'running', checked: 0, total: head + 1, startedAt: clock(), finishedAt: null, failure: null };
    this.emit('progress', this.progress());
    const frontier = new MerkleFrontier();
    const checkpoints = new Map<number, { hash: string; root: string }>();
    let nextReport = reportEvery;
    try {
      // Never on the caller's turn: start-up goes on first; the audit runs in the gaps.
      await new Promise((resolve) => setImmediate(resolve));
      for (let from = 0; from <= head; from += chunk) {
        if (this.stopRequested) return this.finish('stopped', clock);
        readLinked(this.journal, from, Math.min(head, from + chunk - 1), (record, _text, hash) => {
          this.checkRecord(record, hash, frontier, checkpoints);
          frontier.add(fromHex(hash, 32));
        });
        this.current.checked = Math.min(head, from + chunk - 1) + 1;
        if (this.current.checked >= nextReport) {
          nextReport += reportEvery;
          this.emit('progress', this.progress());
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      return this.finish('done', clock);
    } catch (err) {
      if (!(err instanceof LedgerIntegrityError)) throw err;
      this.current.failure = { code: err.code, seq: err.seq, message: err.message };
      return this.finish('failed', clock);
    }
  }

  private checkRecord(record: SignedRecord, hash: string, frontier: MerkleFrontier, checkpoints: Map<number, { hash: string; root: string }>): void {
    if (record.kind === 'checkpoint') {
      const root = toHex(frontier.root());
      if (record.body.size !== record.seq || record.body.root !== root) {
        throw new LedgerIntegrityError('bad_record', record.seq, `checkpoint ${record.seq} does not commit to the records before it: one of them was changed`);
      }
      checkpoints.set(record.seq, { hash, root });
    } else if (record.kind === 'settlement_ack') {
      const cp = (record.body.ack as { checkpoint?: { seq?: number; hash?: string; root?: string } | null }).checkpoint;
      const seen = cp && typeof cp.seq === 'number' ? checkpoints.get(cp.seq) : undefined;
      if (!cp || !seen || seen.hash !== cp.hash || seen.root !== cp.root) {
        throw new LedgerIntegrityError('bad_record', record.seq, `record ${record.seq}: the checkpoint the acquirer countersigned is not the one in this journal`);
      }
    }
  }

  private finish(state: AuditProgress['state'], clock: () => number): AuditProgress {
    this.current.state = state;
    this.current.finishedAt = clock();
    this.emit('progress', this.progress());
    return this.progress();
  }
}
