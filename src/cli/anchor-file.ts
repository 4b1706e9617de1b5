import { readFileSync } from 'node:fs';
import { parseJsonWithoutDuplicates } from '../encoding/canonical-json.js';
import { CliError } from './exit.js';

/**
 * Reads an anchor file for `journal verify` and `journal check-proof`: UTF-8 JSON of a close ack
 * as GET /v1/terminals/{id}/checkpoint serves it, in any spelling (docs/journal.md, section 9).
 * A file that is not that (unreadable, not UTF-8, a byte-order mark, not JSON, a duplicate
 * member) cannot be used: CliError, exit 2. What the JSON says is for the caller to judge.
 */
export function readAnchorFile(file: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read the anchor ${file}: ${(e as Error).message}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CliError(`cannot read the anchor ${file}: not UTF-8`);
  }
  try {
    return parseJsonWithoutDuplicates(text);
  } catch (e) {
    throw new CliError(`cannot read the anchor ${file}: ${(e as Error).message}`);
  }
}
