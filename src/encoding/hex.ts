import { CodedError } from '../errors/coded-error.js';

export class HexError extends CodedError<'bad_hex'> {
  override readonly name = 'HexError';
  constructor(message: string) {
    super('bad_hex', message);
  }
}

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/** Lower-case hex, the only spelling our signed structures use. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parses lower-case hex of an exact byte length (when given); anything else is a HexError. */
export function fromHex(text: string, byteLength?: number): Uint8Array {
  if (typeof text !== 'string' || !HEX_RE.test(text)) throw new HexError('not lower-case hex');
  if (byteLength !== undefined && text.length !== byteLength * 2) {
    throw new HexError(`expected ${byteLength} bytes of hex, got ${text.length / 2}`);
  }
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function isHex(text: unknown, byteLength: number): text is string {
  return typeof text === 'string' && text.length === byteLength * 2 && HEX_RE.test(text);
}
