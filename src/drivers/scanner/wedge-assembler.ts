import type { ScannerErrorCode } from './errors.js';
import type { KeyEvent } from './keyboard-usages.js';
import type { ScanSink } from './scan-sink.js';
import type { SilenceOptions, SilenceWitness } from './silence.js';

export interface WedgeTiming {
  /** A scan without a suffix ends after this long without a key press. */
  silenceMs: number;
  /** The mean time between the key presses of a scan may not exceed this (scanners: 1-19 ms). */
  maxMeanKeyGapMs: number;
  /** Shortest accepted scan in characters; shorter input is rejected as `too_short`. */
  minScanLength: number;
  /** Rejected keystrokes less than this apart are one typing run, reported once. */
  typingPauseMs: number;
  /** Longest accepted scan in characters. */
  maxScanLength: number;
}

export const defaultWedgeTiming: Readonly<WedgeTiming> = Object.freeze({
  silenceMs: 40,
  maxMeanKeyGapMs: 20,
  minScanLength: 5,
  typingPauseMs: 500,
  maxScanLength: 4096,
});

/**
 * Groups key presses into scans. A burst is a run of presses less than `silenceMs` apart; it
 * ends at a suffix key (Enter, Tab) or at the silence. A burst becomes a scan only if it is long
 * enough, fast enough (a scanner's keys come every 1-19 ms, a person's far slower) and clean (no
 * lost or unsupported keys). Rejected bursts that follow each other within `typingPauseMs` are
 * one typing run and produce one rejection: `human_typing` when slow or in several bursts,
 * otherwise `too_short`. Pure: every call takes the time; `deadline()` says when to call `tick`.
 *
 * With `silenceSeenBy: 'tick'` (the device layer) only `tick` ends a burst by silence, and a gap
 * between two presses that is longer than the silence although no tick ended the burst is the
 * host's stall, not the typist's: it is left out of the mean key gap, since its true length is
 * unknown.
 */
export class WedgeScanAssembler {
  private active = false;
  private text = '';
  private lastAt = 0;
  private gaps = 0;
  private gapSum = 0;
  private faultCode: ScannerErrorCode | undefined;
  private faultMessage = '';

  private runPending = false;
  private runBursts = 0;
  private runChars = 0;
  private runSlow = false;
  private runLastAt = 0;

  private readonly silenceSeenBy: SilenceWitness;

  constructor(
    private readonly timing: WedgeTiming = defaultWedgeTiming,
    options: SilenceOptions = {},
  ) {
    this.silenceSeenBy = options.silenceSeenBy ?? 'timestamps';
  }

  key(key: KeyEvent, at: number, sink: ScanSink): void {
    this.press(at, sink);
    switch (key.kind) {
      case 'char':
        if (this.text.length >= this.timing.maxScanLength) {
          this.markFault('too_long', `longer than ${this.timing.maxScanLength} characters`);
        } else {
          this.text += key.char;
        }
        break;
      case 'unsupported':
        this.markFault('unsupported_key', `key usage 0x${key.usage.toString(16).padStart(2, '0')} has no character`);
        break;
      case 'suffix':
        this.end('suffix', at, sink);
        break;
    }
  }

  /** A report was bad (wrong length, rollover): the burst it falls in can only be rejected. */
  fault(code: ScannerErrorCode, message: string, at: number, sink: ScanSink): void {
    this.press(at, sink);
    this.markFault(code, message);
  }

  tick(now: number, sink: ScanSink): void {
    if (this.active && now - this.lastAt >= this.timing.silenceMs) this.end('silence', this.lastAt, sink);
    if (this.runPending && now - this.runLastAt >= this.timing.typingPauseMs) this.flushRun(sink);
  }

  /** When `tick` next has something to do, or undefined when idle. */
  deadline(): number | undefined {
    let deadline = Infinity;
    if (this.active) deadline = this.lastAt + this.timing.silenceMs;
    if (this.runPending) deadline = Math.min(deadline, this.runLastAt + this.timing.typingPauseMs);
    return deadline === Infinity ? undefined : deadline;
  }

  /**
   * Drops the scan in progress (the device went away) and reports any pending typing run.
   * Returns how many characters were dropped, or undefined if no scan was in progress.
   */
  reset(sink: ScanSink): number | undefined {
    const dropped = this.active ? this.text.length : undefined;
    this.clearBurst();
    this.flushRun(sink);
    return dropped;
  }

  private press(at: number, sink: ScanSink): void {
    if (this.silenceSeenBy === 'timestamps') this.tick(at, sink);
    if (!this.active) {
      this.active = true;
    } else if (at - this.lastAt < this.timing.silenceMs) {
      this.gapSum += at - this.lastAt;
      this.gaps++;
    }
    this.lastAt = at;
  }

  private markFault(code: ScannerErrorCode, message: string): void {
    if (this.faultCode === undefined) {
      this.faultCode = code;
      this.faultMessage = message;
    }
  }

  private end(endedBy: 'suffix' | 'silence', at: number, sink: ScanSink): void {
    const text = this.text;
    const meanGap = this.gaps > 0 ? this.gapSum / this.gaps : 0;
    const fault = this.faultCode;
    const faultMessage = this.faultMessage;
    this.clearBurst();
    if (fault !== undefined) {
      this.flushRun(sink);
      sink.reject(fault, faultMessage, text.length, at);
      return;
    }
    const slow = meanGap > this.timing.maxMeanKeyGapMs;
    if (slow || text.length < this.timing.minScanLength) {
      this.runPending = true;
      this.runBursts++;
      this.runChars += text.length;
      this.runSlow ||= slow;
      this.runLastAt = at;
      if (endedBy === 'suffix') this.flushRun(sink);
      return;
    }
    this.flushRun(sink);
    sink.scan({ text, symbology: undefined, endedBy, at });
  }

  private flushRun(sink: ScanSink): void {
    if (!this.runPending) return;
    const human = this.runSlow || this.runBursts > 1;
    const chars = this.runChars;
    const at = this.runLastAt;
    this.runPending = false;
    this.runBursts = 0;
    this.runChars = 0;
    this.runSlow = false;
    if (human) {
      sink.reject('human_typing', `${chars} characters typed slower than a scanner types`, chars, at);
    } else {
      sink.reject('too_short', `${chars} characters; a scan has at least ${this.timing.minScanLength}`, chars, at);
    }
  }

  private clearBurst(): void {
    this.active = false;
    this.text = '';
    this.gaps = 0;
    this.gapSum = 0;
    this.faultCode = undefined;
    this.faultMessage = '';
  }
}
