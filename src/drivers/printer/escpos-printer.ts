import { EventEmitter } from 'node:events';
import { ALL_ASB_ITEMS, automaticStatusBack, drawerPulse, transmitPaperStatus, type DrawerPulse } from '../escpos/commands.js';
import { renderReceipt } from '../escpos/layout.js';
import type { PrinterProfile } from '../escpos/profiles.js';
import type { Receipt } from '../escpos/receipt.js';
import { conditionsFromAsb, conditionsFromRealTime, decodeRealTimeStatus, type ErrorCauseByte, type PrinterConditions } from '../escpos/status.js';
import type { UnencodablePolicy } from '../escpos/text-encoding.js';
import type { ByteLink, LinkState } from '../transport/link.js';
import { openLink, type LinkEnvironment } from '../transport/open-link.js';
import { PrinterError } from './errors.js';
import { isBlocking, sameConditions, stateOf, type PrinterState, type PrinterStatus } from './printer-state.js';
import { StatusChannel } from './status-channel.js';
import { Wakeup } from './wakeup.js';

export interface EscPosPrinterOptions {
  profile: PrinterProfile;
  /** How long a DLE EOT query may go unanswered (default 1000 ms). */
  statusTimeoutMs?: number;
  /** Status polling while the queue is paused by a fault, and during jobs without ASB (default 500 ms). */
  pollIntervalMs?: number;
  /** Status polling when idle (slow; ASB or not); 0 turns it off (default 3000 ms). */
  idlePollMs?: number;
  /** How long a job may take from its last byte to its completion fence (default 30 s). */
  jobTimeoutMs?: number;
  /** Quiet time that separates stray replies from new ones after a fault or a timeout (default 200 ms). */
  settleMs?: number;
  /** Wait before asking again after the printer did not answer (default 1000 ms). */
  retryDelayMs?: number;
  /** Printed at the top of a receipt printed again after an interruption. */
  reprintBanner?: string;
  /** Largest single write; status queries go between writes (default 2048 bytes). */
  writeChunkBytes?: number;
  /** Text the profile cannot print: refuse the receipt (default) or print '?'. */
  unencodable?: UnencodablePolicy;
}

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

export interface PrinterStats {
  jobsDone: number;
  reprints: number;
  statusTimeouts: number;
  /** Bytes from the printer that were no status message. */
  noiseBytes: number;
  /** GS r replies that belonged to no waiting job (stale, after an interruption). */
  strayFenceReplies: number;
}

export interface EscPosPrinterEvents {
  /** Only on change of state or of any reported condition. */
  status: [status: PrinterStatus];
  job: [event: JobEvent];
}

interface QueuedJob {
  id: number;
  kind: JobKind;
  receipt: Receipt | undefined;
  segments: Uint8Array[];
  /** The same job under the reprint banner, laid out up front so a reprint cannot fail or differ. */
  reprintSegments: Uint8Array[];
  pulse: DrawerPulse | undefined;
  attempts: number;
  /** Bytes of the receipt went out: a further attempt is a reprint. */
  touchedPaper: boolean;
  unconfirmed: number;
  resolve(result: JobResult): void;
  reject(error: Error): void;
}

const REPRINT_BANNER_CHINESE = '*** REPRINT 重印 ***';
const REPRINT_BANNER = '*** REPRINT ***';
/** Completion fences that may go unanswered, the printer otherwise healthy, before a job is taken as done. */
const MAX_UNCONFIRMED_ATTEMPTS = 2;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * An ESC/POS receipt printer on a ByteLink, with a queue that does not lose receipts.
 *
 * Before each job it reads the printer's status (DLE EOT 1, 2, 4, and 3 when an error is
 * flagged; each query times out with PrinterError('status_timeout')). A fault pauses the queue
 * until the printer reports healthy again. During a job it watches ASB pushes (or polls), and ends
 * the job with a GS r 1 fence whose reply says the job left the buffer. A job cut short by a fault
 * or an unplug stays at the head of the queue and is printed again WHOLE, under a reprint banner.
 */
