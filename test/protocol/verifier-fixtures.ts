import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Signer } from '../../src/crypto/ed25519.js';
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { VerifyFailure, type VerifierOptions, type VerifySummary } from '../../src/protocol/chain-verifier.js';
import { exportHeader, type ExportHeader } from '../../src/protocol/export-format.js';
import { merkleRoot } from '../../src/protocol/merkle.js';
import { signAck, type CloseAck } from '../../src/protocol/settlement.js';
import { verifyExportFile } from '../../src/protocol/verify-export.js';
import { ChainBuilder } from '../support/chain.js';
import { tempDir } from '../support/tmp.js';

/** The acquirer of these fixtures: a fixed key, so failures reproduce. */
export const ACQUIRER = Signer.fromSeed(new Uint8Array(32).fill(9));

/** A chain with a fixed terminal key and one cash payment (seq 1). */
export function smallChain(): ChainBuilder {
  const chain = new ChainBuilder(Signer.fromSeed(new Uint8Array(32).fill(3)));
  chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 1000, tender: 'cash', ref: 'order-1', details: {} } });
  return chain;
}

/** The header `posctl journal export` writes for this chain; `overrides` replace members (or add them). */
export function headerOf(chain: ChainBuilder, overrides: Record<string, unknown> = {}): string {
  const fields = { terminal: chain.terminal, publicKey: toHex(chain.signer.publicKey), records: chain.texts.length, headHash: chain.hashes.at(-1)!, exportedAt: 1_763_880_100_000 };
  const header = JSON.parse(exportHeader(fields)) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...header, ...overrides };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return canonicalJson(merged);
}

export function headerObject(chain: ChainBuilder): ExportHeader {
  return JSON.parse(headerOf(chain)) as ExportHeader;
}

/** The export file's text: header and record lines, each ending in a line feed. */
export function exportText(chain: ChainBuilder, header = headerOf(chain)): string {
  return [header, ...chain.texts].map((l) => `${l}\n`).join('');
}

export type Outcome = { ok: true; summary: VerifySummary } | { ok: false; code: string; line: number | null; seq: number | null; message: string };

/** Runs `posctl journal verify`'s verification on file content; a failure is reduced to what --json prints. */
export async function verifyContent(content: string | Buffer, options: VerifierOptions = {}): Promise<Outcome> {
  const file = join(tempDir(), 'journal.jsonl');
  writeFileSync(file, content);
  try {
    return { ok: true, summary: await verifyExportFile(file, options) };
  } catch (err) {
    if (err instanceof VerifyFailure) return { ok: false, code: err.code, line: err.line ?? null, seq: err.seq ?? null, message: err.reason };
    throw err;
  }
}

export const verifyChain = (chain: ChainBuilder, options: VerifierOptions = {}): Promise<Outcome> => verifyContent(exportText(chain), options);

/** Appends a checkpoint over everything before it; returns its seq. */
export function addCheckpoint(chain: ChainBuilder): number {
  const size = chain.records.length;
  chain.add({ kind: 'checkpoint', body: { size, root: toHex(merkleRoot(chain.hashes.map((h) => fromHex(h, 32)))) } });
  return size;
}

/** The balanced close ack the acquirer signs for the checkpoint at `through` (`from` 0), with `changes` applied before signing. */
export function closeAck(chain: ChainBuilder, through: number, changes: Record<string, unknown> = {}, close = `close-${through}`): CloseAck {
  const root = (chain.records[through]!.body as { root: string }).root;
  return signAck<CloseAck>(
    {
      v: 1,
      type: 'close',
      terminal: chain.terminal,
      close,
      body: '00'.repeat(32),
      from: 0,
      through,
      balanced: true,
      totals: {},
      missing: [],
      problems: [],
      checkpoint: { terminal: chain.terminal, seq: through, hash: chain.hashes[through]!, size: through, root },
      at: 1_763_880_009_000,
      ...changes,
    } as Omit<CloseAck, 'sig' | 'acquirer'>,
    ACQUIRER,
  );
}

/** Records a settlement ack for `ack` (close id and through taken from it unless given). */
export function addAck(chain: ChainBuilder, ack: CloseAck | Record<string, unknown>, body: { close?: string; through?: number } = {}): number {
  const a = ack as { close: string; through: number };
  chain.add({ kind: 'settlement_ack', body: { close: body.close ?? a.close, through: body.through ?? a.through, ack: ack as Record<string, unknown> } });
  return chain.records.length - 1;
}
