import type { AssembledScan, ScanSink } from '../../../src/drivers/scanner/scan-sink.js';
import type { ScannerErrorCode } from '../../../src/drivers/scanner/errors.js';

export interface Rejection {
  code: ScannerErrorCode;
  length: number;
  at: number;
}

/** A ScanSink that records, for the pure assembler tests. */
export function collectSink(): ScanSink & { scans: AssembledScan[]; rejects: Rejection[]; log: string[] } {
  const scans: AssembledScan[] = [];
  const rejects: Rejection[] = [];
  const log: string[] = [];
  return {
    scans,
    rejects,
    log,
    scan(scan) {
      scans.push(scan);
      log.push(`scan:${scan.text}`);
    },
    reject(code, _message, length, at) {
      rejects.push({ code, length, at });
      log.push(`reject:${code}:${length}`);
    },
  };
}
