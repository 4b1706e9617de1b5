import { findTlv as findInTlv, readTlv, TlvError, type Tlv } from '../../encoding/ber-tlv.js';
import { ApduError } from './errors.js';

export type { Tlv };

/** The BER-TLV objects of a card's answer (ISO/IEC 7816-4 section 5.2, padding allowed), one level deep; malformed data is ApduError('bad_tlv'). */
export function parseTlvs(bytes: Uint8Array): Tlv[] {
  return asApduError(() => readTlv(bytes, { nested: false, padding: true }));
}

/** Finds a tag by path through constructed objects, e.g. findTlv(fci, 0x6f, 0xa5, 0xdf20). */
export function findTlv(bytes: Uint8Array, ...path: number[]): Uint8Array | undefined {
  return asApduError(() => findInTlv(bytes, ...path));
}

function asApduError<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof TlvError) throw new ApduError('bad_tlv', `malformed BER-TLV: ${err.message}`);
    throw err;
  }
}
