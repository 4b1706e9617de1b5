import { ApduError } from './errors.js';

/** One BER-TLV data object (ISO/IEC 7816-4 section 5.2): tag as an integer (e.g. 0x6F, 0xDF20). */
export interface Tlv {
  tag: number;
  constructed: boolean;
  value: Uint8Array;
}

/** Parses a sequence of BER-TLV objects (no recursion: call again on a constructed value). */
export function parseTlvs(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let at = 0;
  while (at < bytes.length) {
    const first = bytes[at]!;
    if (first === 0x00 || first === 0xff) {
      at++; // padding between objects
      continue;
    }
    let tag = first;
    at++;
    if ((first & 0x1f) === 0x1f) {
      let more = true;
      let tagBytes = 1;
      while (more) {
        if (at >= bytes.length) throw new ApduError('bad_tlv', 'TLV tag truncated');
        const b = bytes[at++]!;
        tag = tag * 256 + b;
        more = (b & 0x80) !== 0;
        if (++tagBytes > 3) throw new ApduError('bad_tlv', 'TLV tag longer than 3 bytes');
      }
    }
    if (at >= bytes.length) throw new ApduError('bad_tlv', 'TLV length missing');
    let length = bytes[at++]!;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n === 0 || n > 2) throw new ApduError('bad_tlv', `TLV length form 0x${length.toString(16)} not supported`);
      if (at + n > bytes.length) throw new ApduError('bad_tlv', 'TLV length truncated');
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + bytes[at++]!;
    }
    if (at + length > bytes.length) throw new ApduError('bad_tlv', `TLV value of tag ${tag.toString(16)} truncated`);
    out.push({ tag, constructed: (first & 0x20) !== 0, value: bytes.subarray(at, at + length) });
    at += length;
  }
  return out;
}

/** Finds a tag by path through constructed objects, e.g. findTlv(fci, 0x6f, 0xa5, 0xdf20). */
export function findTlv(bytes: Uint8Array, ...path: number[]): Uint8Array | undefined {
  let level = bytes;
  for (let i = 0; i < path.length; i++) {
    const hit = parseTlvs(level).find((t) => t.tag === path[i]);
    if (!hit) return undefined;
    if (i < path.length - 1 && !hit.constructed) return undefined;
    level = hit.value;
  }
  return level;
}
