import { formatMoney } from '../../protocol/assets.js';
import type { KindTotals, TenderTotals } from '../../protocol/record.js';
import type { Journal } from '../ledger/journal.js';
import { localTime } from '../local-time.js';
import type { ReceiptContent, ReceiptRow } from '../ports.js';
import { forLanguage, tenderName, word, type Word } from '../receipts/labels.js';
import type { ReceiptLanguage, ReceiptMerchant } from '../receipts/receipt-input.js';
import type { DayClose } from './day-close.js';
import { openDay, shiftTotals } from './shift-totals.js';

/** An X report (running totals since the last Z, nothing reset) or a Z report (the day close). */
export interface EndOfDayReport {
  type: 'X' | 'Z';
  terminal: string;
  /** Z: this close's number; X: the number the next Z will get. */
  z: number;
  /** Z: the business day closed; X: null. */
  day: string | null;
  from: number;
  through: number;
  /** Wall clock when the report was made. */
  at: number;
  totals: KindTotals;
  tenders: TenderTotals;
  /** Financial records counted. */
  records: number;
  /** Z: the day_close record and the checkpoint after it; X: null. */
  dayCloseSeq: number | null;
  checkpointSeq: number | null;
}

/** The X report: what the open day holds so far. Reads only; may be run any number of times. */
export function xReport(journal: Journal, at: number): EndOfDayReport {
  const { from, z } = openDay(journal);
  const shift = shiftTotals(journal, from, journal.headSeq);
  return { type: 'X', terminal: journal.terminalId, z, day: null, from, through: journal.headSeq, at, totals: shift.totals, tenders: shift.tenders, records: shift.records, dayCloseSeq: null, checkpointSeq: null };
}

/** The Z report of a day close just made. */
export function zReport(terminal: string, close: DayClose, at: number): EndOfDayReport {
  return {
    type: 'Z',
    terminal,
    z: close.z,
    day: close.day,
    from: close.from,
    through: close.through,
    at,
    totals: close.totals,
    tenders: close.tenders,
    records: close.records,
    dayCloseSeq: close.record.seq,
    checkpointSeq: close.checkpoint.seq,
  };
}

/** Net per asset: payments in, less refunds, voids and reversals. */
export function netOf(byKind: KindTotals[string] | undefined): number {
  if (!byKind) return 0;
  let net = 0;
  for (const [kind, t] of Object.entries(byKind)) net += kind === 'payment' ? t.amount : -t.amount;
  return net;
}

const KIND_WORDS: readonly (readonly [string, Word])[] = [
  ['payment', 'sales'],
  ['refund', 'refunds'],
  ['void', 'voids'],
  ['reversal', 'reversals'],
];

export interface ReportLook {
  merchant: ReceiptMerchant;
  timezone: string;
  language: ReceiptLanguage;
}

/** The report on paper: per asset (never summed across assets) the kinds, the net, then the same by method. */
export function reportContent(report: EndOfDayReport, look: ReportLook): ReceiptContent {
  const lang = look.language;
  const at = localTime(report.at, look.timezone);
  const money = (minor: number, asset: string): string => formatMoney(minor, asset, { code: false });
  const titles = report.type === 'X' ? [word(lang, 'xReport'), word(lang, 'noReset')] : [word(lang, 'zReport'), word(lang, 'dayClose'), `Z-${String(report.z).padStart(4, '0')}`];
  const info: ReceiptRow[] = [{ label: word(lang, 'terminal'), value: report.terminal }];
  if (report.day) info.push({ label: word(lang, 'day'), value: report.day });
  info.push({ label: word(lang, 'records'), value: report.through >= report.from ? `${report.from}-${report.through}` : '-' });
  info.push({ label: word(lang, 'time'), value: `${at.date} ${at.time}` });
  if (report.type === 'X') info.push({ label: word(lang, 'nextZ'), value: String(report.z) });
  if (report.dayCloseSeq !== null) info.push({ label: word(lang, 'number'), value: String(report.dayCloseSeq) });

  const sections: { title: string; rows: ReceiptRow[] }[] = [];
  for (const asset of Object.keys(report.totals).sort()) {
    const byKind = report.totals[asset]!;
    const rows: ReceiptRow[] = [];
    for (const [kind, name] of KIND_WORDS) {
      const t = byKind[kind];
      if (!t && kind === 'reversal') continue;
      rows.push({ label: `${word(lang, name)} (${t?.n ?? 0})`, value: `${kind === 'payment' || !t ? '' : '-'}${money(t?.amount ?? 0, asset)}` });
    }
    rows.push({ label: word(lang, 'net'), value: money(netOf(byKind), asset), emphasis: true });
    sections.push({ title: asset, rows });
    const methods: ReceiptRow[] = [];
    const byTender = report.tenders[asset] ?? {};
    for (const tender of Object.keys(byTender).sort()) {
      const kinds = byTender[tender]!;
      const paid = kinds.payment;
      methods.push({ label: `${tenderName(lang, tender)} (${paid?.n ?? 0})`, value: money(paid?.amount ?? 0, asset) });
      for (const [kind, name] of KIND_WORDS.slice(1)) {
        const t = kinds[kind];
        if (t) methods.push({ label: `  ${word(lang, name)} (${t.n})`, value: `-${money(t.amount, asset)}` });
      }
    }
    if (methods.length) sections.push({ title: `${asset} ${word(lang, 'byMethod')}`, rows: methods });
  }
  if (sections.length === 0) sections.push({ title: word(lang, 'nothing'), rows: [] });
  const header = [forLanguage(lang, look.merchant.name, 'posd')];
  const city = look.merchant.city ? forLanguage(lang, look.merchant.city) : null;
  if (city) header.push(city);
  return { header, titles, info, items: [], totals: [], sections, footer: [`${at.zone} UTC${at.offset}`] };
}
