import type { ResolvedScannerOptions } from './config.js';
import type { ScanSource } from './errors.js';
import { HidPosAssembler } from './hid-pos-assembler.js';
import { decodeHidPosReport, type HidPosLayout } from './hid-pos-report.js';
import { KeyboardReportDecoder } from './keyboard-report.js';
import type { KeyEvent } from './keyboard-usages.js';
import type { ScanSink } from './scan-sink.js';
import { SerialLineAssembler } from './serial-lines.js';
import type { SilenceOptions } from './silence.js';
import { WedgeScanAssembler } from './wedge-assembler.js';

/**
 * The device layer's times are arrival times on an event loop that can stall, so its assemblers
 * take a silence only from `tick`, which the device layer calls once waiting input is in.
 */
const SILENCE_SEEN_BY_TICK: SilenceOptions = { silenceSeenBy: 'tick' };

/** The protocol stack of one scanner mode: what the device layer feeds and asks for deadlines. */
export interface ScanEngine {
  readonly source: ScanSource;
  /** One chunk from the link: a HID input report, or serial bytes. */
  input(chunk: Uint8Array, at: number): void;
  tick(now: number): void;
  deadline(): number | undefined;
  /** Forget everything in progress; returns the length of a dropped partial scan, if any. */
  reset(): number | undefined;
}

class WedgeEngine implements ScanEngine {
  readonly source = 'hid-wedge' as const;
  private readonly decoder: KeyboardReportDecoder;
  private readonly assembler: WedgeScanAssembler;
  private now = 0;
  private readonly onKey = (key: KeyEvent): void => this.assembler.key(key, this.now, this.sink);

  constructor(options: ResolvedScannerOptions, private readonly sink: ScanSink) {
    this.decoder = new KeyboardReportDecoder(options.keyboardReportId);
    this.assembler = new WedgeScanAssembler(options.wedge, SILENCE_SEEN_BY_TICK);
  }

  input(report: Uint8Array, at: number): void {
    this.now = at;
    const fault = this.decoder.decode(report, this.onKey);
    if (fault) this.assembler.fault(fault.code, fault.message, at, this.sink);
  }

  tick(now: number): void {
    this.assembler.tick(now, this.sink);
  }

  deadline(): number | undefined {
    return this.assembler.deadline();
  }

  reset(): number | undefined {
    this.decoder.reset();
    return this.assembler.reset(this.sink);
  }
}

class HidPosEngine implements ScanEngine {
  readonly source = 'hid-pos' as const;
  private readonly assembler: HidPosAssembler;
  private readonly layout: HidPosLayout;

  constructor(options: ResolvedScannerOptions, private readonly sink: ScanSink) {
    this.assembler = new HidPosAssembler(options.hidPos, SILENCE_SEEN_BY_TICK);
    this.layout = options.hidPosLayout;
  }

  input(report: Uint8Array, at: number): void {
    const fragment = decodeHidPosReport(report, this.layout);
    if (fragment.ok) {
      this.assembler.fragment(fragment, at, this.sink);
      return;
    }
    // A bad report inside a multi-report scan loses part of it: the whole scan goes.
    const dropped = this.assembler.reset() ?? 0;
    this.sink.reject(fragment.code, fragment.message, dropped, at);
  }

  tick(now: number): void {
    this.assembler.tick(now, this.sink);
  }

  deadline(): number | undefined {
    return this.assembler.deadline();
  }

  reset(): number | undefined {
    return this.assembler.reset();
  }
}

class SerialEngine implements ScanEngine {
  readonly source = 'serial' as const;
  private readonly assembler: SerialLineAssembler;

  constructor(options: ResolvedScannerOptions, private readonly sink: ScanSink) {
    this.assembler = new SerialLineAssembler(options.serial, SILENCE_SEEN_BY_TICK);
  }

  input(chunk: Uint8Array, at: number): void {
    this.assembler.push(chunk, at, this.sink);
  }

  tick(now: number): void {
    this.assembler.tick(now, this.sink);
  }

  deadline(): number | undefined {
    return this.assembler.deadline();
  }

  reset(): number | undefined {
    return this.assembler.reset();
  }
}

export function makeScanEngine(options: ResolvedScannerOptions, sink: ScanSink): ScanEngine {
  switch (options.mode) {
    case 'wedge':
      return new WedgeEngine(options, sink);
    case 'pos':
      return new HidPosEngine(options, sink);
    case 'serial':
      return new SerialEngine(options, sink);
  }
}
