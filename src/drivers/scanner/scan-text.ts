/**
 * The bytes of a scanned code as text. Printable ASCII passes; so do the separators GS1 and
 * ISO/IEC 15434 put inside data (FS 0x1C, GS 0x1D, RS 0x1E, EOT 0x04). Bytes above 0x7F must
 * form valid UTF-8 (a QR code may carry it). Anything else is line noise, not a code.
 */
export type ScanTextResult =
  | { ok: true; text: string }
  | { ok: false; code: 'non_printable' | 'bad_encoding'; offset: number };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function isDataControl(byte: number): boolean {
  return byte === 0x1d || byte === 0x1e || byte === 0x1c || byte === 0x04;
}

export function decodeScanBytes(bytes: Uint8Array): ScanTextResult {
  let highBytes = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x20 && b < 0x7f) continue;
    if (b >= 0x80) {
      highBytes = true;
      continue;
    }
    if (!isDataControl(b)) return { ok: false, code: 'non_printable', offset: i };
  }
  if (!highBytes) return { ok: true, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') };
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return { ok: false, code: 'bad_encoding', offset: 0 };
  }
}
