import type { DeviceEndpoint, HostSink } from '../../src/drivers/transport/device-endpoint.js';
import { BehaviourStack, type RemoveBehaviour } from '../behaviours/behaviour-stack.js';
import type { ScannerBehaviour } from './behaviour.js';
import { posReports, pressReport, RELEASE_REPORT } from './reports.js';
import { keystrokeFor, USAGE_ENTER, USAGE_KEYPAD_ENTER, USAGE_TAB, type Keystroke } from './us-keyboard.js';

/** How the twin is wired: a HID keyboard wedge, a HID POS scanner, or a serial / USB-CDC scanner. */
export type ScannerTwinMode = 'wedge' | 'pos' | 'serial';
export type WedgeSuffix = 'enter' | 'tab' | 'keypad-enter' | 'none';
export type SerialSuffix = 'cr' | 'crlf' | 'lf' | 'none';

/** Milliseconds from one key press to the next, drawn uniformly from the range for every key. */
export type KeyTiming = 'scanner' | 'human' | { minMs: number; maxMs: number };

export const SCANNER_KEY_TIMING = { minMs: 1, maxMs: 19 } as const;
export const HUMAN_KEY_TIMING = { minMs: 90, maxMs: 220 } as const;

export interface TwinScanOptions {
  /** Wedge: enter (default), tab, keypad-enter or none. Serial: cr (default), crlf, lf or none. */
  suffix?: WedgeSuffix | SerialSuffix;
  /** Wedge: key timing, `scanner` (1-19 ms) by default. */
  keyTiming?: KeyTiming;
  /** Wedge: send a release report after every key (default). Without, a repeated character is a held key. */
  releaseBetweenKeys?: boolean;
  /** HID POS: the AIM symbology identifier, `]Q1` by default. */
  aim?: string;
  /** HID POS: milliseconds between the reports of a long scan (default 1; 0 sends them back to back). */
  reportGapMs?: number;
  /** Serial: milliseconds between bytes; 0 (default) sends the line as one chunk. */
  byteGapMs?: number;
  /** Called after each report or chunk is sent, with how many have been; tests pull the plug here. */
  onSent?: (sent: number) => void | Promise<void>;
}

export interface ScanReceipt {
  /** Reports (HID) or chunks (serial) sent. */
  sent: number;
  /** How many of them reached a host (none while unplugged or closed). */
  delivered: number;
  /** performance.now() just before the report or byte that completes the code was handed on. */
  completedAt: number;
}

export interface ScannerTwinOptions {
  /** Random numbers in [0, 1) for key timing; Math.random by default. */
  random?: () => number;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * The scanner's own clock for one scan: each report is due a set time after the previous one was
 * due, not after the previous one went out. A scanner does not wait for the host: when this
 * process's event loop stalls, the reports that fell due meanwhile go out back to back as soon as
 * it runs again, as they would reach a busy host from the OS's buffer.
 */
class DeviceClock {
  private due = performance.now();

  /** Waits until `ms` after the previous report was due; not at all when that time has passed. */
  after(ms: number): Promise<void> {
    this.due += ms;
    return sleep(this.due - performance.now());
  }
}

/**
 * A barcode / QR scanner, byte for byte, from the device's side. `scan()` types a code as its
 * mode would put it on the wire; `sendRaw()` injects anything (garbage reports, line noise).
 * Scans queue behind each other, as a scanner decodes one code at a time. What a scan puts on the
 * wire passes through behaviours a test may put in front (scannerFaults); sendRaw does not.
 */
export class ScannerTwin implements DeviceEndpoint {
  private sink: HostSink | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly random: () => number;
  /** What the host wrote to the device (keyboard LED reports, HID POS trigger reports, serial commands). */
  readonly hostWrites: Uint8Array[] = [];
  /** performance.now() before the report or byte that completed the last code; for latency measurements. */
  lastCompletedAt = 0;
  readonly behaviours = new BehaviourStack<ScannerBehaviour>();

  constructor(
    readonly mode: ScannerTwinMode,
    options: ScannerTwinOptions = {},
  ) {
    this.random = options.random ?? Math.random;
  }

  get connected(): boolean {
    return this.sink !== null;
  }

  receiveFromHost(bytes: Uint8Array): void {
    if (this.behaviours.first((b) => b.onHostBytes?.(this, bytes))) return;
    this.hostWrites.push(Uint8Array.from(bytes));
  }

  /** Puts behaviours in front of the others (first given, first asked); returns their remover. */
  behave(...behaviours: ScannerBehaviour[]): RemoveBehaviour {
    return this.behaviours.add(...behaviours);
  }

  attachHost(sink: HostSink | null): void {
    this.sink = sink;
  }

  /** Sends bytes as they are: one HID report, or a serial chunk. Returns whether a host got them. */
  sendRaw(bytes: Uint8Array): boolean {
    const sink = this.sink;
    if (!sink) return false;
    sink(bytes);
    return true;
  }

  /** A report or chunk of a scan, through the behaviours. Returns whether a host got it. */
  transmit(bytes: Uint8Array): boolean {
    const decided = this.behaviours.first((b) => {
      const answer = b.onToHost?.(this, bytes);
      return answer === undefined ? undefined : { bytes: answer };
    });
    const out = decided ? decided.bytes : bytes;
    return out === null ? false : this.sendRaw(out);
  }

