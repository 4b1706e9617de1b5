import type { DrawerPulse } from '../escpos/commands.js';
import type { Receipt } from '../escpos/receipt.js';
import { PrinterError } from './errors.js';

export type JobKind = 'receipt' | 'drawer';

export interface JobEvent {
  id: number;
  kind: JobKind;
  phase: 'queued' | 'printing' | 'interrupted' | 'done';
  /** 1 for the first attempt. */
  attempt: number;
  /** This attempt is a reprint (the receipt carries the reprint banner). */
  reprint: boolean;
  /** Why an attempt was interrupted: paper_out, cover_open, offline, error, disconnected, no_completion... */
  reason?: string;
}

export interface JobResult {
  id: number;
  kind: JobKind;
  attempts: number;
  /** The paper shows a reprint (an earlier attempt was cut short). */
  reprinted: boolean;
  /** The printer confirmed the job left its buffer (completion fence answered). */
  confirmed: boolean;
}

export interface PrintJob {
  id: number;
  kind: JobKind;
  /** Resolves when the job is on paper (or the drawer pulsed); rejects only with PrinterError('stopped'). */
  done: Promise<JobResult>;
}

/** A job stop() took off the queue before it completed; enough to submit it again later. */
export interface UnfinishedJob {
  id: number;
  kind: JobKind;
  receipt: Receipt | undefined;
  pulse: DrawerPulse | undefined;
  attempts: number;
}

export interface QueuedJob {
  readonly id: number;
  readonly kind: JobKind;
  readonly receipt: Receipt | undefined;
  readonly segments: Uint8Array[];
  /** The same job under the reprint banner, laid out up front so a reprint cannot fail or differ. */
  readonly reprintSegments: Uint8Array[];
  readonly pulse: DrawerPulse | undefined;
  attempts: number;
  /** Bytes of the receipt went out: a further attempt is a reprint. */
  touchedPaper: boolean;
  unconfirmed: number;
  resolve(result: JobResult): void;
  reject(error: Error): void;
}

/** Completion fences that may go unanswered, the printer otherwise healthy, before a job is taken as done. */
const MAX_UNCONFIRMED_ATTEMPTS = 2;

/**
 * The print queue, and the rule that keeps every receipt: a job cut short stays at the head and
 * is printed again whole, under the reprint banner once any of it reached the paper.
 */
export class JobQueue {
  private readonly jobs: QueuedJob[] = [];
  private nextId = 1;
  readonly counters = { jobsDone: 0, reprints: 0 };

  constructor(private readonly emit: (event: JobEvent) => void) {}

  get length(): number {
    return this.jobs.length;
  }

  get head(): QueuedJob | undefined {
    return this.jobs[0];
  }

  add(kind: JobKind, receipt: Receipt | undefined, segments: Uint8Array[], reprintSegments: Uint8Array[], pulse: DrawerPulse | undefined): PrintJob {
    const id = this.nextId++;
    let resolve!: (r: JobResult) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<JobResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(() => undefined); // the caller may not await a job it does not care about
    this.jobs.push({ id, kind, receipt, segments, reprintSegments, pulse, attempts: 0, touchedPaper: false, unconfirmed: 0, resolve, reject });
    this.emit({ id, kind, phase: 'queued', attempt: 0, reprint: false });
    return { id, kind, done };
  }

  /**
   * Starts the next attempt at `job` and returns its bytes: the reprint once a receipt has touched
   * the paper. `asb` (re-enabling Automatic Status Back) goes after the receipt's first segment,
   * which is ESC @ and the character mode.
   */
  attempt(job: QueuedJob, asb: readonly Uint8Array[]): { parts: Uint8Array[]; reprint: boolean } {
    job.attempts++;
    const reprint = job.touchedPaper && job.kind === 'receipt';
    const body = reprint ? job.reprintSegments : job.segments;
    const parts = job.kind === 'receipt' ? [body[0]!, ...asb, ...body.slice(1)] : [...asb, ...body];
    if (reprint) this.counters.reprints++;
    this.emit({ id: job.id, kind: job.kind, phase: 'printing', attempt: job.attempts, reprint });
    return { parts, reprint };
  }

  /** Bytes of this attempt are going out. */
  writing(job: QueuedJob): void {
    if (job.kind === 'receipt') job.touchedPaper = true;
  }

  complete(job: QueuedJob, confirmed: boolean): void {
    if (this.jobs[0] === job) this.jobs.shift();
    this.counters.jobsDone++;
    const reprinted = job.kind === 'receipt' && job.attempts > 1 && job.touchedPaper;
    this.emit({ id: job.id, kind: job.kind, phase: 'done', attempt: job.attempts, reprint: reprinted });
    job.resolve({ id: job.id, kind: job.kind, attempts: job.attempts, reprinted, confirmed });
  }

  /**
   * An attempt was cut short; the job stays at the head for another. Except: a printer that looks
   * healthy but leaves the completion fence unanswered attempt after attempt has the job taken as
   * done (unconfirmed), so it is not reprinted forever.
   */
  interrupted(job: QueuedJob, reprint: boolean, reason: string, printerHealthy: boolean): void {
    if (reason === 'no_completion' && printerHealthy) {
      job.unconfirmed++;
      if (job.unconfirmed >= MAX_UNCONFIRMED_ATTEMPTS) {
        this.complete(job, false);
        return;
      }
    }
    this.emit({ id: job.id, kind: job.kind, phase: 'interrupted', attempt: job.attempts, reprint, reason });
  }

  /** Empties the queue: every job's promise rejects with PrinterError('stopped'); returns what they were. */
  takeAll(): UnfinishedJob[] {
    const unfinished = this.jobs.splice(0);
    for (const job of unfinished) job.reject(new PrinterError('stopped', `printer stopped before job ${job.id} completed`));
    return unfinished.map((j) => ({ id: j.id, kind: j.kind, receipt: j.receipt, pulse: j.pulse, attempts: j.attempts }));
  }
}
