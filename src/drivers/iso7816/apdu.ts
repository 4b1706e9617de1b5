import { ApduError } from './errors.js';

/**
 * A command APDU (ISO/IEC 7816-4 section 5.1), short form:
 *   case 1  CLA INS P1 P2
 *   case 2  CLA INS P1 P2 Le
 *   case 3  CLA INS P1 P2 Lc data
 *   case 4  CLA INS P1 P2 Lc data Le
 * `le` is the number of response bytes expected, 1..256 (256 is written 00); leave it out when
 * no response data is expected. `data` is 1..255 bytes (empty = none).
 */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  le?: number;
}

export interface ResponseApdu {
  data: Uint8Array;
  sw1: number;
  sw2: number;
  /** SW1 << 8 | SW2 */
  sw: number;
}

export const SHORT_MAX_DATA = 255;
export const SHORT_MAX_LE = 256;

export function encodeCommandApdu(apdu: CommandApdu): Uint8Array {
  for (const field of ['cla', 'ins', 'p1', 'p2'] as const) {
    const v = apdu[field];
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new ApduError('bad_command', `${field.toUpperCase()} must be a byte, got ${v}`);
  }
  const data = apdu.data ?? new Uint8Array(0);
  if (data.length > SHORT_MAX_DATA) {
    throw new ApduError('bad_command', `a short APDU carries at most ${SHORT_MAX_DATA} data bytes, got ${data.length}`);
  }
  const le = apdu.le;
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > SHORT_MAX_LE)) {
    throw new ApduError('bad_command', `Le must be 1..${SHORT_MAX_LE} (256 is written 00), got ${le}`);
  }
  const out = new Uint8Array(4 + (data.length > 0 ? 1 + data.length : 0) + (le !== undefined ? 1 : 0));
  out[0] = apdu.cla;
  out[1] = apdu.ins;
  out[2] = apdu.p1;
  out[3] = apdu.p2;
  let at = 4;
  if (data.length > 0) {
    out[at++] = data.length;
    out.set(data, at);
    at += data.length;
  }
  if (le !== undefined) out[at] = le & 0xff;
  return out;
}

export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new ApduError('bad_response', `a response APDU ends with SW1 SW2; got ${bytes.length} byte(s)`);
  const sw1 = bytes[bytes.length - 2]!;
  const sw2 = bytes[bytes.length - 1]!;
  return { data: bytes.subarray(0, bytes.length - 2), sw1, sw2, sw: (sw1 << 8) | sw2 };
}

/** SELECT by DF name (AID), first or only occurrence, FCI requested: 00 A4 04 00 Lc AID 00. */
export function selectByAid(aid: Uint8Array): CommandApdu {
  if (aid.length < 1 || aid.length > 16) throw new ApduError('bad_command', `an AID is 1..16 bytes (5..16 registered), got ${aid.length}`);
  return { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: aid, le: 256 };
}

/** GET RESPONSE for `le` bytes (1..256), on the logical channel of `cla`. */
export function getResponse(le: number, cla = 0x00): CommandApdu {
  return { cla: cla & 0x03, ins: 0xc0, p1: 0x00, p2: 0x00, le };
}
