import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { AckError, checkCloseAck, checkUploadAck, expandRanges, verifyAckSignature, type CloseAck, type UploadAck } from '../protocol/settlement.js';
import { settlementPath } from '../protocol/settlement-routes.js';
import { checkBalancedCloseAck } from '../protocol/balanced-ack.js';
import { dispositionOf } from '../errors/error-table.js';
import { JournalError } from '../terminal/ledger/errors.js';
import { LedgerIntegrityError } from '../terminal/ledger/integrity-error.js';
import type { Journal } from '../terminal/ledger/journal.js';
import type { AcquirerClient } from './acquirer-client.js';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.js';
import { SettlementError, type SettlementErrorCode } from './errors.js';
import { Lease } from './lease.js';
import { Outbox, type Batch, type SettlementCounters } from './outbox.js';

export interface DrainerOptions {
  journal: Journal;
  client: AcquirerClient;
  acquirerPublicKey: Uint8Array;
  outbox?: Outbox;
  batchSize?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** How long a drainer's claim on the outbox lasts without renewal (another process may take over after). */
  leaseMs?: number;
  /**
   * Work that goes before any upload in every pass: reversals of lost authorisations (ISO 8583
   * practice: reversals are sent before anything else). Throwing fails the pass, which is retried.
   */
  priorityWork?: () => Promise<void>;
  /** Background loop: how soon after an append to start draining, and how often to look anyway. */
  settleDelayMs?: number;
  idleCheckMs?: number;
}

/** `halted`: the background loop stopped after an integrity failure; it tries again only after a restart or an explicit settle. */
export type DrainState = 'idle' | 'draining' | 'waiting' | 'halted' | 'stopped';

export interface SettlementStatus {
  state: DrainState;
  /** Null when the journal cannot back them (see `integrity`). */
  counters: SettlementCounters | null;
  /** Set when the journal contradicts its signed records: settlement stops until a technician looks. */
  integrity?: { code: string; seq: number; message: string };
  consecutiveFailures: number;
  lastError?: { code: string; message: string; at: number };
  nextAttemptAt?: number;
  lastSettledAt?: number;
}

export interface DrainReport {
  uploadBatches: number;
  recordsAccepted: number;
  recordsRejected: number;
  closes: number;
  settledThrough: number;
}

/** One failed settlement attempt, with its cause and what happens next. */
export interface SettlementFailure {
  code: SettlementErrorCode;
  message: string;
  retryable: boolean;
  /** Failed attempts in a row, this one included. */
  attempt: number;
  /** The batch being built or sent when it failed, if any. */
  batch?: { id: string; kind: 'upload' | 'close' };
  /** How long until the next try; null when none is planned (given up, or halted). */
  retryInMs: number | null;
  /** The background loop stopped trying: the journal failed an integrity check. A restart or an explicit settle tries again. */
  halted: boolean;
  /** For an integrity failure: the first bad record. */
  record?: number;
}

interface DrainerEvents {
  status: [SettlementStatus];
  failed: [SettlementFailure];
  settled: [CloseAck];
  deadLetter: [{ seq: number; code: string; message: string }];
}

/**
 * Store-and-forward settlement. One drainer at a time (in this process by a mutex, across
 * processes by a lease row): resume the batch in flight with its original key, upload the
 * outbox in batches (reversals first), then settle by totals up to a checkpoint and write the
 * countersigned ack into the journal. Failures back off exponentially with full jitter; each
 * failed attempt is reported ('failed') with its cause. An integrity failure (the journal no
 * longer backs what settlement needs) halts the background loop: retrying cannot fix it, and
 * the acquirer is not to blame.
 */
export class SettlementDrainer extends EventEmitter<DrainerEvents> {
  readonly outbox: Outbox;
  private readonly journal: Journal;
  private readonly batchSize: number;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly lease: Lease;
  private mutex: Promise<unknown> = Promise.resolve();
  private state: DrainState = 'idle';
  private failures = 0;
  private lastError: SettlementStatus['lastError'];
  private nextAttemptAt: number | undefined;
  private lastSettledAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private halted = false;
  /** The batch being built or sent, so a failure can name it. */
  private inFlight: Batch | undefined;
  private failedBatch: Batch | undefined;
  private unbalancedRetried = new Set<number>();
  private detachAppend: (() => void) | undefined;

