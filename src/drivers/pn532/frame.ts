import { Pn532Error } from './errors.js';

/**
 * PN532 host-controller frames (UM0701-02 section 6.2.1):
 *   normal     00 00 FF LEN LCS TFI PD0..PDn DCS 00            LEN = 1 + n+1 <= 255
 *   extended   00 00 FF FF FF LENm LENl LCS TFI PD0..PDn DCS 00 LEN up to 265 (264 packet bytes)
 *   ACK        00 00 FF 00 FF 00
 *   NACK       00 00 FF FF 00 00   (host to chip only: "send your last response again")
 *   error      00 00 FF 01 FF 7F 81 00   (chip to host: application-level syntax error)
 * LEN (LENm*256+LENl) counts TFI and packet data; LEN+LCS = 0 and TFI+PD0+..+PDn+DCS = 0 mod 256.
 */
export const TFI_HOST_TO_CHIP = 0xd4;
export const TFI_CHIP_TO_HOST = 0xd5;
export const TFI_ERROR = 0x7f;

export const ACK_FRAME: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0x00, 0xff, 0x00);
export const NACK_FRAME: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0xff, 0x00, 0x00);
export const ERROR_FRAME: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0x01, 0xff, 0x7f, 0x81, 0x00);

/** The largest LEN a normal frame can carry (TFI included). */
export const NORMAL_FRAME_MAX_LEN = 255;
/** The firmware's limit for packet data (PD0..PDn) in one frame; 265 with the TFI. */
export const MAX_PACKET_BYTES = 264;

/** HSU wake-up from power-down / low-VBat: 0x55 0x55 then zeros long enough for the oscillator to start. */
export function wakeUpSequence(zeros = 14): Uint8Array {
  const bytes = new Uint8Array(2 + zeros);
  bytes[0] = 0x55;
  bytes[1] = 0x55;
  return bytes;
}

/** LCS for a length: the byte that makes the sum of the length bytes 0 mod 256. */
export function lengthChecksum(...lengthBytes: number[]): number {
  let sum = 0;
  for (const b of lengthBytes) sum += b;
  return (0x100 - (sum & 0xff)) & 0xff;
}

/** DCS over TFI and packet data. */
export function dataChecksum(tfi: number, packet: Uint8Array): number {
  let sum = tfi;
  for (let i = 0; i < packet.length; i++) sum += packet[i]!;
  return (0x100 - (sum & 0xff)) & 0xff;
}

/**
 * An information frame carrying `packet` (command code and parameters). Normal frames are used
 * whenever they fit, as the chip itself does; `extended` forces the extended form.
 */
export function encodeInformationFrame(tfi: number, packet: Uint8Array, options: { extended?: boolean } = {}): Uint8Array {
  if (packet.length === 0) throw new Pn532Error('bad_argument', 'an information frame carries at least a command code');
  if (packet.length > MAX_PACKET_BYTES) {
    throw new Pn532Error('bad_argument', `a PN532 frame carries at most ${MAX_PACKET_BYTES} packet bytes, got ${packet.length}`);
  }
  const len = packet.length + 1;
  const extended = options.extended === true || len > NORMAL_FRAME_MAX_LEN;
  const header = extended ? 8 : 5;
  const frame = new Uint8Array(header + len + 2);
  frame[0] = 0x00;
  frame[1] = 0x00;
  frame[2] = 0xff;
  if (extended) {
    frame[3] = 0xff;
    frame[4] = 0xff;
    frame[5] = len >> 8;
    frame[6] = len & 0xff;
    frame[7] = lengthChecksum(len >> 8, len & 0xff);
  } else {
    frame[3] = len;
    frame[4] = lengthChecksum(len);
  }
  frame[header] = tfi;
  frame.set(packet, header + 1);
  frame[header + len] = dataChecksum(tfi, packet);
  frame[header + len + 1] = 0x00;
  return frame;
}

/** A command frame from the host: TFI D4, then `packet` = command code and parameters. */
export function encodeCommandFrame(packet: Uint8Array, options: { extended?: boolean } = {}): Uint8Array {
  return encodeInformationFrame(TFI_HOST_TO_CHIP, packet, options);
}
