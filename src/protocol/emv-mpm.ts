import { CodedError } from '../errors/coded-error.js';

/**
 * EMVCo merchant-presented QR (QRCPS-MPM): a string of data objects `ID(2) LEN(2) VALUE`,
 * starting `000201`, ending `6304` and four upper-case hex digits of CRC-16/CCITT-FALSE
 * (polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR) computed over the UTF-8
 * bytes of everything before them, `6304` included. LEN counts characters (Unicode code points),
 * not bytes: a Chinese name of 4 characters has length `04`. Written by hand from the field notes
 * (shared/FIELD-NOTES.md) and the EMV QRCPS-MPM table; docs/authorization-protocol.md section 7.
 */

export type EmvMpmErrorCode = 'bad_tlv' | 'bad_crc' | 'missing_field' | 'bad_field' | 'too_long';

export class EmvMpmError extends CodedError<EmvMpmErrorCode> {
  override readonly name = 'EmvMpmError';
}

/** The longest payload taken (EMV: 512 characters). */
export const MAX_MPM_CHARS = 512;
/** Merchant name (tag 59) and city (tag 60) limits. */
export const MAX_MERCHANT_NAME = 25;
export const MAX_MERCHANT_CITY = 15;
/** Each field of the additional data template (62.01-62.08, 62.10): at most 25 characters. */
export const MAX_ADDITIONAL = 25;

export const MPM_TAG = {
  payloadFormat: '00',
  pointOfInitiation: '01',
  mcc: '52',
  currency: '53',
  amount: '54',
  country: '58',
  name: '59',
  city: '60',
  postalCode: '61',
  additional: '62',
  crc: '63',
  alternateLanguage: '64',
} as const;

/** Sub-tags of the additional data template (62). */
export const ADDITIONAL_TAG = { billNumber: '01', storeLabel: '03', reference: '05', terminalLabel: '07', purpose: '08' } as const;

export interface MpmObject {
  id: string;
  value: string;
}

