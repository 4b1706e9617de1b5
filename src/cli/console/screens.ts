import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TerminalRecords } from '../../app/inspect.js';
import { formatMoney } from '../../protocol/assets.js';
import { VerifyFailure } from '../../protocol/chain-verifier.js';
import { verifyExportFile } from '../../protocol/verify-export.js';
import { CodedError } from '../../errors/coded-error.js';
import { CliError, EXIT, parseHexKey } from '../exit.js';
import { checkExportTarget } from '../journal-commands.js';
import { ApiClientError, type ApiClient } from './api-client.js';
import type { ProgressBar } from './progress.js';

/** What the console runs on: posd's API when posd runs (live), its data directory otherwise (read-only). */
export interface ConsoleEnv {
  mode: 'live' | 'read-only';
  /** Logged in with a technician token in live mode. */
  api: ApiClient | undefined;
  terminal: string | undefined;
  dataDir: string | undefined;
  tools: ConsoleTools;
}

/** The app's parts the console uses, handed in by src/bin/posctl.ts (the faces import no app code). */
export interface ConsoleTools {
  inspect(dataDir: string): TerminalRecords;
  tailLog(lines: number, file: string | undefined): Promise<{ source: string; lines: string[] }>;
  /** posd.json read here, redacted; undefined without a configuration. */
  localConfig(): { file: string | null; config: unknown } | undefined;
  /** The acquirer's public key from the configuration, to check settlement acks in verify. */
  acquirerKey: string | undefined;
  /** `posctl reset` on the data directory (provisioning rules); posd must be stopped. */
  reset(options: { force?: boolean; release?: string }, out: (line: string) => void): Promise<number>;
}

/** One screen's outcome: the exit status, the JSON object (`--json`) and the lines for people. */
export interface ScreenResult {
  exit: number;
  json: Record<string, unknown>;
  text: string[];
}

export type SelfTest = 'printer' | 'scanner' | 'nfc' | 'gpio' | 'acquirer';
export const SELF_TESTS: readonly SelfTest[] = ['printer', 'scanner', 'nfc', 'gpio', 'acquirer'];

/** A screen that could not run for a reason with its own code (a wrong PIN, a lockout): the JSON carries the code. */
export class ScreenError extends CodedError<string> {
  override readonly name = 'ScreenError';
  constructor(
    code: string,
    message: string,
    readonly exitCode: number,
  ) {
    super(code, message);
  }
}

/** Exit 3: posd is not running (a screen that needs it), or busy, locked out, unreachable: try later. */
export const EXIT_UNAVAILABLE = 3;

interface DeviceReport {
  kind: string;
  uri: string;
  state: string;
  reason: string | null;
  link: string | null;
  firmware: string | null;
  paper: string | null;
}

interface SelfTestAnswer {
  test: string;
  ok: boolean;
  code: string | null;
  reason: string | null;
  ms: number;
  detail: Record<string, unknown>;
}

interface QueueAnswer {
  state: string;
  unsettledCount: number;
  unsettled: { asset: string; count: number; net: number }[];
  oldest: { seq: number; ageMs: number } | null;
  pendingUpload: number;
  settledThrough: number;
  lastError: { code: string; message: string } | null;
  deadLetters: { seq: number; reason: string }[];
  pendingReversals: { id: string; amount: number | null; asset: string | null; method: string | null }[] | null;
}

const base = (env: ConsoleEnv, screen: string): Record<string, unknown> => ({ screen, mode: env.mode, terminal: env.terminal ?? null });

/** A screen that could not run: the JSON says why, the exit status says whether to try later. */
export function failure(env: ConsoleEnv, screen: string, err: unknown): ScreenResult {
  const code = err instanceof CodedError ? err.code : 'internal';
  const message = (err as Error).message;
  let exit: number = EXIT.error;
  if (err instanceof ApiClientError) {
    const status = err.status ?? 503;
    exit = status === 409 || status === 429 || status >= 500 ? EXIT_UNAVAILABLE : status === 422 ? EXIT.failed : EXIT.error;
  } else if (err instanceof CliError || err instanceof ScreenError) exit = err.exitCode;
  return { exit, json: { ...base(env, screen), ok: false, error: { code, message } }, text: [`${screen}: ${message}${code !== 'usage' ? ` (${code})` : ''}`] };
}

function needsPosd(env: ConsoleEnv, what: string): ApiClient {
  if (env.mode !== 'live' || !env.api) throw new CliError(`${what} needs posd running (it owns the devices): start it (systemctl start posd) and try again`, EXIT_UNAVAILABLE);
  return env.api;
}

function needsDataDir(env: ConsoleEnv, what: string): string {
  if (!env.dataDir) throw new CliError(`${what} reads the data directory: give --data-dir DIR or --config FILE`);
  return env.dataDir;
}

