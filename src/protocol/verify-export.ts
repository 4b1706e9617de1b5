import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ChainVerifier, VerifyFailure, type VerifierOptions, type VerifySummary } from './chain-verifier.js';
import { parseExportHeader } from './export-format.js';
import type { CloseAck } from './settlement.js';

/** Verifies an export file line by line (bounded memory, whatever its length). Throws VerifyFailure. */
export async function verifyExportFile(file: string, options: VerifierOptions & { anchor?: CloseAck } = {}): Promise<VerifySummary> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  const verifier = new ChainVerifier(options);
  let lineNo = 0;
  let declared: number | undefined;
  for await (const line of lines) {
    lineNo++;
    if (lineNo === 1) {
      try {
        declared = parseExportHeader(line).records;
      } catch (err) {
        throw new VerifyFailure('malformed', undefined, 1, (err as Error).message);
      }
      continue;
    }
    if (line === '') continue;
    verifier.push(line, lineNo);
  }
  if (lineNo === 0) throw new VerifyFailure('malformed', undefined, undefined, 'the file is empty');
  return verifier.finish(options.anchor, declared);
}
