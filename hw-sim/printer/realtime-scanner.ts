import type { DeviceCommand } from './commands.js';

export interface RealTimeHit {
  command: Extract<DeviceCommand, { op: 'status-request' | 'realtime-pulse' }>;
  /** Stream offset of the DLE that starts it. */
  offset: number;
  length: number;
}

const DLE = 0x10;
const EOT = 0x04;
const DC4 = 0x14;

/**
 * The printer's receive stage for real-time commands. ESC/POS printers act on DLE EOT n
 * (1 <= n <= 4) and DLE DC4 1 m t whenever those byte sequences arrive, even inside the data of
 * another command (a raster image, a column bit image: Epson's and Citizen's notes on DLE EOT
 * and DLE DC4 give exactly that example), and the bytes still count as that command's data.
 * So they are recognised here on the raw stream, at arrival, apart from command framing.
 * A 0x10 is never a valid later byte of either sequence, so every occurrence is found once.
 */
export class RealTimeScanner {
  private prefix: number[] = [];
  private prefixOffset = 0;

  scan(bytes: Uint8Array, baseOffset: number): RealTimeHit[] {
    const hits: RealTimeHit[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (this.prefix.length === 0) {
        if (b === DLE) this.start(baseOffset + i);
        continue;
      }
      this.prefix.push(b);
      const verdict = this.check();
      if (verdict === 'more') continue;
      if (verdict !== 'no') hits.push({ command: verdict, offset: this.prefixOffset, length: this.prefix.length });
      this.prefix = [];
      if (verdict === 'no' && b === DLE) this.start(baseOffset + i);
    }
    return hits;
  }

  reset(): void {
    this.prefix = [];
  }

  private start(offset: number): void {
    this.prefix = [DLE];
    this.prefixOffset = offset;
  }

  private check(): RealTimeHit['command'] | 'more' | 'no' {
    const [, fn, a, b, c] = this.prefix;
    if (fn === EOT) {
      if (a === undefined) return 'more';
      return a >= 1 && a <= 4 ? { op: 'status-request', n: a } : 'no';
    }
    if (fn === DC4) {
      if (a === undefined) return 'more';
      if (a !== 1) return 'no';
      if (b === undefined) return 'more';
      if (b !== 0 && b !== 1) return 'no';
      if (c === undefined) return 'more';
      return c >= 1 && c <= 8 ? { op: 'realtime-pulse', pin: b === 0 ? 2 : 5, t: c } : 'no';
    }
    return 'no';
  }
}
