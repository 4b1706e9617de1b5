import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { toHex } from '../../encoding/hex.js';
import type { Journal } from './journal.js';
import { exportHeader } from '../../protocol/export-format.js';

/**
 * Writes the journal as JSON Lines: a header line, then each record's canonical text.
 * Written to FILE.tmp, fsynced and renamed, so a crash never leaves a half export under FILE.
 */
/** onProgress(records written, records in all) after every MiB written, and at the end. */
export function exportJournal(journal: Journal, file: string, now = Date.now(), onProgress?: (done: number, total: number) => void): { records: number } {
  const headSeq = journal.headSeq;
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  let count = 0;
  try {
    const header = exportHeader({
      terminal: journal.terminalId,
      publicKey: toHex(journal.genesisPublicKey),
      records: headSeq + 1,
      headHash: journal.headHash,
      exportedAt: now,
    });
    let buffer = `${header}\n`;
    for (const record of journal.records(0, headSeq)) {
      buffer += `${record.text}\n`;
      count++;
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
        onProgress?.(count, headSeq + 1);
      }
    }
    writeSync(fd, buffer);
    onProgress?.(count, headSeq + 1);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return { records: count };
}
