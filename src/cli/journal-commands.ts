import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PUBLIC_KEY_PROBLEMS, publicKeyProblem } from '../crypto/ed25519.js';
import { formatMoney } from '../protocol/assets.js';
import { VerifyFailure, type VerifyFailureCode, type VerifySummary } from '../protocol/chain-verifier.js';
import type { CloseAck } from '../protocol/settlement.js';
import { issuerKey, type WalletIssuerKey } from '../protocol/wallet/certificate.js';
import { verifyExportFile } from '../protocol/verify-export.js';
import type { TerminalRecords } from '../app/inspect.js';
import { CliError, EXIT, parseHexKey, unreadable } from './exit.js';

type Out = (line: string) => void;

/** The export file can be written: its folder exists, and it is not itself a folder. */
export function checkExportTarget(file: string): void {
  const folder = dirname(resolve(file));
  if (!existsSync(folder)) throw new CliError(`cannot write ${file}: the folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory()) throw new CliError(`cannot write ${file}: ${folder} is not a folder`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new CliError(`cannot write ${file}: it is a folder; --out takes a file name`);
}

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
  options: VerifyOptions & { json?: boolean },
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

type VerifyOptions = { publicKey?: string; acquirerKey?: string; anchor?: string; issuerKey?: string[] };

/** `--issuer-key ASSET:HEX`, as many as given: the wallet issuers whose certificates are checked. */
function issuerKeysOf(values: readonly string[] | undefined): WalletIssuerKey[] | undefined {
  if (!values || values.length === 0) return undefined;
  return values.map((value) => {
    const match = /^([A-Z][A-Z0-9]{2,7}):(.*)$/.exec(value);
    if (!match) throw new CliError(`--issuer-key must be ASSET:HEX (e.g. CNY:<64 hex digits>), got ${value}`);
    const publicKey = parseHexKey(match[2], '--issuer-key')!;
    const problem = publicKeyProblem(publicKey);
    if (problem) throw new CliError(`--issuer-key ${match[1]} is ${PUBLIC_KEY_PROBLEMS[problem]}: no signature verifies under it`);
    return issuerKey(match[1]!, publicKey);
  });
}

async function verify(file: string, options: VerifyOptions): Promise<VerifySummary> {
  if (options.anchor !== undefined && options.acquirerKey === undefined) throw new CliError("--anchor needs --acquirer-key: an anchor is only worth the acquirer's signature on it");
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
  const expectedPublicKey = parseHexKey(options.publicKey, '--public-key');
  const acquirerPublicKey = parseHexKey(options.acquirerKey, '--acquirer-key');
  const acquirerKeyProblem = acquirerPublicKey && publicKeyProblem(acquirerPublicKey);
  if (acquirerKeyProblem) throw new CliError(`--acquirer-key is ${PUBLIC_KEY_PROBLEMS[acquirerKeyProblem]}: no signature verifies under it`);
  let anchor: CloseAck | undefined;
  if (options.anchor) {
    try {
      anchor = JSON.parse(readFileSync(options.anchor, 'utf8')) as CloseAck;
    } catch (e) {
      throw unreadable(options.anchor, e, 'anchor');
    }
  }
  const walletIssuers = issuerKeysOf(options.issuerKey);
  return verifyExportFile(file, {
    ...(walletIssuers ? { walletIssuers } : {}),
    ...(expectedPublicKey ? { expectedPublicKey } : {}),
    ...(acquirerPublicKey ? { acquirerPublicKey } : {}),
    ...(anchor ? { anchor } : {}),
  });
}

async function verifyForPeople(file: string, options: VerifyOptions, out: Out, err: Out): Promise<number> {
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
  if (summary.walletProofs > 0) out(`  ${summary.walletProofs} offline wallet payments: the wallets' signatures verified`);
  if (summary.walletCertificatesUnverified > 0) out(`  note: ${summary.walletCertificatesUnverified} wallet certificates not checked (give --issuer-key ASSET:HEX)`);
  if (summary.anchoredAt !== undefined) out(`  anchored: matches the acquirer's countersigned checkpoint at seq ${summary.anchoredAt}`);
  else out('  note: no --anchor given, so a truncated tail cannot be ruled out');
  if (!options.publicKey) out('  note: the genesis public key was taken from the file (give --public-key to pin it)');
  return EXIT.ok;
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
