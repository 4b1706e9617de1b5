import { ALL_ASB_ITEMS, automaticStatusBack } from '../escpos/commands.js';
import { conditionsFromAsb, conditionsFromRealTime, decodeRealTimeStatus, type ErrorCauseByte, type PrinterConditions } from '../escpos/status.js';
import type { AbandonableWriter } from './abandonable-writer.js';
import { PrinterError } from './errors.js';
import { StatusChannel } from './status-channel.js';

export interface StatusProbeListener {
  /** The printer reported its conditions: a DLE EOT answer or an ASB push. */
  conditions(conditions: PrinterConditions): void;
  /** A GS r reply (a completion fence). */
  fenceReply(): void;
  /** The printer stopped answering status queries. */
  unanswered(): void;
}

/** Reads needed, after asking for ASB, before a printer that sent none counts as not doing it. */
const READS_BEFORE_ASB_DOUBT = 2;

/**
 * What the printer says about itself: DLE EOT 1, 2, 4 (and 3 when an error is flagged) on demand,
 * and Automatic Status Back pushes, asked for once per connection. Keeps the last conditions,
 * whether the printer answers at all, and whether it pushes ASB.
 */
export class StatusProbe {
  private current: PrinterConditions | undefined;
  private noAnswer = false;
  private asbSeen = false;
  private asbAsked = false;
  private readsSinceAsbAsked = 0;
  private readonly channel: StatusChannel;
  readonly counters = { statusTimeouts: 0, noiseBytes: 0 };

  constructor(
    private readonly writer: AbandonableWriter,
    timing: { timeoutMs: number; settleMs: number },
    private readonly listener: StatusProbeListener,
  ) {
    this.channel = new StatusChannel((bytes, onStart) => writer.write(bytes, onStart), timing, {
      asb: (status) => {
        this.asbSeen = true;
        this.record(conditionsFromAsb(status));
      },
      transmit: () => listener.fenceReply(),
      noise: (bytes) => {
        this.counters.noiseBytes += bytes;
      },
      writeStalled: () => writer.abandonAll('status query write made no progress'),
    });
  }

  /** The last conditions the printer reported on this connection. */
  get conditions(): PrinterConditions | undefined {
    return this.current;
  }

  /** The last status query went unanswered (and nothing was heard since). */
  get unresponsive(): boolean {
    return this.noAnswer;
  }

  /** The printer pushed Automatic Status Back on this connection. */
  get asbConfirmed(): boolean {
    return this.asbSeen;
  }

  get asbRequested(): boolean {
    return this.asbAsked;
  }

  /** ASB was asked for, status reads went on answering, and not one ASB push came. */
  get asbUnconfirmed(): boolean {
    return this.asbAsked && !this.asbSeen && this.readsSinceAsbAsked >= READS_BEFORE_ASB_DOUBT;
  }

  onData(chunk: Uint8Array): void {
    this.channel.onData(chunk);
  }

  /** The link went down: pending queries fail, and nothing the printer said holds any more. */
  reset(): void {
    this.channel.disconnected();
    this.current = undefined;
    this.asbSeen = false;
    this.asbAsked = false;
    this.readsSinceAsbAsked = 0;
    this.noAnswer = false;
  }

  /** Asks for Automatic Status Back (GS a, every item), once per connection. */
  requestAsb(): void {
    if (this.asbAsked) return;
    this.asbAsked = true;
    this.readsSinceAsbAsked = 0;
    this.writer.write(automaticStatusBack(ALL_ASB_ITEMS)).catch(() => undefined);
  }

  /** DLE EOT 1, 2, 4 (and 3 when an error is flagged); undefined when the printer did not answer. */
  async probe(): Promise<PrinterConditions | undefined> {
    try {
      return await this.read();
    } catch (err) {
      if (err instanceof PrinterError) return undefined;
      throw err;
    }
  }

  /** As probe(), but a query nobody answers throws PrinterError('status_timeout'). */
  async read(): Promise<PrinterConditions> {
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
      if (this.asbAsked) this.readsSinceAsbAsked++;
      this.record(conditions);
      return conditions;
    } catch (err) {
      if (err instanceof PrinterError && err.code === 'status_timeout') {
        this.counters.statusTimeouts++;
        this.noAnswer = true;
        this.listener.unanswered();
      }
      throw err;
    }
  }

  private record(conditions: PrinterConditions): void {
    this.current = conditions;
    this.noAnswer = false;
    this.listener.conditions(conditions);
  }
}
