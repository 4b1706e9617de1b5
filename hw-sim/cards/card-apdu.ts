/**
 * Command APDUs as a card reads them (short form only; written for the card side, independent
 * of src/drivers/iso7816).
 */
export interface CardCommand {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  /** Ne: the response length the terminal accepts, 1..256; undefined when Le is absent. */
  ne: number | undefined;
}

export interface CardResponse {
  data?: Uint8Array;
  sw: number;
}

export const CardSw = {
  ok: 0x9000,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  conditionsNotSatisfied: 0x6985,
  incorrectData: 0x6a80,
  fileNotFound: 0x6a82,
  incorrectP1P2: 0x6a86,
  referencedDataNotFound: 0x6a88,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
} as const;

/** Parses a short command APDU; a malformed one (or an extended one) is answered 6700. */
export function readCardCommand(bytes: Uint8Array): CardCommand | { sw: number } {
  if (bytes.length < 4) return { sw: CardSw.wrongLength };
  const head = { cla: bytes[0]!, ins: bytes[1]!, p1: bytes[2]!, p2: bytes[3]! };
  if (bytes.length === 4) return { ...head, data: new Uint8Array(0), ne: undefined };
  const b4 = bytes[4]!;
  if (bytes.length === 5) return { ...head, data: new Uint8Array(0), ne: b4 === 0 ? 256 : b4 };
  if (b4 === 0) return { sw: CardSw.wrongLength }; // extended length: not supported by these cards
  if (bytes.length === 5 + b4) return { ...head, data: bytes.slice(5), ne: undefined };
  if (bytes.length === 6 + b4) {
    const le = bytes[5 + b4]!;
    return { ...head, data: bytes.slice(5, 5 + b4), ne: le === 0 ? 256 : le };
  }
  return { sw: CardSw.wrongLength };
}

export function responseBytes(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/** BER-TLV with one- or two-byte tags and short or 81/82 lengths. */
export function tlv(tag: number, value: Uint8Array): Uint8Array {
  const tagBytes = tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  const n = value.length;
  const lengthBytes = n < 0x80 ? [n] : n <= 0xff ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  const out = new Uint8Array(tagBytes.length + lengthBytes.length + n);
  out.set(tagBytes, 0);
  out.set(lengthBytes, tagBytes.length);
  out.set(value, tagBytes.length + lengthBytes.length);
  return out;
}

