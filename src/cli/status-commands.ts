import type { TerminalRecords } from '../app/inspect.js';
import type { SettlementService } from '../app/terminal.js';
import { formatMoney } from '../protocol/assets.js';
import type { SettlementCounters } from '../settlement/outbox.js';
import { CodedError } from '../errors/coded-error.js';
import { EXIT } from './exit.js';

type Out = (line: string) => void;

export function describeCounters(c: SettlementCounters | null, out: Out): void {
  if (!c) return out('  settlement: unknown (the journal failed its integrity check)');
  if (c.unsettledCount === 0) out('  settlement: everything settled');
  for (const [asset, b] of Object.entries(c.unsettled)) out(`  unsettled ${asset}: ${b.count} records, net ${formatMoney(b.net, asset)}`);
  if (c.oldestUnsettledAgeMs !== null) out(`  oldest unsettled: record ${c.oldestUnsettledSeq}, ${Math.round(c.oldestUnsettledAgeMs / 60_000)} min old`);
  out(`  waiting for upload: ${c.pendingUpload} records; settled through seq ${c.settledThrough}`);
  if (c.deadLetters > 0) out(`  DEAD LETTERS: ${c.deadLetters} records the acquirer refused (posctl status --dead)`);
}

export function statusCommand(records: TerminalRecords, options: { json?: boolean; dead?: boolean }, out: Out): number {
  const counters = records.settlement?.counters() ?? null;
  if (options.json) {
    out(JSON.stringify({ terminal: records.id, headSeq: records.headSeq, headHash: records.headHash, totals: records.totals, sync: counters }));
    return EXIT.ok;
  }
  out(`terminal ${records.id}: ${records.headSeq + 1} records, head ${records.headHash}`);
  for (const [asset, t] of Object.entries(records.totals)) out(`  grand total ${asset}: ${t.n} records, in ${formatMoney(t.in, asset)}, out ${formatMoney(t.out, asset)}`);
  if (records.settlement) describeCounters(counters, out);
  if (!records.settlement?.attempted) out('  settlement: never attempted');
  if (options.dead && records.settlement) for (const d of records.settlement.deadLetters()) out(`  dead ${d.seq}: ${d.reason}`);
  return EXIT.ok;
}

export async function settleCommand(settlement: SettlementService, options: { attempts?: string }, out: Out, err: Out): Promise<number> {
  try {
    const report = await settlement.settleNow(Number(options.attempts ?? 5));
    out(`settled through seq ${report.settledThrough}: ${report.uploadBatches} upload batches, ${report.recordsAccepted} records accepted, ${report.recordsRejected} refused, ${report.closes} closes`);
    describeCounters(settlement.status().counters, out);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CodedError) {
      err(`settlement stopped (${e.code}): ${e.message}`);
      describeCounters(settlement.status().counters, err);
      return EXIT.failed;
    }
    throw e;
  }
}