export async function healthScreen(env: ConsoleEnv): Promise<ScreenResult> {
  const { devices } = await needsPosd(env, 'device health').get<{ devices: DeviceReport[] }>('/v1/service/devices');
  const bad = devices.filter((d) => d.state !== 'ready' && d.state !== 'degraded');
  const text = devices.length === 0 ? ['no devices configured'] : devices.map((d) => {
    const facts = [d.paper && `paper ${d.paper}`, d.link && `link ${d.link}`, d.firmware].filter(Boolean).join(', ');
    return `${d.kind.padEnd(8)} ${d.state.padEnd(10)} ${facts}${d.reason ? `  -- ${d.reason}` : ''}`;
  });
  return { exit: bad.length > 0 ? EXIT.failed : EXIT.ok, json: { ...base(env, 'health'), ok: bad.length === 0, devices }, text };
}

export async function selfTestScreen(env: ConsoleEnv, test: SelfTest, timeoutS?: number): Promise<ScreenResult> {
  const api = needsPosd(env, `the ${test} test`);
  const waits = test === 'scanner' || test === 'nfc';
  const body = waits && timeoutS !== undefined ? { timeoutS } : {};
  const result = await api.post<SelfTestAnswer>(`/v1/service/tests/${test}`, body, ((waits ? (timeoutS ?? 30) : 30) + 10) * 1000);
  const text = [`${test} test: ${result.ok ? 'PASSED' : 'FAILED'} (${result.ms} ms)${result.ok ? '' : `: ${result.reason} (${result.code})`}`];
  for (const [name, value] of Object.entries(result.detail)) if (name !== 'health') text.push(`  ${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  return { exit: result.ok ? EXIT.ok : EXIT.failed, json: { ...base(env, 'test'), ...result }, text };
}

function queueFromRecords(records: TerminalRecords): QueueAnswer {
  const counters = records.settlement?.counters() ?? null;
  return {
    state: records.settlement?.attempted ? 'not_running' : 'never_attempted',
    unsettledCount: counters?.unsettledCount ?? 0,
    unsettled: Object.entries(counters?.unsettled ?? {}).map(([asset, b]) => ({ asset, count: b.count, net: b.net })),
    oldest: counters && counters.oldestUnsettledSeq !== null && counters.oldestUnsettledAgeMs !== null ? { seq: counters.oldestUnsettledSeq, ageMs: counters.oldestUnsettledAgeMs } : null,
    pendingUpload: counters?.pendingUpload ?? 0,
    settledThrough: counters?.settledThrough ?? -1,
    lastError: null,
    deadLetters: records.settlement?.deadLetters() ?? [],
    pendingReversals: null,
  };
}

function queueText(q: QueueAnswer): string[] {
  const text = [`settlement: ${q.state}; ${q.unsettledCount} unsettled records; settled through seq ${q.settledThrough}`];
  for (const u of q.unsettled) text.push(`  unsettled ${u.asset}: ${u.count} records, net ${formatMoney(u.net, u.asset)}`);
  if (q.oldest) text.push(`  oldest unsettled: record ${q.oldest.seq}, ${Math.round(q.oldest.ageMs / 60_000)} min old`);
  text.push(`  waiting for upload: ${q.pendingUpload} records`);
  if (q.lastError) text.push(`  last error: ${q.lastError.message} (${q.lastError.code})`);
  text.push(`  dead letters: ${q.deadLetters.length}`);
  for (const d of q.deadLetters) text.push(`    seq ${d.seq}: ${d.reason}`);
  if (q.pendingReversals === null) text.push('  pending reversals: unknown while posd is not running');
  else {
    text.push(`  pending reversals: ${q.pendingReversals.length}`);
    for (const r of q.pendingReversals) text.push(`    ${r.id}: ${r.amount !== null && r.asset ? formatMoney(r.amount, r.asset) : '?'} ${r.method ?? ''}`);
  }
  return text;
}

export async function queueScreen(env: ConsoleEnv): Promise<ScreenResult> {
  let q: QueueAnswer;
  if (env.mode === 'live' && env.api) q = await env.api.get<QueueAnswer>('/v1/service/queue');
  else {
    const records = env.tools.inspect(needsDataDir(env, 'the queue'));
    try {
      q = queueFromRecords(records);
    } finally {
      records.close();
    }
  }
  return { exit: EXIT.ok, json: { ...base(env, 'queue'), ok: true, ...q }, text: queueText(q) };
}

/** Settles now through posd, the bar showing the unsettled records going down (the queue polled while it runs). */
export async function settleScreen(env: ConsoleEnv, bar: ProgressBar | undefined, attempts = 3): Promise<ScreenResult> {
  const api = needsPosd(env, 'settle now');
  const before = await api.get<QueueAnswer>('/v1/service/queue');
  const total = Math.max(before.pendingUpload, before.unsettledCount);
  bar?.update(0, total);
  let polling = true;
  const poll = (async () => {
    while (polling) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (!polling) break;
      const now = await api.get<QueueAnswer>('/v1/service/queue').catch(() => undefined);
      if (now && polling) bar?.update(Math.max(0, total - Math.max(now.pendingUpload, now.unsettledCount)), total);
    }
  })();
  let answer: { ok: boolean; code: string | null; reason: string | null; report: Record<string, number> | null; queue: QueueAnswer };
  try {
    answer = await api.post('/v1/service/settle', { attempts }, 10 * 60_000);
  } finally {
    polling = false;
    await poll;
  }
  const left = Math.max(answer.queue.pendingUpload, answer.queue.unsettledCount);
  bar?.update(total - left, total);
  bar?.finish(answer.ok ? 'settled' : 'stopped');
  const text = answer.ok
    ? [`settled through seq ${answer.report!.settledThrough}: ${answer.report!.uploadBatches} upload batches, ${answer.report!.recordsAccepted} records accepted, ${answer.report!.recordsRejected} refused`]
    : [`settlement stopped: ${answer.reason} (${answer.code})`];
  return { exit: answer.ok ? EXIT.ok : EXIT.failed, json: { ...base(env, 'settle'), ...answer }, text: [...text, ...queueText(answer.queue)] };
}

export function exportScreen(env: ConsoleEnv, out: string, bar: ProgressBar | undefined): ScreenResult {
  checkExportTarget(out);
  const records = env.tools.inspect(needsDataDir(env, 'journal export'));
  try {
    const { count } = records.exportTo(out, (done, total) => bar?.update(done, total));
    bar?.finish();
    return {
      exit: EXIT.ok,
      json: { ...base(env, 'export'), ok: true, file: out, records: count, headSeq: records.headSeq, headHash: records.headHash, terminal: records.id },
      text: [`exported ${count} records of terminal ${records.id} to ${out} (head ${records.headSeq}, ${records.headHash})`],
    };
  } finally {
    records.close();
  }
}

/** Verifies an export file, or the data directory's journal (exported to a temporary file first). */
export async function verifyScreen(env: ConsoleEnv, file: string | undefined, bars: { export?: ProgressBar; verify?: ProgressBar }): Promise<ScreenResult> {
  let temporary: string | undefined;
  let target = file;
  if (target === undefined) {
    temporary = mkdtempSync(join(tmpdir(), 'posctl-verify-'));
    target = join(temporary, 'journal.jsonl');
    exportScreen(env, target, bars.export);
  }
  try {
    const acquirerPublicKey = parseHexKey(env.tools.acquirerKey, "the configuration's acquirer.publicKey");
    const summary = await verifyExportFile(target, { ...(acquirerPublicKey ? { acquirerPublicKey } : {}), onProgress: (done, total) => bars.verify?.update(done, total) });
    bars.verify?.finish('verified');
    const text = [`OK: ${summary.records} records of terminal ${summary.terminal}, head seq ${summary.headSeq}`, `  ${summary.checkpoints} checkpoints, ${summary.countersigned} countersigned by the acquirer`];
    if (summary.acksUnverified > 0) text.push(`  note: ${summary.acksUnverified} settlement acks not checked (no acquirer key in the configuration)`);
    return { exit: EXIT.ok, json: { ...base(env, 'verify'), ok: true, file: file ?? null, reason: null, summary }, text };
  } catch (err) {
    if (!(err instanceof VerifyFailure)) throw err;
    bars.verify?.finish('FAILED');
    return { exit: EXIT.failed, json: { ...base(env, 'verify'), ok: false, file: file ?? null, reason: err.code, seq: err.seq ?? null, line: err.line ?? null, message: err.reason }, text: [`FAILED (${err.code}): ${err.message}`] };
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

export async function logScreen(env: ConsoleEnv, lines: number, file: string | undefined): Promise<ScreenResult> {
  let answer: { source: string; lines: string[] };
  if (env.mode === 'live' && env.api && file === undefined) {
    try {
      answer = await env.api.get(`/v1/service/log?lines=${lines}`);
    } catch (err) {
      // posd may not read journald (not in systemd-journal) where this user can: try here.
      if (!(err instanceof ApiClientError) || err.status === null || err.status === 401 || err.status === 403) throw err;
      answer = await env.tools.tailLog(lines, file);
    }
  } else answer = await env.tools.tailLog(lines, file);
  return { exit: EXIT.ok, json: { ...base(env, 'log'), ok: true, ...answer }, text: [`-- ${answer.source}, last ${answer.lines.length} lines`, ...answer.lines] };
}

export async function configScreen(env: ConsoleEnv): Promise<ScreenResult> {
  const answer = env.mode === 'live' && env.api ? await env.api.get<{ file: string | null; config: unknown }>('/v1/service/config') : env.tools.localConfig();
  if (!answer) throw new CliError('no configuration to show: give --config FILE (posd.json)');
  return { exit: EXIT.ok, json: { ...base(env, 'config'), ok: true, ...answer }, text: [`-- ${answer.file ?? 'posd.json'} (secrets redacted)`, ...JSON.stringify(answer.config, null, 2).split('\n')] };
}

export async function resetScreen(env: ConsoleEnv, options: { force?: boolean; release?: string }): Promise<ScreenResult> {
  if (env.mode === 'live') throw new CliError('factory reset: stop posd first (systemctl stop posd): the reset moves its journal aside', EXIT_UNAVAILABLE);
  needsDataDir(env, 'factory reset');
  const lines: string[] = [];
  const exit = await env.tools.reset(options, (line) => lines.push(line));
  return { exit, json: { ...base(env, 'reset'), ok: exit === EXIT.ok, messages: lines }, text: lines };
}
