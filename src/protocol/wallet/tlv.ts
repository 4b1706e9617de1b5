import { CodedError } from '../../errors/coded-error.js';

/**
 * The strict TLV of the wallet protocol (docs/wallet-apdu.md, "Data fields"): one tag byte, a
 * length (one byte 00..7F, or 81 then one byte 80..FF), the value. Objects come exactly once,
 * in a fixed order, with nothing between or after them, so every structure has one encoding
 * and a signature over it can be rebuilt from its fields.
 */
export type WalletDataErrorCode = 'bad_wallet_data';

export class WalletDataError extends CodedError<WalletDataErrorCode> {
  override readonly name = 'WalletDataError';
  constructor(message: string) {
    super('bad_wallet_data', message);
  }
}

/** One object a structure expects: its tag and the lengths its value may have. */
export interface FieldSpec {
  tag: number;
  name: string;
  min: number;
  max: number;
}

export function tlvObject(tag: number, value: Uint8Array): Uint8Array {
  if (value.length > 0xff) throw new WalletDataError(`a wallet TLV value is at most 255 bytes, got ${value.length}`);
  const head = value.length < 0x80 ? [tag, value.length] : [tag, 0x81, value.length];
  const out = new Uint8Array(head.length + value.length);
  out.set(head, 0);
  out.set(value, head.length);
  return out;
}

/** Reads exactly these objects, in this order, and nothing else; returns their values. */
export function readObjects(bytes: Uint8Array, fields: readonly FieldSpec[], what: string): Uint8Array[] {
  const values: Uint8Array[] = [];
  let at = 0;
  for (const field of fields) {
    if (at >= bytes.length) throw new WalletDataError(`${what}: ends before ${field.name} (tag ${hex(field.tag)})`);
    const tag = bytes[at]!;
    if (tag !== field.tag) throw new WalletDataError(`${what}: expected ${field.name} (tag ${hex(field.tag)}) at byte ${at}, found tag ${hex(tag)}`);
    let length = bytes[at + 1];
    let header = 2;
    if (length === undefined) throw new WalletDataError(`${what}: ${field.name} has no length`);
    if (length === 0x81) {
      length = bytes[at + 2];
      header = 3;
      if (length === undefined) throw new WalletDataError(`${what}: ${field.name} has no length`);
      if (length < 0x80) throw new WalletDataError(`${what}: ${field.name} has a length written in two bytes that fits in one`);
    } else if (length >= 0x80) {
      throw new WalletDataError(`${what}: ${field.name} has an unsupported length byte ${hex(length)}`);
    }
    if (at + header + length > bytes.length) throw new WalletDataError(`${what}: ${field.name} runs past the end`);
    if (length < field.min || length > field.max) {
      throw new WalletDataError(`${what}: ${field.name} is ${length} bytes, expected ${field.min === field.max ? field.min : `${field.min}..${field.max}`}`);
    }
    values.push(bytes.slice(at + header, at + header + length));
    at += header + length;
  }
  if (at !== bytes.length) throw new WalletDataError(`${what}: ${bytes.length - at} byte(s) after the last object`);
  return values;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0').toUpperCase();
}
