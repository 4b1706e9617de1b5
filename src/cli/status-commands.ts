import { formatMoney } from '../protocol/assets.js';
import { AcquirerClient } from '../settlement/acquirer-client.js';
import { SettlementDrainer } from '../settlement/drainer.js';
import { SettlementError } from '../settlement/errors.js';
import { Outbox, type SettlementCounters } from '../settlement/outbox.js';
import { Journal } from '../terminal/ledger/journal.js';
import { CliError, EXIT, parseHexKey } from './exit.js';
import { openReadOnly } from './journal-commands.js';

type Out = (line: string) => void;

export function describeCounters(c: SettlementCounters | null, out: Out): void {
  if (!c) return out('  settlement: unknown (the journal failed its integrity check)');
  if (c.unsettledCount === 0) out('  settlement: everything settled');
  for (const [asset, b] of Object.entries(c.unsettled)) out(`  unsettled ${asset}: ${b.count} records, net ${formatMoney(b.net, asset)}`);
  if (c.oldestUnsettledAgeMs !== null) out(`  oldest unsettled: record ${c.oldestUnsettledSeq}, ${Math.round(c.oldestUnsettledAgeMs / 60_000)} min old`);
  out(`  waiting for upload: ${c.pendingUpload} records; settled through seq ${c.settledThrough}`);
  if (c.deadLetters > 0) out(`  DEAD LETTERS: ${c.deadLetters} records the acquirer refused (posctl status --dead)`);
}

export function statusCommand(options: { dataDir: string; json?: boolean; dead?: boolean }, out: Out): number {
  const journal = openReadOnly(options.dataDir);
  try {
    const outbox = journal.settlement ? new Outbox(journal) : undefined;
    const counters = outbox?.counters();
    if (options.json) {
      out(JSON.stringify({ terminal: journal.terminalId, headSeq: journal.headSeq, headHash: journal.headHash, totals: journal.totals, sync: counters ?? null }));
      return EXIT.ok;
    }
    out(`terminal ${journal.terminalId}: ${journal.headSeq + 1} records, head ${journal.headHash}`);
    for (const [asset, t] of Object.entries(journal.totals)) out(`  grand total ${asset}: ${t.n} records, in ${formatMoney(t.in, asset)}, out ${formatMoney(t.out, asset)}`);
    if (counters && outbox?.book.attempted) describeCounters(counters, out);
    else out('  settlement: never attempted');
    if (options.dead && outbox) for (const d of outbox.deadLetters()) out(`  dead ${d.seq}: ${d.reason}`);
  } finally {
    journal.close();
  }
  return EXIT.ok;
}

export async function settleCommand(options: { dataDir: string; acquirer: string; acquirerKey: string; attempts?: string }, out: Out, err: Out): Promise<number> {
  const acquirerPublicKey = parseHexKey(options.acquirerKey, '--acquirer-key');
  if (!acquirerPublicKey) throw new CliError('--acquirer-key is required');
  const journal = Journal.open(options.dataDir);
  const client = new AcquirerClient(options.acquirer);
  const drainer = new SettlementDrainer({ journal, client, acquirerPublicKey });
  try {
    const report = await drainer.drain(Number(options.attempts ?? 5));
    out(`settled through seq ${report.settledThrough}: ${report.uploadBatches} upload batches, ${report.recordsAccepted} records accepted, ${report.recordsRejected} refused, ${report.closes} closes`);
    describeCounters(drainer.status().counters, out);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof SettlementError) {
      err(`settlement stopped (${e.code}): ${e.message}`);
      describeCounters(drainer.status().counters, err);
      return EXIT.failed;
    }
    throw e;
  } finally {
    client.close();
    journal.close();
  }
}
