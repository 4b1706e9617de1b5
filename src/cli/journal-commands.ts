import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMoney } from '../protocol/assets.js';
import { VerifyFailure } from '../protocol/chain-verifier.js';
import type { CloseAck } from '../protocol/settlement.js';
import { verifyExportFile } from '../protocol/verify-export.js';
import { exportJournal } from '../terminal/ledger/export.js';
import { Journal } from '../terminal/ledger/journal.js';
import { CliError, EXIT, parseHexKey } from './exit.js';

type Out = (line: string) => void;

export function openReadOnly(dataDir: string): Journal {
  if (!existsSync(join(dataDir, 'journal.db'))) throw new CliError(`no journal in ${dataDir}`);
  return Journal.open(dataDir, { readOnly: true });
}

export function exportCommand(options: { dataDir: string; out: string }, out: Out): number {
  const journal = openReadOnly(options.dataDir);
  try {
    const { records } = exportJournal(journal, options.out);
    out(`exported ${records} records of terminal ${journal.terminalId} to ${options.out} (head ${journal.headSeq}, ${journal.headHash})`);
  } finally {
    journal.close();
  }
  return EXIT.ok;
}

export async function verifyCommand(
  file: string,
  options: { publicKey?: string; acquirerKey?: string; anchor?: string },
  out: Out,
  err: Out,
): Promise<number> {
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
