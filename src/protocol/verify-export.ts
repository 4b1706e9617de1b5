import { createReadStream, statSync } from 'node:fs';
import { ChainVerifier, VerifyFailure, type VerifierOptions, type VerifySummary } from './chain-verifier.js';
import { parseExportHeader } from './export-format.js';
import type { CloseAck } from './settlement.js';

/**
 * The longest export line accepted. A record line is a few hundred bytes (a settlement ack a few
 * KiB); past this the line is refused as malformed without being held whole.
 */
export const MAX_LINE_BYTES = 1 << 20;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Verifies an export file line by line, in bounded memory whatever its length or content (but
 * for one byte per record, docs/journal.md section 9).
 * Throws VerifyFailure naming the line (and the seq of the record there, or expected there)
 * for anything wrong with the file; other errors only when the file cannot be read.
 */
export async function verifyExportFile(
  file: string,
  options: VerifierOptions & { anchor?: CloseAck; onProgress?: (bytesRead: number, totalBytes: number) => void } = {},
): Promise<VerifySummary> {
  const totalBytes = options.onProgress ? statSync(file).size : 0;
  let bytesRead = 0;
  const verifier = new ChainVerifier(options);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let lineNo = 0;
  let declared: number | undefined;
  const take = (bytes: Uint8Array): void => {
    lineNo++;
    const seq = lineNo === 1 ? undefined : verifier.nextSeq;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    let line: string;
    try {
      line = utf8.decode(bytes.subarray(0, end));
    } catch {
      throw new VerifyFailure('malformed', seq, lineNo, 'the line is not valid UTF-8');
    }
    if (lineNo === 1) {
      try {
        declared = parseExportHeader(line).records;
      } catch (err) {
        throw new VerifyFailure('malformed', undefined, 1, (err as Error).message);
      }
      return;
    }
    if (line === '') return;
    verifier.push(line, lineNo);
  };
  const pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    options.onProgress?.(bytesRead, totalBytes);
    let from = 0;
    for (let at = chunk.indexOf(LF); at !== -1; at = chunk.indexOf(LF, from)) {
      const piece = chunk.subarray(from, at);
      if (pendingLength + piece.length > MAX_LINE_BYTES) tooLong(lineNo + 1, verifier);
      take(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
      pending.length = 0;
      pendingLength = 0;
      from = at + 1;
    }
    if (from < chunk.length) {
      pendingLength += chunk.length - from;
      if (pendingLength > MAX_LINE_BYTES) tooLong(lineNo + 1, verifier);
      pending.push(chunk.subarray(from));
    }
  }
  if (pendingLength > 0) take(Buffer.concat(pending));
  if (lineNo === 0) throw new VerifyFailure('malformed', undefined, 1, 'the file is empty');
  return verifier.finish(options.anchor, declared, lineNo + 1);
}

function tooLong(lineNo: number, verifier: ChainVerifier): never {
  throw new VerifyFailure('malformed', lineNo === 1 ? undefined : verifier.nextSeq, lineNo, `the line is longer than ${MAX_LINE_BYTES} bytes`);
}
