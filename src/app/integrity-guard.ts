import type { AuditProgress } from '../terminal/ledger/integrity/audit.js';
import { JournalAudit } from '../terminal/ledger/integrity/audit.js';
import { checkOnOpen, type StartupCheckReport } from '../terminal/ledger/integrity/startup-check.js';
import { LedgerIntegrityError } from '../terminal/ledger/integrity-error.js';
import type { Journal } from '../terminal/ledger/journal.js';
import type { TerminalEventStream } from './events.js';
import type { Logger } from './logger.js';

export interface IntegrityStatus {
  /** `integrity_failed`: the journal contradicts its signatures or itself; the terminal takes no payment. */
  state: 'ok' | 'integrity_failed';
  startup: StartupCheckReport | null;
  audit: AuditProgress;
  failure: { code: string; seq: number; message: string; advice: string } | null;
}

const ADVICE =
  'Take no payments on this terminal. Do not delete or edit anything in the data directory. ' +
  'Export the journal (posctl journal export) and verify it against the acquirer\'s anchor (posctl journal verify --anchor), ' +
  'then call the acquirer: the records it countersigned are safe at the acquirer; records after them can be recovered from a backup or the export.';

/**
 * The terminal's check of its own journal: at start, before any payment, and then in the
 * background at low priority. A failure puts the terminal in the named state
 * `integrity_failed`: it refuses payments and settlement, names the first bad record and why,
 * and says what to do.
 */
export class IntegrityGuard {
  private startup: StartupCheckReport | null = null;
  private failure: IntegrityStatus['failure'] = null;
  private readonly audit: JournalAudit;

  constructor(
    private readonly journal: Journal,
    private readonly events: TerminalEventStream,
    private readonly log: Logger,
  ) {
    this.audit = new JournalAudit(journal);
    this.audit.on('progress', (progress) => {
      if (progress.state === 'failed' && progress.failure) this.fail(new LedgerIntegrityError(progress.failure.code as LedgerIntegrityError['code'], progress.failure.seq, progress.failure.message));
      else if (progress.state === 'done') this.log.info({ records: progress.checked, ms: (progress.finishedAt ?? 0) - (progress.startedAt ?? 0) }, 'journal audit: every record matches the Merkle roots it committed to');
    });
  }

  /** The start-up check; false (and the terminal out of service) when it fails. */
  checkAtStart(acquirerPublicKey?: Uint8Array): boolean {
    try {
      this.startup = checkOnOpen(this.journal, acquirerPublicKey ? { acquirerPublicKey } : {});
      this.log.info({ ...this.startup }, 'journal checked from its newest countersigned checkpoint to the head');
      return true;
    } catch (err) {
      if (!(err instanceof LedgerIntegrityError)) throw err;
      this.fail(err);
      return false;
    }
  }

  /** Starts the background audit of the whole journal. */
  startAudit(): void {
    void this.audit.run().catch((err: unknown) => this.log.error({ err: (err as Error).message }, 'journal audit stopped'));
  }

  stopAudit(): Promise<void> {
    return this.audit.stop();
  }

  /** Why the terminal takes no payment, or null. */
  outOfService(): string | null {
    return this.failure ? `integrity_failed: ${this.failure.message}` : null;
  }

  /** Records a failure found elsewhere (a settlement batch that no longer matches the journal). */
  fail(err: LedgerIntegrityError): void {
    if (this.failure) return;
    this.failure = { code: err.code, seq: err.seq, message: err.message, advice: ADVICE };
    this.log.error({ code: err.code, seq: err.seq, reason: err.message, advice: ADVICE }, 'INTEGRITY FAILED: the journal contradicts its signatures; the terminal takes no payments');
    this.events.emit('integrity.failed', this.failure);
  }

  status(): IntegrityStatus {
    return { state: this.failure ? 'integrity_failed' : 'ok', startup: this.startup, audit: this.audit.progress(), failure: this.failure };
  }
}
