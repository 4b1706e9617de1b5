import type { PosTerminal } from '../app/terminal.js';
import type { EndOfDayReport } from '../terminal/reports/end-of-day.js';
import { formatMoney } from '../protocol/assets.js';
import { CodedError } from '../errors/coded-error.js';
import { CliError, EXIT } from './exit.js';

type Out = (line: string) => void;

const KINDS = [
  ['payment', 'sales'],
  ['refund', 'refunds'],
  ['void', 'voids'],
  ['reversal', 'reversals'],
] as const;

/** An X or Z report as text for a terminal: per asset (never summed across assets), then per method. */
export function reportLines(report: EndOfDayReport): string[] {
  const lines: string[] = [];
  const title = report.type === 'X' ? `X report (running totals, nothing reset; the next Z is Z-${report.z})` : `Z report Z-${report.z}, business day ${report.day}`;
  lines.push(`${title}: terminal ${report.terminal}, records ${report.from}..${report.through}, ${report.records} financial`);
  if (report.dayCloseSeq !== null) lines.push(`  day_close record ${report.dayCloseSeq}, checkpoint ${report.checkpointSeq}`);
  const assets = Object.keys(report.totals).sort();
  if (assets.length === 0) lines.push('  no transactions');
  for (const asset of assets) {
    const byKind = report.totals[asset]!;
    let net = 0;
    const parts: string[] = [];
    for (const [kind, name] of KINDS) {
      const t = byKind[kind];
      net += kind === 'payment' ? (t?.amount ?? 0) : -(t?.amount ?? 0);
      if (t || kind !== 'reversal') parts.push(`${name} ${t?.n ?? 0} ${formatMoney(t?.amount ?? 0, asset, { code: false })}`);
    }
    lines.push(`  ${asset}: ${parts.join(', ')}; net ${formatMoney(net, asset)}`);
    for (const [tender, kinds] of Object.entries(report.tenders[asset] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const described = KINDS.filter(([kind]) => kinds[kind]).map(([kind, name]) => `${name} ${kinds[kind]!.n} ${formatMoney(kinds[kind]!.amount, asset, { code: false })}`);
      lines.push(`    ${tender}: ${described.join(', ')}`);
    }
  }
  return lines;
}

/** `posctl report x`: read-only, any number of times, even while posd runs. */
export function xReportCommand(report: EndOfDayReport, options: { json?: boolean }, out: Out): number {
  if (options.json) out(JSON.stringify(report));
  else for (const line of reportLines(report)) out(line);
  return EXIT.ok;
}

/**
 * `posctl report z`: closes the day through the terminal (the journal's one writer), prints the
 * Z report when the terminal has a printer, then settles once when it has an acquirer.
 */
export async function zReportCommand(terminal: PosTerminal, options: { day?: string; json?: boolean; print?: boolean }, out: Out, err: Out): Promise<number> {
  const report = terminal.reports.z(options.day !== undefined ? { day: options.day } : {});
  let printed: string = 'no printer';
  if (options.print !== false && terminal.devices.printer) {
    try {
      await terminal.reports.print(report);
      printed = 'printed';
    } catch (e) {
      printed = `not printed: ${(e as Error).message}`;
    }
  }
  let settlement = 'no acquirer configured';
  if (terminal.settlement) {
    try {
      const drained = await terminal.settlement.settleNow(1);
      settlement = `settled through record ${drained.settledThrough}`;
    } catch (e) {
      settlement = `not settled yet (${e instanceof CodedError ? e.code : 'error'}): ${(e as Error).message}`;
    }
  }
  if (options.json) {
    out(JSON.stringify({ ...report, printed, settlement }));
  } else {
    for (const line of reportLines(report)) out(line);
    out(`  paper: ${printed}`);
    out(`  settlement: ${settlement}`);
  }
  if (printed.startsWith('not printed')) err(`posctl: the day is closed (signed day_close record ${report.dayCloseSeq}), but its paper was ${printed}`);
  return EXIT.ok;
}

/** The advice when posd holds the journal: a Z (or anything that writes or prints) needs the one writer. */
export function writerRunningAdvice(command: string, holder: { pid: number; program: string }): CliError {
  return new CliError(
    `${holder.program} (pid ${holder.pid}) is running on this data directory and is the journal's only writer: ${command} from the posd console or its local API (posctl console, docs/console.md), or stop posd and run this again`,
    EXIT.failed,
  );
}