export class EscPosPrinter extends EventEmitter<EscPosPrinterEvents> {
  readonly profile: PrinterProfile;
  private readonly options: Required<Omit<EscPosPrinterOptions, 'profile' | 'reprintBanner' | 'unencodable'>> & {
    reprintBanner: string;
    unencodable: UnencodablePolicy;
  };
  private readonly channel: StatusChannel;
  private readonly wake = new Wakeup();
  private readonly queue: QueuedJob[] = [];
  private nextId = 1;
  private stopped = true;
  private loopDone: Promise<void> = Promise.resolve();
  private writeChain: Promise<unknown> = Promise.resolve();
  private readonly pendingWrites = new Set<(reason: string) => void>();

  private conditions: PrinterConditions | undefined;
  private unresponsive = false;
  private asbConfirmed = false;
  private asbRequested = false;
  private paused = false;
  private active: { interrupted: string | undefined } | undefined;
  private fenceWaiter: (() => void) | undefined;
  private unansweredFences = 0;
  private lastEmitted: { state: PrinterState; conditions: PrinterConditions | undefined } | undefined;
  private readonly counters: PrinterStats = { jobsDone: 0, reprints: 0, statusTimeouts: 0, noiseBytes: 0, strayFenceReplies: 0 };

  /** Makes the link the URI names (not started): `serial:/dev/serial/by-id/...?baud=19200`, `sim:printer`. */
  static async open(uri: string, env: LinkEnvironment, options: EscPosPrinterOptions): Promise<EscPosPrinter> {
    const link = await openLink(uri, env, options.profile.defaultBaudRate);
    return new EscPosPrinter(link, options);
  }

  constructor(
    readonly link: ByteLink,
    options: EscPosPrinterOptions,
  ) {
    super();
    this.profile = options.profile;
    this.options = {
      statusTimeoutMs: options.statusTimeoutMs ?? 1000,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      idlePollMs: options.idlePollMs ?? 3000,
      jobTimeoutMs: options.jobTimeoutMs ?? 30_000,
      settleMs: options.settleMs ?? 200,
      retryDelayMs: options.retryDelayMs ?? 1000,
      writeChunkBytes: options.writeChunkBytes ?? 2048,
      reprintBanner: options.reprintBanner ?? (this.profile.text.kind === 'gb18030' ? REPRINT_BANNER_CHINESE : REPRINT_BANNER),
      unencodable: options.unencodable ?? 'error',
    };
    // A banner the printer cannot print fails here, not in the middle of a recovery.
    renderReceipt({ blocks: [] }, this.profile, { banner: this.options.reprintBanner });
    this.channel = new StatusChannel(
      (bytes, onStart) => this.writeSerial(bytes, onStart),
      { timeoutMs: this.options.statusTimeoutMs, settleMs: this.options.settleMs },
      {
        asb: (status) => {
          this.asbConfirmed = true;
          this.updateConditions(conditionsFromAsb(status));
        },
        transmit: () => {
          if (this.fenceWaiter) this.fenceWaiter();
          else this.counters.strayFenceReplies++;
        },
        noise: (bytes) => {
          this.counters.noiseBytes += bytes;
        },
        writeStalled: () => this.abandonWrites('status query write made no progress'),
      },
    );
    link.on('data', (chunk) => this.channel.onData(chunk));
    link.on('state', this.onLinkState);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.link.start();
    this.loopDone = this.loop();
    this.emitStatus();
  }