/** CRC-16/CCITT-FALSE of bytes. Check value: "123456789" -> 0x29B1. */
export function crc16CcittFalse(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The four upper-case hex digits of the CRC of `text` (UTF-8). */
export function mpmCrc(text: string): string {
  return crc16CcittFalse(new TextEncoder().encode(text)).toString(16).toUpperCase().padStart(4, '0');
}

function charCount(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** One data object: two-digit id, two-digit length in characters, value. */
export function mpmObject(id: string, value: string): string {
  if (!/^\d{2}$/.test(id)) throw new EmvMpmError('bad_tlv', `data object id ${JSON.stringify(id)} is not two digits`);
  const length = charCount(value);
  if (length === 0) throw new EmvMpmError('bad_field', `data object ${id} is empty`);
  if (length > 99) throw new EmvMpmError('too_long', `data object ${id} is ${length} characters, at most 99`);
  return `${id}${String(length).padStart(2, '0')}${value}`;
}

/** Splits data objects (one level). Throws EmvMpmError('bad_tlv') naming the position. */
export function parseMpmObjects(text: string): MpmObject[] {
  const chars = Array.from(text);
  const objects: MpmObject[] = [];
  let at = 0;
  while (at < chars.length) {
    if (at + 4 > chars.length) throw new EmvMpmError('bad_tlv', `data object header cut off at character ${at}`);
    const id = chars.slice(at, at + 2).join('');
    const len = chars.slice(at + 2, at + 4).join('');
    if (!/^\d{2}$/.test(id) || !/^\d{2}$/.test(len)) throw new EmvMpmError('bad_tlv', `no data object header at character ${at} (${JSON.stringify(id + len)})`);
    const length = Number(len);
    if (length === 0) throw new EmvMpmError('bad_tlv', `data object ${id} at character ${at} is empty`);
    if (at + 4 + length > chars.length) throw new EmvMpmError('bad_tlv', `data object ${id} at character ${at} runs past the end`);
    objects.push({ id, value: chars.slice(at + 4, at + 4 + length).join('') });
    at += 4 + length;
  }
  return objects;
}

/** The payload: the objects in order, then `6304` and the CRC. */
export function encodeMpm(objects: readonly MpmObject[]): string {
  const body = objects.map((o) => mpmObject(o.id, o.value)).join('') + `${MPM_TAG.crc}04`;
  const payload = body + mpmCrc(body);
  if (charCount(payload) > MAX_MPM_CHARS) throw new EmvMpmError('too_long', `payload is longer than ${MAX_MPM_CHARS} characters`);
  return payload;
}

/** What a posd terminal puts in a dynamic merchant QR (docs/authorization-protocol.md section 7). */
export interface DynamicMpm {
  /** Merchant account information: template id 26..51, its GUID (sub-tag 00) and the merchant id (sub-tag 01). */
  account: { id: string; guid: string; merchantId?: string };
  /** ISO 18245, 4 digits. */
  mcc: string;
  /** ISO 4217 numeric, 3 digits (`156`). */
  currency: string;
  /** Decimal amount in major units, e.g. `23.72`, at most 13 characters. */
  amount: string;
  /** ISO 3166-1 alpha-2 (`CN`). */
  country: string;
  name: string;
  city: string;
  /** 62.05: the merchant's order reference. */
  reference: string;
  /** 62.07. */
  terminalLabel?: string;
  /** 64: merchant name and city in another language (`ZH`). */
  alternate?: { language: string; name: string; city?: string };
}

/** A dynamic (point of initiation `12`) merchant-presented payload. Throws EmvMpmError on a field out of bounds. */
export function encodeDynamicMpm(qr: DynamicMpm): string {
  const field = (ok: boolean, what: string): void => {
    if (!ok) throw new EmvMpmError('bad_field', what);
  };
  const accountId = Number(qr.account.id);
  field(/^\d{2}$/.test(qr.account.id) && accountId >= 26 && accountId <= 51, 'the merchant account template id must be 26..51');
  field(charCount(qr.account.guid) >= 1 && charCount(qr.account.guid) <= 32, 'the merchant account GUID must be 1-32 characters');
  field(/^\d{4}$/.test(qr.mcc), 'the MCC must be 4 digits');
  field(/^\d{3}$/.test(qr.currency), 'the currency must be 3 digits (ISO 4217 numeric)');
  field(isAmount(qr.amount), 'the amount must be a decimal of at most 13 characters');
  field(/^[A-Z]{2}$/.test(qr.country), 'the country must be 2 upper-case letters');
  if (charCount(qr.name) > MAX_MERCHANT_NAME) throw new EmvMpmError('too_long', `the merchant name must be at most ${MAX_MERCHANT_NAME} characters`);
  if (charCount(qr.city) > MAX_MERCHANT_CITY) throw new EmvMpmError('too_long', `the merchant city must be at most ${MAX_MERCHANT_CITY} characters`);
  if (charCount(qr.reference) > MAX_ADDITIONAL || (qr.terminalLabel !== undefined && charCount(qr.terminalLabel) > MAX_ADDITIONAL)) {
    throw new EmvMpmError('too_long', `the reference and terminal labels (62.05, 62.07) must be at most ${MAX_ADDITIONAL} characters`);
  }
  const account = mpmObject('00', qr.account.guid) + (qr.account.merchantId ? mpmObject('01', qr.account.merchantId) : '');
  const additional = mpmObject(ADDITIONAL_TAG.reference, qr.reference) + (qr.terminalLabel ? mpmObject(ADDITIONAL_TAG.terminalLabel, qr.terminalLabel) : '');
  const objects: MpmObject[] = [
    { id: MPM_TAG.payloadFormat, value: '01' },
    { id: MPM_TAG.pointOfInitiation, value: '12' },
    { id: qr.account.id, value: account },
    { id: MPM_TAG.mcc, value: qr.mcc },
    { id: MPM_TAG.currency, value: qr.currency },
    { id: MPM_TAG.amount, value: qr.amount },
    { id: MPM_TAG.country, value: qr.country },
    { id: MPM_TAG.name, value: qr.name },
    { id: MPM_TAG.city, value: qr.city },
    { id: MPM_TAG.additional, value: additional },
  ];
  if (qr.alternate) {
    const alt = mpmObject('00', qr.alternate.language) + mpmObject('01', qr.alternate.name) + (qr.alternate.city ? mpmObject('02', qr.alternate.city) : '');
    objects.push({ id: MPM_TAG.alternateLanguage, value: alt });
  }
  return encodeMpm(objects);
}

export interface ParsedMpm {
  /** Root data objects in payload order, the CRC included. */
  objects: MpmObject[];
  pointOfInitiation: 'static' | 'dynamic' | null;
  /** Templates 26..51 with their sub-objects (sub-tag 00 is the GUID). */
  accounts: { id: string; guid: string; fields: MpmObject[] }[];
  mcc: string;
  currency: string;
  amount: string | null;
  country: string;
  name: string;
  city: string;
  /** Sub-objects of template 62 by sub-tag. */
  additional: Record<string, string>;
  reference: string | null;
  terminalLabel: string | null;
  crc: string;
}

/**
 * Parses a merchant-presented payload and checks its CRC first. Throws EmvMpmError:
 * too_long, bad_tlv (structure), bad_crc, missing_field (00, 52, 53, 58, 59, 60, an account),
 * bad_field (a value of the wrong form).
 */
export function parseMpm(payload: string): ParsedMpm {
  if (typeof payload !== 'string') throw new EmvMpmError('bad_tlv', 'the payload is not text');
  if (payload.length > MAX_MPM_CHARS * 2 || charCount(payload) > MAX_MPM_CHARS) throw new EmvMpmError('too_long', `the payload is longer than ${MAX_MPM_CHARS} characters`);
  if (!payload.startsWith('000201')) throw new EmvMpmError('bad_tlv', 'the payload does not start with 000201');
  const crcAt = payload.length - 8;
  if (crcAt < 6 || payload.slice(crcAt, crcAt + 4) !== '6304') throw new EmvMpmError('bad_tlv', 'the payload does not end with the CRC object 6304XXXX');
  const crc = payload.slice(crcAt + 4);
  if (!/^[0-9A-F]{4}$/.test(crc)) throw new EmvMpmError('bad_crc', `the CRC ${JSON.stringify(crc)} is not four upper-case hex digits`);
  const expected = mpmCrc(payload.slice(0, crcAt + 4));
  if (crc !== expected) throw new EmvMpmError('bad_crc', `CRC ${crc} does not match the payload (${expected})`);
  const objects = parseMpmObjects(payload);
  const last = objects[objects.length - 1];
  if (!last || last.id !== MPM_TAG.crc) throw new EmvMpmError('bad_tlv', 'the CRC object is not the last one');
  const seen = new Set<string>();
  for (const o of objects) {
    if (seen.has(o.id)) throw new EmvMpmError('bad_tlv', `data object ${o.id} appears twice`);
    seen.add(o.id);
  }
  const get = (id: string): string | undefined => objects.find((o) => o.id === id)?.value;
  const need = (id: string, what: string): string => {
    const value = get(id);
    if (value === undefined) throw new EmvMpmError('missing_field', `no ${what} (tag ${id})`);
    return value;
  };
  if (need(MPM_TAG.payloadFormat, 'payload format indicator') !== '01') throw new EmvMpmError('bad_field', 'the payload format indicator must be 01');
  const poi = get(MPM_TAG.pointOfInitiation);
  if (poi !== undefined && poi !== '11' && poi !== '12') throw new EmvMpmError('bad_field', 'the point of initiation must be 11 or 12');
  const accounts = objects
    .filter((o) => Number(o.id) >= 26 && Number(o.id) <= 51)
    .map((o) => {
      const fields = parseTemplate(o);
      const guid = fields.find((f) => f.id === '00')?.value;
      if (guid === undefined) throw new EmvMpmError('missing_field', `merchant account template ${o.id} has no GUID (sub-tag 00)`);
      return { id: o.id, guid, fields };
    });
  const hasOtherAccount = objects.some((o) => Number(o.id) >= 2 && Number(o.id) <= 25);
  if (accounts.length === 0 && !hasOtherAccount) throw new EmvMpmError('missing_field', 'no merchant account information (tags 02..51)');
  const mcc = need(MPM_TAG.mcc, 'merchant category code');
  if (!/^\d{4}$/.test(mcc)) throw new EmvMpmError('bad_field', 'the MCC must be 4 digits');
  const currency = need(MPM_TAG.currency, 'transaction currency');
  if (!/^\d{3}$/.test(currency)) throw new EmvMpmError('bad_field', 'the currency must be 3 digits');
  const amount = get(MPM_TAG.amount) ?? null;
  if (amount !== null && !isAmount(amount)) throw new EmvMpmError('bad_field', `the amount ${JSON.stringify(amount)} is not a decimal`);
  const country = need(MPM_TAG.country, 'country code');
  if (!/^[A-Z]{2}$/.test(country)) throw new EmvMpmError('bad_field', 'the country must be 2 upper-case letters');
  const name = need(MPM_TAG.name, 'merchant name');
  if (charCount(name) > MAX_MERCHANT_NAME) throw new EmvMpmError('too_long', `the merchant name is longer than ${MAX_MERCHANT_NAME} characters`);
  const city = need(MPM_TAG.city, 'merchant city');
  if (charCount(city) > MAX_MERCHANT_CITY) throw new EmvMpmError('too_long', `the merchant city is longer than ${MAX_MERCHANT_CITY} characters`);
  const additionalObject = objects.find((o) => o.id === MPM_TAG.additional);
  const additional: Record<string, string> = {};
  if (additionalObject) for (const f of parseTemplate(additionalObject)) additional[f.id] = f.value;
  return {
    objects,
    pointOfInitiation: poi === '11' ? 'static' : poi === '12' ? 'dynamic' : null,
    accounts,
    mcc,
    currency,
    amount,
    country,
    name,
    city,
    additional,
    reference: additional[ADDITIONAL_TAG.reference] ?? null,
    terminalLabel: additional[ADDITIONAL_TAG.terminalLabel] ?? null,
    crc,
  };
}

function parseTemplate(object: MpmObject): MpmObject[] {
  try {
    return parseMpmObjects(object.value);
  } catch (err) {
    if (err instanceof EmvMpmError) throw new EmvMpmError('bad_tlv', `template ${object.id}: ${err.message}`);
    throw err;
  }
}

function isAmount(text: string): boolean {
  return text.length <= 13 && /^(0|[1-9]\d*)(\.\d{1,2})?$/.test(text);
}

/** Minor units (fen) as the decimal tag 54 carries: 2372 -> `23.72`. */
export function mpmAmount(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new EmvMpmError('bad_field', 'the amount must be a whole number of minor units');
  const text = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
  if (text.length > 13) throw new EmvMpmError('too_long', 'the amount is longer than 13 characters');
  return text;
}

/** Tag 54 back to minor units: `23.72` -> 2372, `5` -> 500, `0.5` -> 50. */
export function minorOfMpmAmount(text: string): number {
  if (!isAmount(text)) throw new EmvMpmError('bad_field', `the amount ${JSON.stringify(text)} is not a decimal`);
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
