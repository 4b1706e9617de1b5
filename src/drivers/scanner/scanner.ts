import { EventEmitter } from 'node:events';
import { HealthTracker, waitUntilUsable, type Device, type DeviceHealth, type HealthEvents, type HealthState } from '../device.js';
import type { ByteLink, LinkState } from '../transport/link.js';
import { openLink, type LinkEnvironment } from '../transport/open-link.js';
import { afterWaitingInput } from './after-waiting-input.js';
import { splitAimPrefix } from './aim.js';
import { resolveScannerOptions, scannerModeOf, type ResolvedScannerOptions, type ScannerMode, type ScannerOptions } from './config.js';
import { makeScanEngine, type ScanEngine } from './engines.js';
import { ScannerError, type ScannerErrorCode, type ScanSource } from './errors.js';
import type { AssembledScan, ScanEnd, ScanSink } from './scan-sink.js';

/** One scanned code. The text is whatever the code holds: treat it as sensitive (it may pay). */
export interface ScanEvent {
  text: string;
  /** AIM symbology identifier (`]Q1`, `]E0`, `]C0`...) when the scanner reported one. */
  symbology: string | undefined;
  source: ScanSource;
  /** Monotonic ms (the scanner's clock, performance.now by default) when the code's last input arrived. */
  at: number;
  endedBy: ScanEnd;
}

/** The scanner's part of its health record. */
export type ScannerDetail = {
  readonly mode: ScannerMode;
  readonly source: ScanSource;
  readonly link: LinkState;
};

export interface ScannerEvents extends HealthEvents<ScannerDetail> {
  scan: [scan: ScanEvent];
  /** Input that is not a scan, or a scan that could not be completed. Nothing of it is kept. */
  reject: [error: ScannerError];
}

const HEALTH_OF: Record<LinkState, HealthState> = {
  connecting: 'connecting',
  open: 'ready',
  disconnected: 'connecting',
  closed: 'stopped',
};

/**
 * A barcode / QR scanner on a ByteLink: a keyboard wedge or HID POS device on a HID link, or a
 * serial scanner. Emits `scan` for each complete code and `reject` for everything else; owns
 * the one timer (silence, typing pause, HID POS continuation). An unplug drops any partial
 * code (`reject` with `disconnected`), and the link brings the scanner back by itself.
 */
export class Scanner extends EventEmitter<ScannerEvents> implements Device<ScannerDetail> {
  readonly kind = 'scanner' as const;
  private readonly options: ResolvedScannerOptions;
  private readonly engine: ScanEngine;
  private readonly tracker: HealthTracker<ScannerDetail>;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private cancelSettle: (() => void) | undefined;
  private stopped = true;

  /** Makes the link the URI names (not started): `hid:vvvv:pppp?mode=pos`, `serial:/dev/...`, `sim:scanner?transport=hid`. */
  static async open(uri: string, env: LinkEnvironment = {}, options: ScannerOptions = {}): Promise<Scanner> {
    const mode = scannerModeOf(uri, options.mode);
    resolveScannerOptions(mode, options); // bad options fail before a device is opened
    const link = await openLink(uri, env, 9600);
    return new Scanner(link, mode, options);
  }

  /** A scanner on a link made elsewhere; `mode` says which protocol the link carries. */
  constructor(
    readonly link: ByteLink,
    mode: ScannerMode,
    options: ScannerOptions = {},
  ) {
    super();
    this.options = resolveScannerOptions(mode, options);
    this.engine = makeScanEngine(this.options, this.sink);
    this.tracker = new HealthTracker((health) => this.emit('health', health), this.detail());
    link.on('data', this.onData);
    link.on('state', this.onState);
    link.on('failure', this.updateHealth);
  }

  get uri(): string {
    return this.link.uri;
  }

  health(): DeviceHealth<ScannerDetail> {
    return this.tracker.get();
  }

  get mode(): ScannerMode {
    return this.options.mode;
  }

  get source(): ScanSource {
    return this.engine.source;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.link.start();
    this.updateHealth();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.engine.reset();
    await this.link.stop();
    this.updateHealth();
  }

  /** Resolves when the device is open; rejects with DeviceError('not_ready') and the reason after timeoutMs. */
  waitReady(timeoutMs: number): Promise<void> {
    return waitUntilUsable(this, timeoutMs);
  }

  private readonly sink: ScanSink = {
    scan: (scan: AssembledScan): void => {
      if (this.stopped) return;
      let text = scan.text;
      let symbology = scan.symbology;
      if (this.options.aimPrefix && symbology === undefined) {
        const split = splitAimPrefix(text);
        text = split.data;
        symbology = split.symbology;
        if (text.length === 0) {
          this.emitReject('too_short', 'only an AIM identifier, no data', 0, scan.at);
          return;
        }
      }
      this.emit('scan', { text, symbology, source: this.engine.source, at: scan.at, endedBy: scan.endedBy });
    },
    reject: (code: ScannerErrorCode, message: string, length: number, at: number): void => {
      if (!this.stopped) this.emitReject(code, message, length, at);
    },
  };

  private emitReject(code: ScannerErrorCode, message: string, length: number, at: number): void {
    this.emit('reject', new ScannerError(code, `${this.link.uri}: ${message}`, this.engine.source, length, at));
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.stopped) return;
    this.engine.input(chunk, this.options.now());
    this.armTimer();
  };

  private readonly onState = (state: LinkState): void => {
    if (state === 'disconnected' || state === 'closed') {
      this.clearTimer();
      const dropped = this.engine.reset();
      if (dropped !== undefined && !this.stopped) {
        this.emitReject('disconnected', `device went away mid-scan; ${dropped} characters dropped`, dropped, this.options.now());
      }
    } else if (state === 'open') {
      this.engine.reset();
    }
    this.updateHealth();
  };

  /**
   * One timer at most. Key presses push the deadline later without touching the timer: when it
   * fires early it finds nothing due and re-arms for the new deadline.
   */
  private armTimer(): void {
    const deadline = this.engine.deadline();
    if (deadline === undefined || deadline >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(deadline - this.options.now())));
  }

  /**
   * A deadline passed. The engine judges it only after the input that was waiting has come in:
   * after a stall of the event loop this timer fires ahead of the reports the scanner sent
   * meanwhile, and a silence nobody watched must not end (split) a scan.
   */
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.stopped) return;
    const deadline = this.engine.deadline();
    if (deadline === undefined || deadline > this.options.now()) {
      this.armTimer();
      return;
    }
    this.timerAt = -Infinity; // no other timer while settling
    this.cancelSettle = afterWaitingInput(this.onSettled);
  };

  private readonly onSettled = (): void => {
    this.cancelSettle = undefined;
    this.timerAt = Infinity;
    if (this.stopped) return;
    this.engine.tick(this.options.now());
    this.armTimer();
  };

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.cancelSettle?.();
    this.cancelSettle = undefined;
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** The link decides: open is ready; connecting or disconnected is connecting, with the link's failure as the reason. */
  private readonly updateHealth = (): void => {
    const state = this.stopped ? 'stopped' : HEALTH_OF[this.link.state];
    const reason = state === 'connecting' ? (this.link.failure?.reason ?? null) : null;
    this.tracker.set(state, reason, this.detail());
  };

  private detail(): ScannerDetail {
    return { mode: this.options.mode, source: this.engine.source, link: this.link.state };
  }
}