  /** Stops the printer and its link. Jobs not yet on paper are handed back (and their promises rejected). */
  async stop(): Promise<UnfinishedJob[]> {
    if (this.stopped) return [];
    this.stopped = true;
    this.wake.wake();
    await this.link.stop();
    this.abandonWrites('printer stopped');
    await this.loopDone;
    const unfinished = this.queue.splice(0);
    for (const job of unfinished) job.reject(new PrinterError('stopped', `printer stopped before job ${job.id} completed`));
    this.emitStatus();
    return unfinished.map((j) => ({ id: j.id, kind: j.kind, receipt: j.receipt, pulse: j.pulse, attempts: j.attempts }));
  }

  /**
   * Queues a receipt. It is laid out now: a receipt the profile cannot print throws EscPosError
   * and nothing is queued.
   */
  print(receipt: Receipt): PrintJob {
    const unencodable = this.options.unencodable;
    const segments = renderReceipt(receipt, this.profile, { unencodable }).segments;
    const reprint = renderReceipt(receipt, this.profile, { unencodable, banner: this.options.reprintBanner }).segments;
    return this.enqueue('receipt', structuredClone(receipt), segments, reprint, undefined);
  }

  /** Queues a pulse on the drawer kick-out connector: a job that prints nothing. Default pin 2, 100 ms on, 200 ms off. */
  kickDrawer(pulse: Partial<DrawerPulse> = {}): PrintJob {
    if (!this.profile.drawer) throw new PrinterError('unsupported', `${this.profile.id} has no drawer kick-out connector`);
    const full: DrawerPulse = { pin: pulse.pin ?? 2, onMs: pulse.onMs ?? 100, offMs: pulse.offMs ?? 200 };
    const bytes = drawerPulse(full);
    return this.enqueue('drawer', undefined, [bytes], [bytes], full);
  }

  status(): PrinterStatus {
    return {
      state: this.state(),
      conditions: this.conditions ? { ...this.conditions } : undefined,
      link: this.link.state,
      paused: this.paused,
      queued: this.queue.length,
      asb: this.asbConfirmed,
    };
  }

  stats(): PrinterStats {
    return { ...this.counters };
  }

  /** Reads the printer's status now (DLE EOT). Throws PrinterError('status_timeout') if it does not answer. */
  async queryStatus(): Promise<PrinterConditions> {
    if (this.stopped) throw new PrinterError('stopped', 'printer is stopped');
    if (this.link.state !== 'open') throw new PrinterError('disconnected', `printer link is ${this.link.state}`);
    return this.readStatus();
  }

  // ---- queue ----

