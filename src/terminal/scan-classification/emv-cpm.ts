import { readTlv, TlvError, type Tlv } from '../../encoding/ber-tlv.js';

/**
 * EMV consumer-presented QR (EMVCo QR Code Specification for Payment Systems, Consumer-
 * Presented Mode): the QR text is base64 of BER-TLV data objects:
 *   85 Payload Format Indicator = "CPV01" (first), then one or more
 *   61 Application Template (4F ADF name, 50 label, 57 track 2 equivalent, 5A PAN, 63 ...),
 *   62 Common Data Template, optional.
 *
 * The base64 of 85 05 "CPV0" is `hQVDUFYw`, and the 9th character `M` carries the top six bits
 * of the final "1". The 10th character also carries the top two bits of the NEXT byte, so a real
 * payload (85 05 "CPV01" 61 ...) begins `hQVDUFYwMW`; `hQVDUFYwMQ` only begins a payload with
 * nothing after "CPV01". We recognise the 9-character prefix and check "CPV01" in the TLV.
 */
export const EMV_CPM_PREFIX = 'hQVDUFYwM';

const TAG_PAYLOAD_FORMAT = 0x85;
const TAG_APPLICATION_TEMPLATE = 0x61;
const TAG_COMMON_DATA_TEMPLATE = 0x62;
const TAG_ADF_NAME = 0x4f;
const TAG_APPLICATION_LABEL = 0x50;

export interface EmvCpmApplication {
  /** ADF name (tag 4F), upper-case hex, when present. */
  aid: string | undefined;
  /** Application label (tag 50), when present and printable. */
  label: string | undefined;
  /** The tags inside the template, upper-case hex, in order (values stay out: PAN and track 2 live there). */
  tags: string[];
}

export type EmvCpmParse =
  | { ok: true; applications: EmvCpmApplication[]; commonDataTags: string[] | undefined; byteLength: number }
  | { ok: false; detail: string };

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

export function decodeStrictBase64(text: string): Uint8Array | undefined {
  if (!BASE64_RE.test(text)) return undefined;
  const padded = text.endsWith('=');
  if (padded ? text.length % 4 !== 0 : text.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function tagHex(tag: number): string {
  return tag.toString(16).toUpperCase().padStart(2, '0');
}

function printableAscii(bytes: Uint8Array): string | undefined {
  for (const b of bytes) if (b < 0x20 || b > 0x7e) return undefined;
  return Buffer.from(bytes).toString('latin1');
}

export function parseEmvCpm(text: string): EmvCpmParse {
  const bytes = decodeStrictBase64(text);
  if (!bytes) return { ok: false, detail: 'not base64' };
  let objects: Tlv[];
  try {
    objects = readTlv(bytes);
  } catch (err) {
    if (err instanceof TlvError) return { ok: false, detail: `BER-TLV: ${err.message}` };
    throw err;
  }
  const [format, ...rest] = objects;
  if (!format || format.tag !== TAG_PAYLOAD_FORMAT) return { ok: false, detail: 'first object is not the payload format indicator (85)' };
  const version = printableAscii(format.value);
  if (version !== 'CPV01') return { ok: false, detail: `payload format ${JSON.stringify(version ?? '?')} is not CPV01` };
  const applications: EmvCpmApplication[] = [];
  let commonDataTags: string[] | undefined;
  for (const object of rest) {
    if (object.tag === TAG_APPLICATION_TEMPLATE && object.children) {
      const aid = object.children.find((c) => c.tag === TAG_ADF_NAME);
      const label = object.children.find((c) => c.tag === TAG_APPLICATION_LABEL);
      applications.push({
        aid: aid ? Buffer.from(aid.value).toString('hex').toUpperCase() : undefined,
        label: label ? printableAscii(label.value) : undefined,
        tags: object.children.map((c) => tagHex(c.tag)),
      });
    } else if (object.tag === TAG_COMMON_DATA_TEMPLATE && object.children && commonDataTags === undefined) {
      commonDataTags = object.children.map((c) => tagHex(c.tag));
    } else {
      return { ok: false, detail: `unexpected object ${tagHex(object.tag)} at the top level` };
    }
  }
  if (applications.length === 0) return { ok: false, detail: 'no application template (61)' };
  return { ok: true, applications, commonDataTags, byteLength: bytes.length };
}
