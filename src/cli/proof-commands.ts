import { readFileSync } from 'node:fs';
import { fromHex, isHex, toHex } from '../encoding/hex.js';
import { inclusionProof, verifyConsistency, verifyInclusion } from '../protocol/merkle.js';
import type { SignedRecord } from '../protocol/record.js';
import { checkBalancedCloseAck } from '../protocol/balanced-ack.js';
import { AckError, verifyAckSignature, type CountersignedCheckpoint } from '../protocol/settlement.js';
import type { Journal } from '../terminal/ledger/journal.js';
import { readAnchorFile } from './anchor-file.js';
import { CliError, EXIT, parseHexKey, parseSeq, unreadable } from './exit.js';

type Out = (line: string) => void;

/** An RFC 9162 inclusion proof that record `seq` is in the tree a checkpoint committed to (docs/journal.md, section 7). */
export interface InclusionProofDocument {
  type?: 'inclusion';
  terminal: string;
  seq: number;
  recordHash: string;
  checkpointSeq: number;
  treeSize: number;
  root: string;
  path: string[];
}

/** One end of a consistency proof: a checkpoint record and the tree it commits to. */
export interface TreeHead {
  checkpointSeq: number;
  size: number;
  root: string;
}

/** An RFC 9162 consistency proof that the journal at checkpoint `to` extends the journal at checkpoint `from`. */
export interface ConsistencyProofDocument {
  type: 'consistency';
  terminal: string;
  from: TreeHead;
  to: TreeHead;
  path: string[];
}

export function proveCommand(journal: Journal, options: { seq?: string; checkpoint?: string; from?: string; to?: string }, out: Out): number {
  const consistency = options.from !== undefined || options.to !== undefined;
  if (consistency && (options.seq !== undefined || options.checkpoint !== undefined)) throw new CliError('give either --seq (inclusion) or --from and --to (consistency), not both');
  if (consistency && (options.from === undefined || options.to === undefined)) throw new CliError('a consistency proof needs both --from and --to (checkpoint seqs)');
  if (!consistency && options.seq === undefined) throw new CliError('give --seq N (an inclusion proof) or --from N --to M (a consistency proof)');
  const document = consistency ? proveConsistency(journal, parseSeq(options.from!, '--from'), parseSeq(options.to!, '--to')) : proveInclusion(journal, parseSeq(options.seq!, '--seq'), options.checkpoint);
  out(JSON.stringify(document, null, 2));
  return EXIT.ok;
}

function proveInclusion(journal: Journal, seq: number, checkpointOption: string | undefined): InclusionProofDocument {
  const checkpointSeq = checkpointOption !== undefined ? parseSeq(checkpointOption, '--checkpoint') : findCheckpointAfter(journal, seq);
  const head = treeHeadAt(journal, checkpointSeq);
  if (seq >= head.size) throw new CliError(`checkpoint ${checkpointSeq} covers records 0..${head.size - 1}, not ${seq}`);
  const record = journal.get(seq)!;
  return {
    type: 'inclusion',
    terminal: journal.terminalId,
    seq,
    recordHash: toHex(record.hash),
    checkpointSeq,
    treeSize: head.size,
    root: head.root,
    path: inclusionProof((from, to) => journal.subtreeRoot(from, to), seq, head.size).map(toHex),
  };
}

function proveConsistency(journal: Journal, fromSeq: number, toSeq: number): ConsistencyProofDocument {
  if (fromSeq > toSeq) throw new CliError(`--from ${fromSeq} is after --to ${toSeq}: a journal only grows`);
  const from = treeHeadAt(journal, fromSeq);
  const to = treeHeadAt(journal, toSeq);
  return { type: 'consistency', terminal: journal.terminalId, from, to, path: journal.consistencyProof(from.size, to.size).map(toHex) };
}

/** The tree a checkpoint record commits to, checked against the journal before anything is proven from it. */
function treeHeadAt(journal: Journal, checkpointSeq: number): TreeHead {
  const stored = journal.get(checkpointSeq);
  const checkpoint = stored && (JSON.parse(stored.text) as SignedRecord);
  if (!checkpoint || checkpoint.kind !== 'checkpoint') throw new CliError(`record ${checkpointSeq} is not a checkpoint`);
  if (toHex(journal.frontierAt(checkpoint.body.size).root()) !== checkpoint.body.root) {
    throw new CliError(`checkpoint ${checkpointSeq} does not match the records before it: the journal was altered`, EXIT.failed);
  }
  return { checkpointSeq, size: checkpoint.body.size, root: checkpoint.body.root };
}

function findCheckpointAfter(journal: Journal, seq: number): number {
  const found = journal.firstSeqOfKind('checkpoint', seq);
  if (found === null) throw new CliError(`no checkpoint after record ${seq} yet (settle or close the day first)`);
  return found;
}

