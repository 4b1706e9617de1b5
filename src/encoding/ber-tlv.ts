import { CodedError } from '../errors/coded-error.js';

/**
 * The one BER-TLV reader (ISO/IEC 8825-1 as EMV and ISO/IEC 7816-4 use it): tags of up to 3
 * bytes, definite lengths of up to 3 length bytes, constructed values read as nested lists.
 * Pure and strict: every byte must belong to an object (or, where ISO 7816-4 allows it, be
 * 00/FF padding between objects), and anything malformed is a TlvError.
 */
export interface Tlv {
  /** The tag's bytes as one number: 0x85, 0x61, 0x9F24. */
  tag: number;
  constructed: boolean;
  value: Uint8Array;
  /** Parsed children when constructed. */
  children: Tlv[] | undefined;
}

export type TlvErrorCode = 'truncated_tag' | 'long_tag' | 'truncated_length' | 'bad_length' | 'truncated_value' | 'too_deep';

export class TlvError extends CodedError<TlvErrorCode> {
  override readonly name = 'TlvError';
  constructor(
    code: TlvErrorCode,
    readonly offset: number,
    message: string,
  ) {
    super(code, `${message} at byte ${offset}`);
  }
}

export interface TlvReadOptions {
  /** How deep constructed objects may nest (default 4). */
  maxDepth?: number;
  /** Read constructed values as children (default true); false leaves `children` undefined. */
  nested?: boolean;
  /** Skip 00 and FF bytes between objects, as ISO/IEC 7816-4 allows (default false, as EMV). */
  padding?: boolean;
}

export function readTlv(bytes: Uint8Array, options: number | TlvReadOptions = {}): Tlv[] {
  const o = typeof options === 'number' ? { maxDepth: options } : options;
  return readList(bytes, 0, bytes.length, o.maxDepth ?? 4, o.nested ?? true, o.padding ?? false);
}

/** Finds a value by tag path through constructed objects, e.g. findTlv(fci, 0x6f, 0xa5, 0xdf20). Padding is allowed. */
export function findTlv(bytes: Uint8Array, ...path: number[]): Uint8Array | undefined {
  let level = bytes;
  for (let i = 0; i < path.length; i++) {
    const hit = readTlv(level, { nested: false, padding: true }).find((t) => t.tag === path[i]);
    if (!hit) return undefined;
    if (i < path.length - 1 && !hit.constructed) return undefined;
    level = hit.value;
  }
  return level;
}

function readList(bytes: Uint8Array, start: number, end: number, depthLeft: number, nested: boolean, padding: boolean): Tlv[] {
  const out: Tlv[] = [];
  let at = start;
  while (at < end) {
    const first = bytes[at]!;
    if (padding && (first === 0x00 || first === 0xff)) {
      at++;
      continue;
    }
    let tag = first;
    let next = at + 1;
    if ((first & 0x1f) === 0x1f) {
      // Subsequent tag bytes follow while bit 8 is set; EMV tags are at most 3 bytes.
      for (;;) {
        if (next >= end) throw new TlvError('truncated_tag', at, 'tag runs past the end');
        const b = bytes[next++]!;
        tag = tag * 256 + b;
        if (next - at > 3) throw new TlvError('long_tag', at, 'tag longer than 3 bytes');
        if ((b & 0x80) === 0) break;
      }
    }
    if (next >= end) throw new TlvError('truncated_length', next, 'length missing');
    let length = bytes[next++]!;
    if (length === 0x80 || length > 0x83) {
      throw new TlvError('bad_length', next - 1, `length byte 0x${length.toString(16)} (indefinite or over 3 bytes)`);
    }
    if (length > 0x80) {
      const count = length - 0x80;
      if (next + count > end) throw new TlvError('truncated_length', next, 'length bytes run past the end');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[next++]!;
    }
    if (next + length > end) throw new TlvError('truncated_value', next, `value of ${length} bytes runs past the end`);
    const constructed = (first & 0x20) !== 0;
    const value = bytes.subarray(next, next + length);
    let children: Tlv[] | undefined;
    if (constructed && nested) {
      if (depthLeft <= 0) throw new TlvError('too_deep', at, 'templates nested too deep');
      children = readList(bytes, next, next + length, depthLeft - 1, nested, padding);
    }
    out.push({ tag, constructed, value, children });
    at = next + length;
  }
  return out;
}
