import type { EmulatedTarget, TypeAIdentity } from './target.js';

const PAGES = 45; // NTAG213: pages 0x00..0x2C
const NAK = Uint8Array.of(0x00);

/**
 * A plain ISO/IEC 14443-3 type A tag in the manner of an NTAG213 (type 2 tag: ATQA 00 44,
 * SAK 00, 7-byte UID). It answers READ (30 page: 16 bytes = 4 pages), WRITE (A2 page 4 bytes:
 * empty answer as the chip reports an ACK) and GET_VERSION (60). Anything else gets no answer.
 */
export class NtagTag implements EmulatedTarget {
  readonly label: string;
  readonly uid: Uint8Array;
  readonly memory = new Uint8Array(PAGES * 4);

  constructor(options: { uid?: Uint8Array; label?: string } = {}) {
    this.uid = options.uid ?? Uint8Array.of(0x04, 0x5a, 0x31, 0x92, 0x2b, 0x6c, 0x80);
    if (this.uid.length !== 7) throw new Error('an NTAG UID is 7 bytes');
    this.label = options.label ?? 'ntag213';
    const u = this.uid;
    this.memory.set([u[0]!, u[1]!, u[2]!, 0x88 ^ u[0]! ^ u[1]! ^ u[2]!, u[3]!, u[4]!, u[5]!, u[6]!, u[3]! ^ u[4]! ^ u[5]! ^ u[6]!, 0x48, 0, 0], 0);
    this.memory.set([0xe1, 0x10, 0x12, 0x00], 12); // capability container: NDEF, 144 bytes
    this.memory.set([0x03, 0x00, 0xfe], 16); // empty NDEF message, terminator
  }

  activate(): TypeAIdentity {
    return { uid: this.uid, atqa: Uint8Array.of(0x00, 0x44), sak: 0x00 };
  }

  deactivate(): void {}

  exchange(command: Uint8Array): Uint8Array | undefined {
    const op = command[0];
    if (op === 0x30 && command.length === 2) {
      const page = command[1]!;
      if (page >= PAGES) return NAK;
      const out = new Uint8Array(16);
      for (let i = 0; i < 16; i++) out[i] = this.memory[((page * 4 + i) % (PAGES * 4))]!;
      return out;
    }
    if (op === 0xa2 && command.length === 6) {
      const page = command[1]!;
      if (page < 4 || page >= 0x28) return NAK;
      this.memory.set(command.subarray(2, 6), page * 4);
      return new Uint8Array(0);
    }
    if (op === 0x60 && command.length === 1) return Uint8Array.of(0x00, 0x04, 0x04, 0x02, 0x01, 0x00, 0x0f, 0x03);
    return undefined;
  }
}
