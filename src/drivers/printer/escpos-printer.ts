import { EventEmitter } from 'node:events';
import { HealthTracker, waitUntilUsable, type Device, type DeviceHealth, type HealthEvents } from '../device.js';
import { ALL_ASB_ITEMS, automaticStatusBack, drawerPulse, type DrawerPulse } from '../escpos/commands.js';
import { renderReceipt } from '../escpos/layout.js';
import type { PrinterProfile } from '../escpos/profiles.js';
import type { Receipt } from '../escpos/receipt.js';
import type { PrinterConditions } from '../escpos/status.js';
import type { UnencodablePolicy } from '../escpos/text-encoding.js';
import type { ByteLink, LinkState } from '../transport/link.js';
import { openLink, type LinkEnvironment } from '../transport/open-link.js';
import { baudRateOf } from '../transport/uri.js';
import { AbandonableWriter } from './abandonable-writer.js';
import { coalesce } from './coalesce.js';
import { CompletionFence, type ActiveJob } from './completion-fence.js';
import { PrinterError } from './errors.js';
import { JobQueue, type JobEvent, type PrintJob, type QueuedJob, type UnfinishedJob } from './job-queue.js';
import { conditionOf, isBlocking, printerHealth, type PrinterCondition, type PrinterDetail } from './printer-health.js';
import { StatusProbe } from './status-probe.js';
import { Wakeup } from './wakeup.js';

export type { JobEvent, JobKind, JobResult, PrintJob, UnfinishedJob } from './job-queue.js';

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

export interface PrinterStats {
  jobsDone: number;
  reprints: number;
  statusTimeouts: number;
  /** Bytes from the printer that were no status message. */
  noiseBytes: number;
  /** GS r replies that belonged to no waiting job (stale, after an interruption). */
  strayFenceReplies: number;
}

export interface EscPosPrinterEvents extends HealthEvents<PrinterDetail> {
  job: [event: JobEvent];
}

const REPRINT_BANNER_CHINESE = '*** REPRINT 重印 ***';
const REPRINT_BANNER = '*** REPRINT ***';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * An ESC/POS receipt printer on a ByteLink, with a queue that does not lose receipts.
 *
 * Before each job it reads the printer's status (StatusProbe: DLE EOT 1, 2, 4, and 3 when an
 * error is flagged; each query times out with PrinterError('status_timeout')). A fault pauses the
 * queue until the printer reports healthy again. During a job it watches ASB pushes (or polls),
 * and ends the job with a GS r 1 fence (CompletionFence) whose reply says the job left the buffer.
 * A job cut short by a fault or an unplug stays at the head of the queue (JobQueue) and is printed
 * again WHOLE, under a reprint banner. Writes go one at a time and can be abandoned
 * (AbandonableWriter), in whole segments joined up to writeChunkBytes (coalesce).
 *
 * Health: ready when the printer answers and prints; degraded at paper near end or when promised
 * ASB never came; failed for a fault a person must clear (cover, paper, error, offline);
 * connecting while the link is down or the printer answers nothing, with the reason.
 */
