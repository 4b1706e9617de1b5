import { existsSync, writeFileSync } from 'node:fs';
import { PUBLIC_KEY_PROBLEMS, publicKeyProblem } from '../crypto/ed25519.js';
import { formatMoney } from '../protocol/assets.js';
import { VerifyFailure, type VerifyFailureCode, type VerifySummary } from '../protocol/chain-verifier.js';
import { verifyExportFile } from '../protocol/verify-export.js';
import type { TerminalRecords } from '../app/inspect.js';
import { readAnchorFile } from './anchor-file.js';
import { CliError, EXIT, parseHexKey } from './exit.js';

type Out = (line: string) => void;

export function exportCommand(records: TerminalRecords, options: { out: string }, out: Out): number {
  const { count } = records.exportTo(options.out);
  out(`exported ${count} records of terminal ${records.id} to ${options.out} (head ${records.headSeq}, ${records.headHash})`);
  return EXIT.ok;
}

/** `posctl journal verify --json`: one object, whatever the outcome (exit 0, 1 or 2). */
export interface VerifyReport {
  ok: boolean;
  /** null when ok; a VerifyFailureCode (docs/journal.md section 9) on exit 1; `could_not_run` on exit 2. */
  reason: VerifyFailureCode | 'could_not_run' | null;
  line: number | null;
  seq: number | null;
  message: string;
  summary: VerifySummary | null;
}

export async function verifyCommand(
  file: string,
  options: { publicKey?: string; acquirerKey?: string; anchor?: string; json?: boolean },
  out: Out,
  err: Out,
): Promise<number> {
  if (!options.json) return verifyForPeople(file, options, out, err);
  let report: VerifyReport;
  let code: number;
  try {
    const summary = await verify(file, options);
    report = { ok: true, reason: null, line: null, seq: null, message: `${summary.records} records of terminal ${summary.terminal} verified`, summary };
    code = EXIT.ok;
  } catch (e) {
    if (e instanceof VerifyFailure) {
      report = { ok: false, reason: e.code, line: e.line ?? null, seq: e.seq ?? null, message: e.reason, summary: null };
      code = EXIT.failed;
    } else {
      report = { ok: false, reason: 'could_not_run', line: null, seq: null, message: (e as Error).message, summary: null };
      code = e instanceof CliError ? e.exitCode : EXIT.error;
    }
  }
  out(JSON.stringify(report));
  return code;
}

async function verify(file: string, options: { publicKey?: string; acquirerKey?: string; anchor?: string }): Promise<VerifySummary> {
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
  if (options.anchor !== undefined && options.acquirerKey === undefined) throw new CliError('--anchor needs --acquirer-key: an anchor is only worth its signature');
  const expectedPublicKey = parseHexKey(options.publicKey, '--public-key');
  const acquirerPublicKey = parseHexKey(options.acquirerKey, '--acquirer-key');
  const acquirerKeyProblem = acquirerPublicKey && publicKeyProblem(acquirerPublicKey);
  if (acquirerKeyProblem) throw new CliError(`--acquirer-key is ${PUBLIC_KEY_PROBLEMS[acquirerKeyProblem]}: no signature verifies under it`);
  const anchor = options.anchor !== undefined ? readAnchorFile(options.anchor) : undefined;
  return verifyExportFile(file, {
    ...(expectedPublicKey ? { expectedPublicKey } : {}),
    ...(acquirerPublicKey ? { acquirerPublicKey } : {}),
    ...(anchor !== undefined ? { anchor } : {}),
  });
}

async function verifyForPeople(file: string, options: { publicKey?: string; acquirerKey?: string; anchor?: string }, out: Out, err: Out): Promise<number> {
  let summary: VerifySummary;
  try {
    summary = await verify(file, options);
  } catch (e) {
    if (e instanceof VerifyFailure) {
      err(`FAILED (${e.code}): ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  }
  out(`OK: ${summary.records} records of terminal ${summary.terminal}, head seq ${summary.headSeq} (${summary.headHash})`);
  for (const [asset, t] of Object.entries(summary.totals)) {
    out(`  ${asset}: ${t.n} financial records, in ${formatMoney(t.in, asset)}, out ${formatMoney(t.out, asset)}`);
  }
  out(`  ${summary.checkpoints} checkpoints, ${summary.countersigned} countersigned by the acquirer, ${summary.keyRotations} key rotations`);
  if (summary.acksUnverified > 0) out(`  note: ${summary.acksUnverified} settlement acks not checked (give --acquirer-key)`);
  if (summary.anchoredAt !== undefined) out(`  anchored: matches the acquirer's countersigned checkpoint at seq ${summary.anchoredAt}`);
  else out('  note: no --anchor given, so a truncated tail cannot be ruled out');
  if (!options.publicKey) out('  note: the genesis public key was taken from the file (give --public-key to pin it)');
  return EXIT.ok;
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
