/** CRC_A of ISO/IEC 14443-3 (initial 0x6363, reflected polynomial 0x8408), low byte first on the air. */
export function crcA(bytes: Uint8Array): [number, number] {
  let crc = 0x6363;
  for (const byte of bytes) {
    let b = (byte ^ crc) & 0xff;
    b = (b ^ (b << 4)) & 0xff;
    crc = ((crc >> 8) ^ (b << 8) ^ (b << 3) ^ (b >> 4)) & 0xffff;
  }
  return [crc & 0xff, crc >> 8];
}