  /** Scans `code`; resolves when its last report or byte has been sent. */
  scan(code: string, options: TwinScanOptions = {}): Promise<ScanReceipt> {
    const run = (): Promise<ScanReceipt> => {
      switch (this.mode) {
        case 'wedge':
          return this.typeWedge(code, options);
        case 'pos':
          return this.sendPos(code, options);
        case 'serial':
          return this.sendSerial(code, options);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The reports a wedge scan of `code` consists of, without timing (for golden vectors). */
  static wedgeReports(code: string, suffix: WedgeSuffix = 'enter', releaseBetweenKeys = true): Uint8Array[] {
    const reports: Uint8Array[] = [];
    for (const stroke of strokesOf(code, suffix)) {
      reports.push(pressReport(stroke));
      if (releaseBetweenKeys) reports.push(RELEASE_REPORT);
    }
    if (!releaseBetweenKeys) reports.push(RELEASE_REPORT);
    return reports;
  }

  private async typeWedge(code: string, options: TwinScanOptions): Promise<ScanReceipt> {
    const suffix = (options.suffix ?? 'enter') as WedgeSuffix;
    if (!['enter', 'tab', 'keypad-enter', 'none'].includes(suffix)) throw new RangeError(`wedge suffix ${suffix}`);
    const timing = resolveTiming(options.keyTiming ?? 'scanner');
    const release = options.releaseBetweenKeys ?? true;
    const strokes = strokesOf(code, suffix);
    const counter = new Counter(options.onSent);
    const clock = new DeviceClock();
    let completedAt = 0;
    for (let i = 0; i < strokes.length; i++) {
      const gap = timing.minMs + this.random() * (timing.maxMs - timing.minMs);
      const last = i === strokes.length - 1;
      const completes = last && suffix !== 'none';
      if (completes) completedAt = this.markCompleted();
      await counter.send(this, pressReport(strokes[i]!));
      if (release) {
        await clock.after(gap / 2);
        if (last && suffix === 'none') completedAt = this.markCompleted();
        await counter.send(this, RELEASE_REPORT);
        if (!last) await clock.after(gap - gap / 2);
      } else if (!last) {
        await clock.after(gap);
      }
    }
    if (!release) {
      await clock.after(timing.minMs);
      if (suffix === 'none') completedAt = this.markCompleted();
      await counter.send(this, RELEASE_REPORT);
    }
    return counter.receipt(completedAt);
  }

  private async sendPos(code: string, options: TwinScanOptions): Promise<ScanReceipt> {
    const reports = posReports(new Uint8Array(Buffer.from(code, 'utf8')), options.aim ?? ']Q1');
    const gap = options.reportGapMs ?? 1;
    const counter = new Counter(options.onSent);
    const clock = new DeviceClock();
    let completedAt = 0;
    for (let i = 0; i < reports.length; i++) {
      if (i > 0) await clock.after(gap);
      if (i === reports.length - 1) completedAt = this.markCompleted();
      await counter.send(this, reports[i]!);
    }
    return counter.receipt(completedAt);
  }

  private async sendSerial(code: string, options: TwinScanOptions): Promise<ScanReceipt> {
    const suffix = (options.suffix ?? 'cr') as SerialSuffix;
    const ending = { cr: '\r', crlf: '\r\n', lf: '\n', none: '' }[suffix];
    if (ending === undefined) throw new RangeError(`serial suffix ${suffix}`);
    const bytes = new Uint8Array(Buffer.from(code + ending, 'utf8'));
    const gap = options.byteGapMs ?? 0;
    const counter = new Counter(options.onSent);
    let completedAt = 0;
    if (gap <= 0) {
      completedAt = this.markCompleted();
      await counter.send(this, bytes);
      return counter.receipt(completedAt);
    }
    const clock = new DeviceClock();
    for (let i = 0; i < bytes.length; i++) {
      if (i > 0) await clock.after(gap);
      if (i === bytes.length - 1) completedAt = this.markCompleted();
      await counter.send(this, bytes.subarray(i, i + 1));
    }
    return counter.receipt(completedAt);
  }

  private markCompleted(): number {
    this.lastCompletedAt = performance.now();
    return this.lastCompletedAt;
  }
}

class Counter {
  private sent = 0;
  private delivered = 0;

  constructor(private readonly onSent: TwinScanOptions['onSent']) {}

  async send(twin: ScannerTwin, bytes: Uint8Array): Promise<void> {
    if (twin.transmit(bytes)) this.delivered++;
    this.sent++;
    await this.onSent?.(this.sent);
  }

  receipt(completedAt: number): ScanReceipt {
    return { sent: this.sent, delivered: this.delivered, completedAt };
  }
}

function strokesOf(code: string, suffix: WedgeSuffix): Keystroke[] {
  const strokes = Array.from(code, keystrokeFor);
  if (suffix === 'enter') strokes.push({ usage: USAGE_ENTER, modifiers: 0 });
  else if (suffix === 'tab') strokes.push({ usage: USAGE_TAB, modifiers: 0 });
  else if (suffix === 'keypad-enter') strokes.push({ usage: USAGE_KEYPAD_ENTER, modifiers: 0 });
  return strokes;
}

function resolveTiming(timing: KeyTiming): { minMs: number; maxMs: number } {
  const range = timing === 'scanner' ? SCANNER_KEY_TIMING : timing === 'human' ? HUMAN_KEY_TIMING : timing;
  if (!(range.minMs >= 0 && range.maxMs >= range.minMs)) throw new RangeError(`key timing ${range.minMs}..${range.maxMs} ms`);
  return range;
}