  constructor(private readonly options: DrainerOptions) {
    super();
    this.journal = options.journal;
    this.outbox = options.outbox ?? new Outbox(options.journal);
    this.batchSize = options.batchSize ?? 2000;
    this.backoff = options.backoff ?? defaultBackoff;
    this.random = options.random ?? Math.random;
    this.lease = new Lease(this.outbox.book, `${process.pid}:${randomUUID()}`, options.leaseMs ?? 30_000);
  }

  status(): SettlementStatus {
    let counters: SettlementCounters | null = null;
    let integrity: SettlementStatus['integrity'];
    try {
      counters = this.outbox.counters();
    } catch (err) {
      if (!(err instanceof LedgerIntegrityError)) throw err;
      integrity = { code: err.code, seq: err.seq, message: err.message };
    }
    return {
      state: this.state,
      counters,
      ...(integrity ? { integrity } : {}),
      consecutiveFailures: this.failures,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.nextAttemptAt !== undefined ? { nextAttemptAt: this.nextAttemptAt } : {}),
      ...(this.lastSettledAt !== undefined ? { lastSettledAt: this.lastSettledAt } : {}),
    };
  }

  /** One pass: until the outbox is empty and everything is settled, or the first failure (thrown, and reported). */
  async drainOnce(): Promise<DrainReport> {
    try {
      return this.succeededExplicitly(await this.runPass());
    } catch (err) {
      this.failedExplicitly(err, null);
      throw err;
    }
  }

  /** Drains, retrying with backoff, until settled or `maxAttempts` failures in a row. Every failure is reported. */
  async drain(maxAttempts = Infinity): Promise<DrainReport> {
    for (let attempt = 0; ; attempt++) {
      try {
        return this.succeededExplicitly(await this.runPass());
      } catch (err) {
        const again = err instanceof SettlementError && err.retryable && attempt + 1 < maxAttempts;
        const delay = again ? backoffDelay(attempt, this.backoff, this.random) : null;
        this.failedExplicitly(err, delay);
        if (delay === null) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Runs in the background: soon after each append, and periodically; backs off after failures. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.halted = false;
    this.detachAppend = this.journal.onAppend(() => {
      if (this.state === 'idle') this.schedule(this.options.settleDelayMs ?? 200);
    });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.detachAppend?.();
    clearTimeout(this.timer);
    await this.mutex;
    this.lease.release();
    this.setState('stopped');
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.nextAttemptAt = Date.now() + delayMs;
    this.timer = setTimeout(() => void this.backgroundPass(), delayMs);
  }

  private runPass(): Promise<DrainReport> {
    const run = this.mutex.then(() => this.pass());
    this.mutex = run.catch(() => undefined);
    return run;
  }

  private async backgroundPass(): Promise<void> {
    this.nextAttemptAt = undefined;
    try {
      await this.runPass();
      this.schedule(this.options.idleCheckMs ?? 60_000);
    } catch (err) {
      if (!this.running) return this.report(err, null);
      if (haltsSettlement(err)) return this.halt(err);
      const retryable = err instanceof SettlementError ? err.retryable : true;
      const delay = retryable ? backoffDelay(this.failures, this.backoff, this.random) : this.backoff.maxMs;
      this.schedule(delay);
      this.setState('waiting');
      this.report(err, delay);
    }
  }

  /** An explicit settle that worked lifts a halt: the background loop resumes. */
  private succeededExplicitly(report: DrainReport): DrainReport {
    if (this.halted && this.running) {
      this.halted = false;
      this.schedule(this.options.idleCheckMs ?? 60_000);
    }
    return report;
  }

  /** An explicit settle that failed: halts on an integrity failure, otherwise the background loop (if any) backs off as usual. */
  private failedExplicitly(err: unknown, retryInMs: number | null): void {
    if (this.running && haltsSettlement(err)) return this.halt(err);
    if (this.halted && this.running) {
      this.halted = false;
      this.schedule(backoffDelay(this.failures, this.backoff, this.random));
    }
    this.report(err, retryInMs);
  }

  /** Stops the background loop until a restart or an explicit settle, and says so. */
  private halt(err: unknown): void {
    this.halted = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAttemptAt = undefined;
    this.setState('halted');
    this.report(err, null);
  }

  private report(err: unknown, retryInMs: number | null): void {
    const error = err instanceof SettlementError ? err : asSettlementError(err);
    const batch = this.failedBatch;
    this.emit('failed', {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      attempt: this.failures,
      ...(batch ? { batch: { id: batch.id, kind: batch.kind } } : {}),
      retryInMs,
      halted: this.halted && haltsSettlement(error),
      ...(error.cause instanceof LedgerIntegrityError ? { record: error.cause.seq } : {}),
    });
  }

  private async pass(): Promise<DrainReport> {
    this.inFlight = undefined;
    let report: DrainReport;
    try {
      report = { uploadBatches: 0, recordsAccepted: 0, recordsRejected: 0, closes: 0, settledThrough: this.outbox.settledThrough };
      if (!this.lease.acquire()) throw new SettlementError('busy', 'another process is draining this outbox');
    } catch (err) {
      throw this.fail(asSettlementError(err));
    }
    this.setState('draining');
    try {
      if (this.options.priorityWork) await this.options.priorityWork();
      let closesThisPass = 0;
      // A pass settles what existed when it began (plus its own checkpoint), so a terminal that
      // keeps taking payments still closes; later records wait for the next pass.
      let bound = this.journal.headSeq;
      for (;;) {
        this.lease.renew();
        const open = this.outbox.openBatch();
        if (open) {
          // A batch left open by an earlier attempt: resent as it was. A close among them carries its ack along too.
          this.inFlight = open;
          const ackSeq = await this.send(open, this.outbox.bodyOf(open), report);
          if (ackSeq !== undefined && !this.outbox.hasFinancialBetween(bound, ackSeq)) bound = ackSeq;
          continue;
        }
        const upload = this.outbox.createUploadBatch(this.batchSize, bound);
        if (upload) {
          this.inFlight = upload.batch;
          await this.send(upload.batch, upload.body, report);
          continue;
        }
        const plan = this.outbox.closePlan(bound);
        this.inFlight = undefined;
        if (plan.kind === 'nothing') break;
        if (plan.kind === 'checkpoint') {
          bound = this.journal.appendCheckpoint().seq;
          continue;
        }
        if (++closesThisPass > 4) throw new SettlementError('unbalanced', 'settlement did not balance after itemised uploads');
        const close = this.outbox.createCloseBatch(plan.from, plan.through);
        this.inFlight = close.batch;
        const ackSeq = await this.send(close.batch, close.body, report);
        // Carry the settlement ack itself along, unless payments arrived meanwhile (next pass).
        if (ackSeq !== undefined && !this.outbox.hasFinancialBetween(bound, ackSeq)) bound = ackSeq;
      }
    } catch (err) {
      throw this.fail(asSettlementError(err));
    } finally {
      this.lease.release();
    }
    this.failures = 0;
    this.lastError = undefined;
    report.settledThrough = this.outbox.settledThrough;
    this.setState('idle');
    return report;
  }

  /** Sends a batch and applies the verified answer; returns the seq of a journaled settlement ack. */
  private async send(batch: Batch, body: string, report: DrainReport): Promise<number | undefined> {
    const path = settlementPath(batch.kind, { terminal: this.journal.terminalId, key: batch.id });
    let reply: unknown;
    try {
      reply = await this.options.client.post(path, body);
      verifyAckSignature(reply, this.options.acquirerPublicKey);
    } catch (err) {
      const error = err instanceof AckError ? new SettlementError('bad_ack', `acknowledgement refused: ${err.message}`, { cause: err }) : err;
      this.outbox.noteFailure(batch, (error as Error).message);
      throw error;
    }
    try {
      if (batch.kind === 'upload') this.applyUpload(batch, checkUploadAck(reply), report);
      else return this.applyClose(batch, checkCloseAck(reply), report);
    } catch (err) {
      if (!(err instanceof AckError)) throw err;
      this.outbox.noteFailure(batch, err.message);
      throw new SettlementError('bad_ack', `acknowledgement refused: ${err.message}`, { cause: err });
    }
    return undefined;
  }

  private isOurCheckpoint(seq: number, root: string): boolean {
    const record = this.journal.recordAt(seq);
    return record?.kind === 'checkpoint' && record.body.root === root;
  }

  private bindAck(batch: Batch, ack: UploadAck | CloseAck, id: string): void {
    if (ack.terminal !== this.journal.terminalId || id !== batch.id || ack.body !== batch.bodySha256) {
      throw new AckError('mismatch', `the ack answers another request (batch ${id}, body ${ack.body.slice(0, 12)}…)`);
    }
  }

  private applyUpload(batch: Batch, ack: UploadAck, report: DrainReport): void {
    this.bindAck(batch, ack, ack.batch);
    const sent = new Set(expandRanges(batch.seqs));
    const answered = [...expandRanges(ack.accepted), ...ack.rejected.map((r) => r.seq)];
    if (answered.length !== sent.size || !answered.every((s) => sent.has(s))) {
      throw new AckError('mismatch', 'the ack does not account for exactly the records sent');
    }
    const counts = this.outbox.applyUploadAck(batch, ack);
    report.uploadBatches++;
    report.recordsAccepted += counts.accepted;
    report.recordsRejected += counts.rejected;
    for (const r of ack.rejected) this.emit('deadLetter', { seq: r.seq, code: r.code, message: r.message });
  }

  private applyClose(batch: Batch, ack: CloseAck, report: DrainReport): number | undefined {
    this.bindAck(batch, ack, ack.close);
    if (ack.from !== batch.from || ack.through !== batch.through) throw new AckError('mismatch', 'the close ack covers another range');
    report.closes++;
    if (ack.balanced) {
      // A balanced close must be one in full (nothing missing, no problems, its own checkpoint):
      // only such an ack may enter the journal (docs/journal.md section 4).
      const cp = checkBalancedCloseAck(ack).checkpoint;
      const checkpoint = this.journal.get(batch.through!);
      if (cp.seq !== batch.through || !checkpoint || Buffer.from(checkpoint.hash).toString('hex') !== cp.hash || !this.isOurCheckpoint(batch.through!, cp.root)) {
        throw new AckError('mismatch', 'the countersigned checkpoint is not ours');
      }
      const ackSeq = this.outbox.applyBalancedClose(batch, ack);
      this.unbalancedRetried.delete(batch.through!);
      this.lastSettledAt = Date.now();
      this.emit('settled', ack);
      return ackSeq;
    }
    if (ack.missing.length > 0) {
      this.outbox.applyUnbalancedClose(batch, ack, ack.missing);
      return undefined;
    }
    if (!this.unbalancedRetried.has(batch.through!)) {
      this.unbalancedRetried.add(batch.through!);
      this.outbox.applyUnbalancedClose(batch, ack, [[batch.from!, batch.through!]]);
      return undefined;
    }
    this.outbox.applyUnbalancedClose(batch, ack, []);
    throw new SettlementError('unbalanced', `settlement through ${batch.through} does not balance: ${ack.problems.map((p) => `${p.code}: ${p.message}`).join('; ')}`);
  }

  private fail(error: SettlementError): SettlementError {
    this.failures++;
    this.failedBatch = this.inFlight;
    this.inFlight = undefined;
    this.lastError = { code: error.code, message: error.message, at: Date.now() };
    this.setState(this.running ? 'waiting' : 'idle');
    return error;
  }

  private setState(state: DrainState): void {
    this.state = state;
    if (this.listenerCount('status') > 0) this.emit('status', this.status());
  }
}

/** Whether a failure means the journal cannot back settlement: retrying will not help, so the background loop stops. */
function haltsSettlement(err: unknown): boolean {
  return dispositionOf(err).kind === 'integrity';
}

/**
 * A failure of a pass as settlement reports it. Everything the acquirer client and the ack checks
 * raise is already a SettlementError; anything else happened here, on the terminal, and is
 * named as such: the journal's integrity failures as integrity_failed, storage failures as
 * disk_full or storage_error. None of them is blamed on the acquirer.
 */
function asSettlementError(err: unknown): SettlementError {
  if (err instanceof SettlementError) return err;
  if (err instanceof LedgerIntegrityError) return new SettlementError('integrity_failed', err.message, { cause: err });
  if (err instanceof JournalError) {
    if (dispositionOf(err).kind === 'integrity') return new SettlementError('integrity_failed', err.message, { cause: err });
    return new SettlementError(err.code === 'disk_full' ? 'disk_full' : 'storage_error', `journal: ${err.message}`, { cause: err });
  }
  const sqlite = (err as { code?: unknown }).code;
  if (typeof sqlite === 'string' && sqlite.startsWith('SQLITE_')) {
    if (sqlite === 'SQLITE_FULL') return new SettlementError('disk_full', `settlement state: ${(err as Error).message}`, { cause: err });
    if (sqlite.startsWith('SQLITE_CORRUPT') || sqlite === 'SQLITE_NOTADB') return new SettlementError('integrity_failed', `the journal database is damaged: ${(err as Error).message}`, { cause: err });
    if (sqlite.startsWith('SQLITE_BUSY')) return new SettlementError('busy', `the journal database is busy: ${(err as Error).message}`, { cause: err });
  }
  return new SettlementError('storage_error', `settlement failed on the terminal: ${(err as Error).message}`, { cause: err });
}