export class EscPosPrinter extends EventEmitter<EscPosPrinterEvents> implements Device<PrinterDetail> {
  readonly kind = 'printer' as const;
  readonly profile: PrinterProfile;
  private readonly options: Required<Omit<EscPosPrinterOptions, 'profile' | 'reprintBanner' | 'unencodable'>> & {
    reprintBanner: string;
    unencodable: UnencodablePolicy;
  };
  private readonly writer: AbandonableWriter;
  private readonly status: StatusProbe;
  private readonly fence: CompletionFence;
  private readonly queue: JobQueue;
  private readonly tracker: HealthTracker<PrinterDetail>;
  private readonly wake = new Wakeup();
  private stopped = true;
  private loopDone: Promise<void> = Promise.resolve();
  private paused = false;
  private active: ActiveJob | undefined;

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
    this.writer = new AbandonableWriter(link);
    this.status = new StatusProbe(
      this.writer,
      { timeoutMs: this.options.statusTimeoutMs, settleMs: this.options.settleMs },
      {
        conditions: (conditions) => this.onConditions(conditions),
        fenceReply: () => this.fence.onReply(),
        unanswered: () => this.updateHealth(),
      },
    );
    this.fence = new CompletionFence({
      writer: this.writer,
      probe: this.status,
      wake: this.wake,
      linkOpen: () => this.link.state === 'open',
      stopped: () => this.stopped,
      timing: { settleMs: this.options.settleMs, jobTimeoutMs: this.options.jobTimeoutMs, pollIntervalMs: this.options.pollIntervalMs },
    });
    this.queue = new JobQueue((event) => this.emit('job', event));
    this.tracker = new HealthTracker((health) => this.emit('health', health), this.detail());
    link.on('data', (chunk) => this.status.onData(chunk));
    link.on('state', this.onLinkState);
    link.on('failure', () => this.updateHealth());
  }

  get uri(): string {
    return this.link.uri;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.link.start();
    this.loopDone = this.loop();
    this.updateHealth();
  }

  /** Stops the printer and its link. Jobs not yet on paper are handed back (and their promises rejected). */
  async stop(): Promise<UnfinishedJob[]> {
    if (this.stopped) return [];
    this.stopped = true;
    this.wake.wake();
    await this.link.stop();
    this.writer.abandonAll('printer stopped');
    await this.loopDone;
    const unfinished = this.queue.takeAll();
    this.updateHealth();
    return unfinished;
  }

  health(): DeviceHealth<PrinterDetail> {
    return this.tracker.get();
  }

  /** Resolves once the printer answers and can print (ready or degraded); rejects with DeviceError('not_ready') and the reason after timeoutMs. */
  waitReady(timeoutMs: number): Promise<void> {
    return waitUntilUsable(this, timeoutMs);
  }

  /**
   * Queues a receipt. It is laid out now: a receipt the profile cannot print throws EscPosError
   * and nothing is queued.
   */
  print(receipt: Receipt): PrintJob {
    const unencodable = this.options.unencodable;
    const segments = renderReceipt(receipt, this.profile, { unencodable }).segments;
    const reprint = renderReceipt(receipt, this.profile, { unencodable, banner: this.options.reprintBanner }).segments;
    return this.enqueue(() => this.queue.add('receipt', structuredClone(receipt), segments, reprint, undefined));
  }

  /** Queues a pulse on the drawer kick-out connector: a job that prints nothing. Default pin 2, 100 ms on, 200 ms off. */
  kickDrawer(pulse: Partial<DrawerPulse> = {}): PrintJob {
    if (!this.profile.drawer) throw new PrinterError('unsupported', `${this.profile.id} has no drawer kick-out connector`);
    const full: DrawerPulse = { pin: pulse.pin ?? 2, onMs: pulse.onMs ?? 100, offMs: pulse.offMs ?? 200 };
    const bytes = drawerPulse(full);
    return this.enqueue(() => this.queue.add('drawer', undefined, [bytes], [bytes], full));
  }

  stats(): PrinterStats {
    return {
      ...this.queue.counters,
      ...this.status.counters,
      strayFenceReplies: this.fence.strayReplies,
    };
  }

  /** Reads the printer's status now (DLE EOT). Throws PrinterError('status_timeout') if it does not answer. */
  async queryStatus(): Promise<PrinterConditions> {
    if (this.stopped) throw new PrinterError('stopped', 'printer is stopped');
    if (this.link.state !== 'open') throw new PrinterError('disconnected', `printer link is ${this.link.state}`);
    return this.status.read();
  }

  // ---- the loop ----

  private enqueue(add: () => PrintJob): PrintJob {
    const job = add();
    this.updateHealth();
    this.wake.wake();
    return job;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.link.state !== 'open') {
        await this.wake.wait();
        continue;
      }
      const job = this.queue.head;
      if (!job) {
        await this.idle();
        continue;
      }
      const conditions = await this.status.probe();
      if (this.stopped) break;
      if (!conditions) {
        await this.wake.wait(this.options.retryDelayMs);
        continue;
      }
      if (isBlocking(conditions)) {
        this.setPaused(true);
        await this.wake.wait(this.options.pollIntervalMs);
        continue;
      }
      this.setPaused(false);
      if (this.fence.owed && !(await this.fence.drainStray())) continue;
      await this.runJob(job);
    }
  }

  /**
   * No job: keep the status fresh and enable ASB once per connection. The idle poll runs even with
   * ASB, slowly: a printer power-cycled behind a USB adapter that stays connected forgets GS a.
   */
  private async idle(): Promise<void> {
    const mustRead = this.status.conditions === undefined || this.status.unresponsive || this.options.idlePollMs > 0;
    if (mustRead) {
      const conditions = await this.status.probe();
      if (this.stopped) return;
      if (!conditions) {
        await this.wake.wait(this.options.retryDelayMs);
        return;
      }
      this.setPaused(false);
      if (this.profile.asb && !isBlocking(conditions)) this.status.requestAsb();
    }
    if (this.queue.length > 0 || this.stopped) return;
    await this.wake.wait(this.options.idlePollMs > 0 ? this.options.idlePollMs : undefined);
  }

  private async runJob(job: QueuedJob): Promise<void> {
    const asb = this.profile.asb ? [automaticStatusBack(ALL_ASB_ITEMS)] : [];
    const { parts, reprint } = this.queue.attempt(job, asb);
    const active: ActiveJob = { interrupted: undefined };
    this.active = active;

    const fenced = this.profile.completion === 'paper-status';
    const ticket = fenced ? this.fence.arm() : undefined;
    try {
      for (const bytes of coalesce(parts, this.options.writeChunkBytes)) {
        if (active.interrupted !== undefined || this.link.state !== 'open' || this.stopped) break;
        this.queue.writing(job);
        await this.writer.writeWithin(bytes, this.options.jobTimeoutMs);
      }
      if (ticket && active.interrupted === undefined && this.link.state === 'open' && !this.stopped) await this.fence.send(ticket);
    } catch (err) {
      active.interrupted ??= this.link.state === 'open' ? `write_failed: ${(err as Error).message}` : 'disconnected';
    }

    if (ticket) await this.fence.watch(ticket, active);
    else if (active.interrupted === undefined) await this.confirmWithoutFence(active);
    this.fence.disarm();
    this.active = undefined;
    if (this.stopped) return;

    if (ticket?.arrived || (!ticket && active.interrupted === undefined)) {
      await this.status.probe(); // watch after the job too: paper near end, a fault right at the end
      this.queue.complete(job, fenced);
      this.updateHealth();
      return;
    }
    const reason = active.interrupted ?? 'no_completion';
    const healthy = this.status.conditions !== undefined && !isBlocking(this.status.conditions);
    this.queue.interrupted(job, reprint, reason, healthy);
    this.updateHealth();
  }

  /** Printers without GS r: the job is done when it is written and the printer then reports healthy. */
  private async confirmWithoutFence(active: ActiveJob): Promise<void> {
    await delay(this.options.settleMs);
    const conditions = await this.status.probe();
    if (active.interrupted !== undefined) return;
    if (!conditions) active.interrupted = this.link.state === 'open' ? 'unresponsive' : 'disconnected';
    else if (isBlocking(conditions)) active.interrupted = conditionOf('open', false, false, conditions);
  }

  // ---- status and health ----

  private onConditions(conditions: PrinterConditions): void {
    if (this.active && isBlocking(conditions)) this.active.interrupted ??= conditionOf('open', false, false, conditions);
    this.updateHealth();
    this.wake.wake();
  }

  private readonly onLinkState = (state: LinkState): void => {
    if (state !== 'open') {
      this.writer.abandonAll(`link ${state}`);
      this.status.reset();
      if (this.active) this.active.interrupted ??= 'disconnected';
    }
    this.updateHealth();
    this.wake.wake();
  };

  private setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.updateHealth();
  }

  private condition(): PrinterCondition {
    return conditionOf(this.link.state, this.stopped, this.status.unresponsive, this.status.conditions);
  }

  private updateHealth(): void {
    const condition = this.condition();
    const { state, reason } = printerHealth({
      condition,
      conditions: this.status.conditions,
      uri: this.link.uri,
      linkFailure: this.link.failure?.reason,
      baudRate: baudRateOf(this.link.uri, this.profile.defaultBaudRate),
      asbUnconfirmed: this.profile.asb && this.status.asbUnconfirmed,
      profileId: this.profile.id,
    });
    this.tracker.set(state, reason, this.detail(condition));
  }

  private detail(condition: PrinterCondition = this.condition()): PrinterDetail {
    return {
      condition,
      conditions: this.status.conditions ? { ...this.status.conditions } : null,
      link: this.link.state,
      paused: this.paused,
      queued: this.queue.length,
      asb: this.status.asbConfirmed,
      profile: this.profile.id,
    };
  }
}
