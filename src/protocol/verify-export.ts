import { createReadStream, statSync } from 'node:fs';
import { ChainVerifier, VerifyFailure, type VerifierOptions, type VerifySummary } from './chain-verifier.js';
import { ExportHeaderError, parseExportHeader } from './export-format.js';

/**
 * The longest export line accepted. A record line is a few hundred bytes (a settlement ack a few
 * KiB); past this the line is refused as malformed without being held whole.
 */
export const MAX_LINE_BYTES = 1 << 20;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Verifies an export file line by line (docs/journal.md, sections 8 and 9), in bounded memory
 * whatever its length or content (but for one byte per record): line 1 the header, then one
 * record per line, every line ending in exactly one line feed. Throws VerifyFailure naming the
 * line (and the seq of the record there, or expected there) for anything wrong with the file or
 * the anchor; other errors only when the file cannot be read.
 */
export async function verifyExportFile(
  file: string,
  options: VerifierOptions & { onProgress?: (bytesRead: number, totalBytes: number) => void } = {},
): Promise<VerifySummary> {
  const totalBytes = options.onProgress ? statSync(file).size : 0;
  let bytesRead = 0;
  const verifier = new ChainVerifier(options);
  // ignoreBOM: a byte-order mark is kept, so it makes its line malformed instead of vanishing.
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let lineNo = 0;
  const take = (bytes: Uint8Array, terminated: boolean): void => {
    lineNo++;
    const seq = lineNo === 1 ? undefined : verifier.nextSeq;
    const malformed = (message: string): never => {
      throw new VerifyFailure('malformed', seq, lineNo, message);
    };
    if (!terminated) malformed('the file does not end with a line feed: its last line is incomplete');
    if (bytes.length === 0) malformed('a blank line: every line holds the header or one record');
    if (bytes[bytes.length - 1] === CR) malformed('the line ends in CR LF: lines end in a line feed alone');
    let line = '';
    try {
      line = utf8.decode(bytes);
    } catch {
      malformed('the line is not valid UTF-8');
    }
    if (lineNo === 1) {
      try {
        verifier.expectHeader(parseExportHeader(line));
      } catch (err) {
        if (err instanceof ExportHeaderError) malformed(err.message);
        throw err;
      }
      return;
    }
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
      take(pending.length === 0 ? piece : Buffer.concat([...pending, piece]), true);
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
  if (pendingLength > 0) take(Buffer.concat(pending), false);
  if (lineNo === 0) throw new VerifyFailure('malformed', undefined, 1, 'the file is empty');
  return verifier.finish(lineNo + 1);
}

function tooLong(lineNo: number, verifier: ChainVerifier): never {
  throw new VerifyFailure('malformed', lineNo === 1 ? undefined : verifier.nextSeq, lineNo, `the line is longer than ${MAX_LINE_BYTES} bytes`);
}
