import type { HidPosFragment } from './hid-pos-report.js';
import type { ScanSink } from './scan-sink.js';
import { decodeScanBytes } from './scan-text.js';
import type { SilenceOptions, SilenceWitness } from './silence.js';

export interface HidPosTiming {
  /** A scan whose last report said "continued" is dropped if the next part takes longer than this. */
  continuationTimeoutMs: number;
  /** Longest accepted scan in bytes. */
  maxScanBytes: number;
}

export const defaultHidPosTiming: Readonly<HidPosTiming> = Object.freeze({
  continuationTimeoutMs: 250,
  maxScanBytes: 8192,
});

/**
 * Joins HID POS report fragments into scans: fragments flagged "continued" are buffered until a
 * fragment without the flag completes the code. A single-report scan is decoded in place.
 * One trailing CR, LF or CR LF inside the data (a scanner configured with a suffix) is removed.
 * With `silenceSeenBy: 'tick'` only `tick` drops a scan whose continuation is late: a continuation
 * that arrives after a stall of the host's event loop still completes its scan.
 */
export class HidPosAssembler {
  private readonly buffer: Uint8Array;
  private length = 0;
  private pending = false;
  private overflow = false;
  private symbology: string | undefined;
  private symbologyChanged = false;
  private lastAt = 0;
  private readonly silenceSeenBy: SilenceWitness;

  constructor(
    private readonly timing: HidPosTiming = defaultHidPosTiming,
    options: SilenceOptions = {},
  ) {
    this.buffer = new Uint8Array(timing.maxScanBytes);
    this.silenceSeenBy = options.silenceSeenBy ?? 'timestamps';
  }

  fragment(fragment: HidPosFragment, at: number, sink: ScanSink): void {
    if (this.silenceSeenBy === 'timestamps') this.tick(at, sink);
    if (!this.pending) {
      if (!fragment.continued) {
        this.complete(fragment.data, fragment.symbology, at, sink);
        return;
      }
      this.pending = true;
      this.symbology = fragment.symbology;
    } else if (fragment.symbology !== this.symbology) {
      this.symbologyChanged = true;
    }
    this.lastAt = at;
    this.append(fragment.data);
    if (fragment.continued) return;
    const length = this.length;
    const overflow = this.overflow;
    const changed = this.symbologyChanged;
    const symbology = this.symbology;
    this.clear();
    if (overflow) {
      sink.reject('too_long', `scan longer than ${this.timing.maxScanBytes} bytes`, length, at);
    } else if (changed) {
      sink.reject('symbology_changed', 'a continuation report carried another symbology identifier', length, at);
    } else {
      this.complete(this.buffer.subarray(0, length), symbology, at, sink);
    }
  }

  tick(now: number, sink: ScanSink): void {
    if (this.pending && now - this.lastAt >= this.timing.continuationTimeoutMs) {
      const length = this.length;
      const at = this.lastAt;
      this.clear();
      sink.reject('incomplete', `no continuation report within ${this.timing.continuationTimeoutMs} ms`, length, at);
    }
  }

  deadline(): number | undefined {
    return this.pending ? this.lastAt + this.timing.continuationTimeoutMs : undefined;
  }

  /** Drops a partly received scan; returns its length, or undefined if none was in progress. */
  reset(): number | undefined {
    const dropped = this.pending ? this.length : undefined;
    this.clear();
    return dropped;
  }

  private append(data: Uint8Array): void {
    if (this.length + data.length > this.buffer.length) {
      this.overflow = true;
      this.length += data.length;
      return;
    }
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  private complete(data: Uint8Array, symbology: string | undefined, at: number, sink: ScanSink): void {
    let end = data.length;
    if (end > 0 && data[end - 1] === 0x0a) end--;
    if (end > 0 && data[end - 1] === 0x0d) end--;
    if (end === 0) {
      sink.reject('too_short', 'an empty scan', 0, at);
      return;
    }
    const decoded = decodeScanBytes(end === data.length ? data : data.subarray(0, end));
    if (!decoded.ok) {
      sink.reject(decoded.code, `scanned data has ${decoded.code === 'non_printable' ? 'control bytes' : 'invalid UTF-8'}`, end, at);
      return;
    }
    sink.scan({ text: decoded.text, symbology, endedBy: 'report', at });
  }

  private clear(): void {
    this.pending = false;
    this.length = 0;
    this.overflow = false;
    this.symbology = undefined;
    this.symbologyChanged = false;
  }
}
