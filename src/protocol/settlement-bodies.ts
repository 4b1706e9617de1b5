import { canonicalJson } from '../encoding/canonical-json.js';
import type { KindTotals } from './record.js';
import { PROTOCOL_VERSION, type Consistency } from './settlement-schemas.js';

/**
 * Request bodies as canonical JSON (RFC 8785), built from the journal's stored record texts.
 * A stored record text is already canonical, so it is placed as is instead of being parsed and
 * written again; the members around it are written in their sorted order. The tests check that
 * each body equals canonicalJson of the parsed body.
 */

export interface UploadBodyFields {
  terminal: string;
  batch: string;
  publicKey: string;
}

/** `{"batch","publicKey","records","terminal","v"}`. `recordTexts` are canonical signed record texts. */
export function encodeUploadRequest(fields: UploadBodyFields, recordTexts: Iterable<string>): string {
  let records = '';
  for (const text of recordTexts) records += (records ? ',' : '') + text;
  return `{"batch":${canonicalJson(fields.batch)},"publicKey":${canonicalJson(fields.publicKey)},"records":[${records}],"terminal":${canonicalJson(fields.terminal)},"v":${PROTOCOL_VERSION}}`;
}

export interface CloseBodyFields {
  terminal: string;
  close: string;
  from: number;
  through: number;
  totals: KindTotals;
  consistency: Consistency | null;
}

/** `{"checkpoint","close","consistency","from","terminal","through","totals","v"}`. `checkpointText` is the checkpoint record's canonical text. */
export function encodeCloseRequest(fields: CloseBodyFields, checkpointText: string): string {
  return `{"checkpoint":${checkpointText},"close":${canonicalJson(fields.close)},"consistency":${canonicalJson(fields.consistency)},"from":${canonicalJson(fields.from)},"terminal":${canonicalJson(fields.terminal)},"through":${canonicalJson(fields.through)},"totals":${canonicalJson(fields.totals)},"v":${PROTOCOL_VERSION}}`;
}
