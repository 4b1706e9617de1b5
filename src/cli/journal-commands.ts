import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatMoney } from '../protocol/assets.js';
import { VerifyFailure } from '../protocol/chain-verifier.js';
import type { CloseAck } from '../protocol/settlement.js';
import { verifyExportFile } from '../protocol/verify-export.js';
import type { TerminalRecords } from '../app/inspect.js';
import { CliError, EXIT, parseHexKey } from './exit.js';

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

export async function verifyCommand(
  file: string,
  options: { publicKey?: string; acquirerKey?: string; anchor?: string },
  out: Out,
  err: Out,
): Promise<number> {
  if (options.anchor !== undefined && options.acquirerKey === undefined) throw new CliError("--anchor needs --acquirer-key: an anchor is only worth the acquirer's signature on it");
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
  const expectedPublicKey = parseHexKey(options.publicKey, '--public-key');
  const acquirerPublicKey = parseHexKey(options.acquirerKey, '--acquirer-key');
  let anchor: CloseAck | undefined;
  if (options.anchor) {
    try {
      anchor = JSON.parse(readFileSync(options.anchor, 'utf8')) as CloseAck;
    } catch (e) {
      throw new CliError(`cannot read the anchor ${options.anchor}: ${(e as Error).message}`);
    }
  }
  try {
    const summary = await verifyExportFile(file, {
      ...(expectedPublicKey ? { expectedPublicKey } : {}),
      ...(acquirerPublicKey ? { acquirerPublicKey } : {}),
      ...(anchor ? { anchor } : {}),
    });
    out(`OK: ${summary.records} records of terminal ${summary.terminal}, head seq ${summary.headSeq} (${summary.headHash})`);
    for (const [asset, t] of Object.entries(summary.totals)) {
      out(`  ${asset}: ${t.n} financial records, in ${formatMoney(t.in, asset)}, out ${formatMoney(t.out, asset)}`);
    }
    out(`  ${summary.checkpoints} checkpoints, ${summary.countersigned} countersigned by the acquirer, ${summary.keyRotations} key rotations`);
    if (summary.acksUnverified > 0) out(`  note: ${summary.acksUnverified} settlement acks not checked (give --acquirer-key)`);
    if (summary.anchoredAt !== undefined) out(`  anchored: matches the acquirer's countersigned checkpoint at seq ${summary.anchoredAt}`);
    else out('  note: no --anchor given, so a truncated tail cannot be ruled out');
    if (!expectedPublicKey) out('  note: the genesis public key was taken from the file (give --public-key to pin it)');
    return EXIT.ok;
  } catch (e) {
    if (e instanceof VerifyFailure) {
      err(`FAILED (${e.code}): ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  }
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