  private enqueue(
    kind: JobKind,
    receipt: Receipt | undefined,
    segments: Uint8Array[],
    reprintSegments: Uint8Array[],
    pulse: DrawerPulse | undefined,
  ): PrintJob {
    const id = this.nextId++;
    let resolve!: (r: JobResult) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<JobResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(() => undefined); // the caller may not await a job it does not care about
    this.queue.push({
      id,
      kind,
      receipt,
      segments,
      reprintSegments,
      pulse,
      attempts: 0,
      touchedPaper: false,
      unconfirmed: 0,
      resolve,
      reject,
    });
    this.emit('job', { id, kind, phase: 'queued', attempt: 0, reprint: false });
    this.wake.wake();
    return { id, kind, done };
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.link.state !== 'open') {
        await this.wake.wait();
        continue;
      }
      const job = this.queue[0];
      if (!job) {
        await this.idle();
        continue;
      }
      const conditions = await this.probe();
      if (this.stopped) break;
      if (!conditions) {
        await this.wake.wait(this.options.retryDelayMs);
        continue;
      }
      if (isBlocking(conditions)) {
        this.paused = true;
        await this.wake.wait(this.options.pollIntervalMs);
        continue;
      }
      this.paused = false;
      if (this.unansweredFences > 0 && !(await this.drainStrayFences())) continue;
      await this.runJob(job);
    }
  }

  /**
   * No job: keep the status fresh and enable ASB once per connection. The idle poll runs even with
   * ASB, slowly: a printer power-cycled behind a USB adapter that stays connected forgets GS a.
   */
  private async idle(): Promise<void> {
    const mustRead = this.conditions === undefined || this.unresponsive || this.options.idlePollMs > 0;
    if (mustRead) {
      const conditions = await this.probe();
      if (this.stopped) return;
      if (!conditions) {
        await this.wake.wait(this.options.retryDelayMs);
        return;
      }
      this.paused = false;
      if (this.profile.asb && !this.asbRequested && !isBlocking(conditions)) {
        this.asbRequested = true;
        this.writeSerial(automaticStatusBack(ALL_ASB_ITEMS)).catch(() => undefined);
      }
    }
    if (this.queue.length > 0 || this.stopped) return;
    await this.wake.wait(this.options.idlePollMs > 0 ? this.options.idlePollMs : undefined);
  }

  private async runJob(job: QueuedJob): Promise<void> {
    job.attempts++;
    const reprint = job.touchedPaper && job.kind === 'receipt';
    const body = reprint ? job.reprintSegments : job.segments;
    const asb = this.profile.asb ? [automaticStatusBack(ALL_ASB_ITEMS)] : [];
    // The receipt's first segment is ESC @ and the character mode; ASB is (re)enabled after it.
    const parts = job.kind === 'receipt' ? [body[0]!, ...asb, ...body.slice(1)] : [...asb, ...body];
    const active = { interrupted: undefined as string | undefined };
    this.active = active;
    if (reprint) this.counters.reprints++;
    this.emit('job', { id: job.id, kind: job.kind, phase: 'printing', attempt: job.attempts, reprint });

    const fence = this.profile.completion === 'paper-status';
    let fenceArrived = false;
    let fenceWritten = false;
    if (fence) {
      this.fenceWaiter = () => {
        fenceArrived = true;
        this.unansweredFences--;
        this.fenceWaiter = undefined;
        this.wake.wake();
      };
    }
    try {
      for (const bytes of this.coalesce(parts)) {
        if (active.interrupted !== undefined || this.link.state !== 'open' || this.stopped) break;
        if (job.kind === 'receipt') job.touchedPaper = true;
        await this.writeWithin(bytes, this.options.jobTimeoutMs);
      }
      if (fence && active.interrupted === undefined && this.link.state === 'open' && !this.stopped) {
        this.unansweredFences++;
        fenceWritten = true;
        await this.writeWithin(transmitPaperStatus(), this.options.jobTimeoutMs);
      }
    } catch (err) {
      active.interrupted ??= this.link.state === 'open' ? `write_failed: ${(err as Error).message}` : 'disconnected';
    }

    if (fence) await this.watchJob(active, () => fenceArrived, fenceWritten);
    else if (active.interrupted === undefined) await this.confirmWithoutFence(active);
    this.fenceWaiter = undefined;
    this.active = undefined;
    if (this.stopped) return;

    if (fenceArrived || (!fence && active.interrupted === undefined)) {
      await this.probe(); // watch after the job too: paper near end, a fault right at the end
      this.complete(job, fence);
      return;
    }
    const reason = active.interrupted ?? 'no_completion';
    if (reason === 'no_completion' && this.conditions && !isBlocking(this.conditions)) {
      // The printer looks healthy but never answered the fence: after a retry, stop reprinting.
      job.unconfirmed++;
      if (job.unconfirmed >= MAX_UNCONFIRMED_ATTEMPTS) {
        this.complete(job, false);
        return;
      }
    }
    this.emit('job', { id: job.id, kind: job.kind, phase: 'interrupted', attempt: job.attempts, reprint, reason });
  }

  private complete(job: QueuedJob, confirmed: boolean): void {
    this.queue.shift();
    this.counters.jobsDone++;
    const reprinted = job.kind === 'receipt' && job.attempts > 1 && job.touchedPaper;
    this.emit('job', { id: job.id, kind: job.kind, phase: 'done', attempt: job.attempts, reprint: reprinted });
    job.resolve({ id: job.id, kind: job.kind, attempts: job.attempts, reprinted, confirmed });
  }

  /** Waits for the fence reply, a fault, an unplug or the job timeout; polls status when there is no ASB. */
  private async watchJob(active: { interrupted: string | undefined }, arrived: () => boolean, fenceWritten: boolean): Promise<void> {
    if (!fenceWritten) return;
    const deadline = performance.now() + this.options.jobTimeoutMs;
    let nextPoll = performance.now() + this.options.pollIntervalMs;
    while (!arrived() && active.interrupted === undefined && !this.stopped) {
      if (this.link.state !== 'open') {
        active.interrupted = 'disconnected';
        break;
      }
      const now = performance.now();
      if (now >= deadline) {
        active.interrupted = 'no_completion';
        break;
      }
      if (!this.asbConfirmed && now >= nextPoll) {
        await this.probe();
        nextPoll = performance.now() + this.options.pollIntervalMs;
        continue;
      }
      await this.wake.wait(Math.min(deadline, this.asbConfirmed ? deadline : nextPoll) - now);
    }
  }

  /** Printers without GS r: the job is done when it is written and the printer then reports healthy. */
  private async confirmWithoutFence(active: { interrupted: string | undefined }): Promise<void> {
    await delay(this.options.settleMs);
    const conditions = await this.probe();
    if (active.interrupted !== undefined) return;
    if (!conditions) active.interrupted = this.link.state === 'open' ? 'unresponsive' : 'disconnected';
    else if (isBlocking(conditions)) active.interrupted = stateOf('open', false, false, conditions);
  }

  /**
   * After an interruption, fences of abandoned jobs may still be answered (a printer that kept
   * its buffer) or never (one that lost it). Send one more and wait for quiet, so the next job's
   * reply cannot be confused with a stale one. If not even the new fence is answered within
   * jobTimeoutMs, nothing is pending any more either: the slate is clean all the same.
   * False only when the link went down or the printer stopped.
   */
  private async drainStrayFences(): Promise<boolean> {
    let replies = 0;
    this.fenceWaiter = () => {
      replies++;
      this.wake.wake();
    };
    try {
      await this.writeSerial(transmitPaperStatus());
    } catch {
      this.fenceWaiter = undefined;
      return false;
    }
    const deadline = performance.now() + this.options.jobTimeoutMs;
    while (replies === 0) {
      if (this.link.state !== 'open' || this.stopped) {
        this.fenceWaiter = undefined;
        return false;
      }
      const left = deadline - performance.now();
      if (left <= 0) break;
      await this.wake.wait(left);
    }
    let seen = -1;
    while (seen !== replies) {
      seen = replies;
      await delay(this.options.settleMs);
    }
    this.fenceWaiter = undefined;
    this.unansweredFences = 0;
    return true;
  }

  /** Joins whole segments into writes of at most writeChunkBytes (a bigger segment goes alone). */
  private coalesce(parts: readonly Uint8Array[]): Uint8Array[] {
    const writes: Uint8Array[] = [];
    let batch: Uint8Array[] = [];
    let size = 0;
    const flush = (): void => {
      if (batch.length === 0) return;
      if (batch.length === 1) writes.push(batch[0]!);
      else {
        const joined = new Uint8Array(size);
        let at = 0;
        for (const b of batch) {
          joined.set(b, at);
          at += b.length;
        }
        writes.push(joined);
      }
      batch = [];
      size = 0;
    };
    for (const part of parts) {
      if (size + part.length > this.options.writeChunkBytes) flush();
      batch.push(part);
      size += part.length;
    }
    flush();
    return writes;
  }

  // ---- status ----

  /** DLE EOT 1, 2, 4 (and 3 when an error is flagged); undefined when the printer did not answer. */
  private async probe(): Promise<PrinterConditions | undefined> {
    try {
      return await this.readStatus();
    } catch (err) {
      if (err instanceof PrinterError) return undefined;
      throw err;
    }
  }

  private async readStatus(): Promise<PrinterConditions> {
    try {
      const [b1, b2, b4] = await this.channel.read([1, 2, 4]);
      const printer = decodeRealTimeStatus(1, b1!);
      const offline = decodeRealTimeStatus(2, b2!);
      const paper = decodeRealTimeStatus(4, b4!);
      if (printer.request !== 1 || offline.request !== 2 || paper.request !== 4) throw new Error('unreachable');
      let errorCause: ErrorCauseByte | undefined;
      if (offline.offlineCause.errorOccurred) {
        const [b3] = await this.channel.read([3]);
        const cause = decodeRealTimeStatus(3, b3!);
        if (cause.request === 3) errorCause = cause.errorCause;
      }
      const conditions = conditionsFromRealTime(printer.printer, offline.offlineCause, paper.paper, errorCause);
      this.updateConditions(conditions);
      return conditions;
    } catch (err) {
      if (err instanceof PrinterError && err.code === 'status_timeout') {
        this.counters.statusTimeouts++;
        this.unresponsive = true;
        this.emitStatus();
      }
      throw err;
    }
  }

  private updateConditions(conditions: PrinterConditions): void {
    this.conditions = conditions;
    this.unresponsive = false;
    if (this.active && isBlocking(conditions)) this.active.interrupted ??= stateOf('open', false, false, conditions);
    this.emitStatus();
    this.wake.wake();
  }

  private readonly onLinkState = (state: LinkState): void => {
    if (state !== 'open') {
      this.abandonWrites(`link ${state}`);
      this.channel.disconnected();
      this.conditions = undefined;
      this.asbConfirmed = false;
      this.asbRequested = false;
      this.unresponsive = false;
      if (this.active) this.active.interrupted ??= 'disconnected';
    }
    this.emitStatus();
    this.wake.wake();
  };

  private state(): PrinterState {
    return stateOf(this.link.state, this.stopped, this.unresponsive, this.conditions);
  }

  private emitStatus(): void {
    const state = this.state();
    const last = this.lastEmitted;
    if (last && last.state === state && sameConditions(last.conditions, this.conditions)) return;
    this.lastEmitted = { state, conditions: this.conditions ? { ...this.conditions } : undefined };
    this.emit('status', this.status());
  }

  /**
   * One write at a time, in order, so a status query never lands inside a command. A write the
   * link leaves hanging (serialport does not always call back when the port closes under a pending
   * write) is abandoned when the link goes down or the printer stops, so the queue cannot wedge.
   */
  private writeSerial(bytes: Uint8Array, onStart?: () => void): Promise<void> {
    const write = this.writeChain.then(
      () =>
        new Promise<void>((resolve, reject) => {
          onStart?.();
          const abandon = (reason: string): void => {
            this.pendingWrites.delete(abandon);
            reject(new PrinterError('disconnected', `write abandoned: ${reason}`));
          };
          this.pendingWrites.add(abandon);
          this.link.write(bytes).then(
            () => {
              this.pendingWrites.delete(abandon);
              resolve();
            },
            (err: unknown) => {
              this.pendingWrites.delete(abandon);
              reject(err);
            },
          );
        }),
    );
    this.writeChain = write.catch(() => undefined);
    return write;
  }

  /** A job write that makes no progress (flow control held, a wedged port) is abandoned, not waited on forever. */
  private async writeWithin(bytes: Uint8Array, ms: number): Promise<void> {
    const write = this.writeSerial(bytes);
    const timer = setTimeout(() => this.abandonWrites(`no progress in ${ms} ms`), ms);
    try {
      await write;
    } finally {
      clearTimeout(timer);
    }
  }

  private abandonWrites(reason: string): void {
    for (const abandon of [...this.pendingWrites]) abandon(reason);
  }
}
