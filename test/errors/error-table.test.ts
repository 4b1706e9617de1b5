import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/drivers/device.js';
import { CodedError } from '../../src/errors/coded-error.js';
import { dispositionOf, ERROR_CODES } from '../../src/errors/error-table.js';
import { SettlementError } from '../../src/settlement/errors.js';
import { LedgerIntegrityError } from '../../src/terminal/ledger/integrity-error.js';
import { JournalError } from '../../src/terminal/ledger/errors.js';

describe('one error table', () => {
  it('maps each code to an exit status, an HTTP status and retryability', () => {
    expect(dispositionOf(new SettlementError('unreachable', 'down'))).toMatchObject({ exit: 3, http: 503, retryable: true });
    expect(dispositionOf(new SettlementError('idempotency_conflict', 'other body'))).toMatchObject({ exit: 1, http: 409, retryable: false });
    expect(dispositionOf(new SettlementError('integrity_failed', 'edited'))).toMatchObject({ kind: 'integrity', retryable: false });
    expect(dispositionOf(new LedgerIntegrityError('derived_mismatch', 3, 'edited'))).toMatchObject({ kind: 'integrity', exit: 1 });
    expect(dispositionOf(new JournalError('exceeds_payment', 'too much'))).toMatchObject({ kind: 'refused', http: 422 });
    expect(dispositionOf(new JournalError('disk_full', 'full'))).toMatchObject({ kind: 'storage', http: 507 });
    expect(dispositionOf(new DeviceError('not_ready', 'no paper'))).toMatchObject({ kind: 'unavailable', retryable: true });
  });

  it('treats anything it does not know as an internal fault, never as a client error', () => {
    expect(dispositionOf(new Error('boom'))).toMatchObject({ kind: 'internal', http: 500, exit: 2 });
    expect(dispositionOf(new CodedError('not_a_code_posd_uses', 'x'))).toMatchObject({ kind: 'internal' });
  });

  it('never answers a known code with a 5xx that blames the client, and every retryable code is a temporary condition', () => {
    for (const [code, kind] of Object.entries(ERROR_CODES)) {
      const d = dispositionOf(new CodedError(code, code));
      expect(d.kind, code).toBe(kind);
      if (d.kind === 'bad_input' || d.kind === 'refused' || d.kind === 'conflict' || d.kind === 'not_found') expect(d.http, code).toBeLessThan(500);
      if (d.retryable) expect(['busy', 'unavailable'], code).toContain(d.kind);
    }
  });
});