export function checkProofCommand(file: string, options: { anchor?: string; acquirerKey?: string }, out: Out, err: Out): number {
  if (options.anchor !== undefined && options.acquirerKey === undefined) throw new CliError('--anchor needs --acquirer-key: an anchor is only worth its signature');
  const acquirerKey = parseHexKey(options.acquirerKey, '--acquirer-key');
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw unreadable(file, e, 'proof file');
  }
  const anchor = options.anchor !== undefined ? readAnchor(options.anchor, acquirerKey!) : undefined;
  const failed = (message: string): number => {
    err(`FAILED: ${message}`);
    return EXIT.failed;
  };
  if (isConsistencyDocument(document)) {
    const { from, to } = document;
    if (!verifyConsistency(from.size, to.size, document.path.map((p) => fromHex(p, 32)), fromHex(from.root, 32), fromHex(to.root, 32))) {
      return failed(`the tree of size ${to.size} (root ${to.root}) is not proven to extend the tree of size ${from.size} (root ${from.root})`);
    }
    if (anchor && (anchor.terminal !== document.terminal || anchor.seq !== from.checkpointSeq || anchor.root !== from.root)) {
      return failed(`the anchor countersigns checkpoint ${anchor.seq} (root ${anchor.root}) of terminal ${anchor.terminal}, not the proof's starting tree`);
    }
    out(`OK: checkpoint ${to.checkpointSeq} (size ${to.size}) of terminal ${document.terminal} extends checkpoint ${from.checkpointSeq} (size ${from.size}): the journal only grew`);
    if (anchor) out(`  the starting tree is the one the acquirer countersigned at seq ${anchor.seq}`);
    return EXIT.ok;
  }
  if (isInclusionDocument(document)) {
    const proof = document;
    const ok = verifyInclusion(fromHex(proof.recordHash, 32), proof.seq, proof.treeSize, proof.path.map((p) => fromHex(p, 32)), fromHex(proof.root, 32));
    if (!ok) return failed(`record ${proof.seq} is not proven to be in the tree of size ${proof.treeSize} with root ${proof.root}`);
    if (anchor && (anchor.terminal !== proof.terminal || anchor.seq !== proof.checkpointSeq || anchor.root !== proof.root)) {
      return failed(`the anchor countersigns checkpoint ${anchor.seq} (root ${anchor.root}), not checkpoint ${proof.checkpointSeq}`);
    }
    out(`OK: record ${proof.seq} (${proof.recordHash}) is in checkpoint ${proof.checkpointSeq} of terminal ${proof.terminal}`);
    if (anchor) out(`  checkpoint ${anchor.seq} is countersigned by the acquirer`);
    return EXIT.ok;
  }
  return failed(`${file} is not a posd inclusion or consistency proof (docs/journal.md, section 7)`);
}

/** The anchor as `journal verify` reads and checks it (docs/journal.md, section 9): a balanced close ack signed by the acquirer. */
function readAnchor(file: string, acquirerKey: Uint8Array): CountersignedCheckpoint {
  const value = readAnchorFile(file);
  try {
    verifyAckSignature(value, acquirerKey);
    return checkBalancedCloseAck(value).checkpoint;
  } catch (e) {
    if (e instanceof AckError) throw new CliError(`the anchor ${file} is refused: ${e.message}`, EXIT.failed);
    throw e;
  }
}

const isSize = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isTerminal = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{16}$/.test(v);
const isPath = (v: unknown): v is string[] => Array.isArray(v) && v.length <= 128 && v.every((p) => isHex(p, 32));
const isHead = (v: unknown): v is TreeHead => {
  const h = v as Partial<TreeHead> | null;
  // A checkpoint's size is its seq (docs/journal.md, section 4): the proof's tree is that checkpoint's.
  return typeof h === 'object' && h !== null && isSize(h.checkpointSeq) && h.size === h.checkpointSeq && isHex(h.root, 32);
};

function isConsistencyDocument(v: unknown): v is ConsistencyProofDocument {
  const d = v as Partial<ConsistencyProofDocument> | null;
  return typeof d === 'object' && d !== null && d.type === 'consistency' && isTerminal(d.terminal) && isHead(d.from) && isHead(d.to) && isPath(d.path);
}

function isInclusionDocument(v: unknown): v is InclusionProofDocument {
  const d = v as Partial<InclusionProofDocument> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    (d.type === undefined || d.type === 'inclusion') &&
    isTerminal(d.terminal) &&
    isSize(d.seq) &&
    isSize(d.checkpointSeq) &&
    d.treeSize === d.checkpointSeq &&
    isHex(d.recordHash, 32) &&
    isHex(d.root, 32) &&
    isPath(d.path)
  );
}
