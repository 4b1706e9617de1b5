import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC_KEY_PROBLEMS, publicKeyProblem } from '../crypto/ed25519.js';
import { fromHex, toHex } from '../encoding/hex.js';
import { formatMoney } from '../protocol/assets.js';
import { VerifyFailure, type VerifyFailureCode, type VerifySummary } from '../protocol/chain-verifier.js';
import { inclusionProof, merkleRoot, verifyInclusion } from '../protocol/merkle.js';
import type { SignedRecord } from '../protocol/record.js';
import type { CloseAck } from '../protocol/settlement.js';
import { verifyExportFile } from '../protocol/verify-export.js';
import { exportJournal } from '../terminal/journal/export.js';
import { Journal } from '../terminal/journal/journal.js';
import { CliError, EXIT, parseHexKey, parseSeq } from './exit.js';

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
  const expectedPublicKey = parseHexKey(options.publicKey, '--public-key');
  const acquirerPublicKey = parseHexKey(options.acquirerKey, '--acquirer-key');
  const acquirerKeyProblem = acquirerPublicKey && publicKeyProblem(acquirerPublicKey);
  if (acquirerKeyProblem) throw new CliError(`--acquirer-key is ${PUBLIC_KEY_PROBLEMS[acquirerKeyProblem]}: no signature verifies under it`);
  let anchor: CloseAck | undefined;
  if (options.anchor) {
    try {
      anchor = JSON.parse(readFileSync(options.anchor, 'utf8')) as CloseAck;
    } catch (e) {
      throw new CliError(`cannot read the anchor ${options.anchor}: ${(e as Error).message}`);
    }
  }
  return verifyExportFile(file, {
    ...(expectedPublicKey ? { expectedPublicKey } : {}),
    ...(acquirerPublicKey ? { acquirerPublicKey } : {}),
    ...(anchor ? { anchor } : {}),
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

/** An RFC 9162 inclusion proof that record `seq` is in the tree a checkpoint committed to. */
export interface InclusionProofDocument {
  terminal: string;
  seq: number;
  recordHash: string;
  checkpointSeq: number;
  treeSize: number;
  root: string;
  path: string[];
}

export function proveCommand(options: { dataDir: string; seq: string; checkpoint?: string }, out: Out): number {
  const seq = parseSeq(options.seq, '--seq');
  const journal = openReadOnly(options.dataDir);
  try {
    const checkpointSeq = options.checkpoint !== undefined ? parseSeq(options.checkpoint, '--checkpoint') : findCheckpointAfter(journal, seq);
    const stored = journal.get(checkpointSeq);
    const checkpoint = stored && (JSON.parse(stored.text) as SignedRecord);
    if (!checkpoint || checkpoint.kind !== 'checkpoint') throw new CliError(`record ${checkpointSeq} is not a checkpoint`);
    if (seq >= checkpoint.body.size) throw new CliError(`checkpoint ${checkpointSeq} covers records 0..${checkpoint.body.size - 1}, not ${seq}`);
    const hashes = journal.hashes(0, checkpoint.body.size);
    if (toHex(merkleRoot(hashes)) !== checkpoint.body.root) throw new CliError(`checkpoint ${checkpointSeq} does not match the journal`, EXIT.failed);
    const proof: InclusionProofDocument = {
      terminal: journal.terminalId,
      seq,
      recordHash: toHex(hashes[seq]!),
      checkpointSeq,
      treeSize: checkpoint.body.size,
      root: checkpoint.body.root,
      path: inclusionProof(hashes, seq, checkpoint.body.size).map(toHex),
    };
    out(JSON.stringify(proof, null, 2));
  } finally {
    journal.close();
  }
  return EXIT.ok;
}

export function checkProofCommand(file: string, out: Out, err: Out): number {
  let proof: InclusionProofDocument;
  try {
    proof = JSON.parse(readFileSync(file, 'utf8')) as InclusionProofDocument;
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const ok = verifyInclusion(fromHex(proof.recordHash, 32), proof.seq, proof.treeSize, proof.path.map((p) => fromHex(p, 32)), fromHex(proof.root, 32));
  if (!ok) {
    err(`FAILED: record ${proof.seq} is not proven to be in the tree of size ${proof.treeSize} with root ${proof.root}`);
    return EXIT.failed;
  }
  out(`OK: record ${proof.seq} (${proof.recordHash}) is in checkpoint ${proof.checkpointSeq} of terminal ${proof.terminal}`);
  return EXIT.ok;
}

function findCheckpointAfter(journal: Journal, seq: number): number {
  const row = journal.db.prepare(`SELECT MIN(seq) FROM journal WHERE kind = 'checkpoint' AND seq > ?`).pluck().get(seq) as number | null;
  if (row === null) throw new CliError(`no checkpoint after record ${seq} yet (settle or close the day first)`);
  return row;
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
