import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { ChainVerifier, VerifyFailure } from '../../src/protocol/chain-verifier.js';
import { DOMAIN } from '../../src/protocol/domains.js';
import { exportHeader, parseExportHeader } from '../../src/protocol/export-format.js';
import { sha256 } from '../../src/crypto/sha256.js';
import { merkleRoot } from '../../src/protocol/merkle.js';
import { signAck, type CloseAck } from '../../src/protocol/settlement.js';
import { ChainBuilder } from '../support/chain.js';
import { walletTapDraft } from '../support/wallet-proofs.js';
import { codeUnitString, fuzz } from './settings.js';

/** A valid journal with every record kind, and the acquirer key that countersigned it. */
function validJournal(): { lines: string[]; acquirer: Signer } {
  const acquirer = Signer.fromSeed(new Uint8Array(32).fill(9));
  const chain = new ChainBuilder(Signer.fromSeed(new Uint8Array(32).fill(3)));
  chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 1250, tender: 'cash', ref: 'order-1', details: { tendered: 2000, change: 750 } } });
  chain.add(walletTapDraft({ terminal: chain.terminal, amount: 300, asset: 'MAT', ref: 'order-2', wallet: 'ab'.repeat(16), counter: 7 }));
  chain.add({ kind: 'refund', body: { asset: 'CNY', amount: 250, of: 1, reason: 'damaged' } });
  chain.add({ kind: 'clock_adjustment', body: { from: 1_763_880_000_000, to: 1_763_880_005_000, source: 'ntp' } });
  const size = chain.records.length;
  chain.add({ kind: 'checkpoint', body: { size, root: toHex(merkleRoot(chain.hashes.map((h) => fromHex(h, 32)))) } });
  const ack = signAck<CloseAck>(
    {
      v: 1,
      type: 'close',
      terminal: chain.terminal,
      close: 'close-1',
      body: '00'.repeat(32),
      from: 0,
      through: size,
      balanced: true,
      totals: { CNY: { payment: { n: 1, amount: 1250 } } },
      missing: [],
      problems: [],
      checkpoint: { terminal: chain.terminal, seq: size, hash: chain.hashes[size]!, size, root: (chain.records[size]!.body as { root: string }).root },
      at: 1_763_880_009_000,
    },
    acquirer,
  );
  chain.add({ kind: 'settlement_ack', body: { close: 'close-1', through: size, ack: ack as unknown as Record<string, never> } });
  const next = Signer.fromSeed(new Uint8Array(32).fill(4));
  const statement = canonicalJson({ terminal: chain.terminal, seq: chain.records.length, previousKey: chain.signer.keyId, publicKey: toHex(next.publicKey) });
  chain.add({ kind: 'key_rotation', body: { publicKey: toHex(next.publicKey), proof: toHex(next.sign(DOMAIN.keyRotation + statement)) } });
  chain.add({ kind: 'void', body: { asset: 'MAT', amount: 300, of: 2, reason: 'wrong item' } }, (r) => r, next);
  chain.add(
    {
      kind: 'day_close',
      body: {
        day: '2025-11-23',
        z: 1,
        from: 0,
        through: chain.records.length - 1,
        totals: { CNY: { payment: { n: 1, amount: 1250 }, refund: { n: 1, amount: 250 } }, MAT: { payment: { n: 1, amount: 300 }, void: { n: 1, amount: 300 } } },
        tenders: { CNY: { cash: { payment: { n: 1, amount: 1250 }, refund: { n: 1, amount: 250 } } }, MAT: { wallet_tap: { payment: { n: 1, amount: 300 }, void: { n: 1, amount: 300 } } } },
      },
    },
    (r) => r,
    next,
  );
  return { lines: chain.texts, acquirer };
}

const { lines: VALID, acquirer: ACQUIRER } = validJournal();
const HEADER = parseExportHeader(
  exportHeader({ terminal: JSON.parse(VALID[0]!).terminal, publicKey: JSON.parse(VALID[0]!).body.publicKey, records: VALID.length, headHash: toHex(sha256(VALID.at(-1)!)), exportedAt: 1 }),
);


/** Runs lines through the verifier as `posctl journal verify` does (line numbers from 2, after the header). */
function verifyLines(lines: readonly string[]): { ok: true } | { ok: false; failure: VerifyFailure } {
  const verifier = new ChainVerifier({ acquirerPublicKey: ACQUIRER.publicKey });
  verifier.expectHeader(HEADER); // the header still declares the original journal
  try {
    lines.forEach((line, i) => verifier.push(line, i + 2));
    verifier.finish(lines.length + 2);
    return { ok: true };
  } catch (err) {
    if (err instanceof VerifyFailure) return { ok: false, failure: err };
    throw err; // a crash: what `posctl journal verify` reports as "could not run" (exit 2)
  }
}

function expectNamedFailure(lines: readonly string[]): void {
  const result = verifyLines(lines);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.failure.line).toBeTypeOf('number');
  expect(result.failure.seq).toBeTypeOf('number');
}

/** Strings as they come off a file: any UTF-16 code units, lone surrogates included. */
const anyText = codeUnitString(300);

/** A JSON value of any shape: fractions, huge numbers, lone surrogates, deep nesting. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => Number(n)),
  codeUnitString(20),
  fc.constant('\ud800'),
  fc.integer({ min: 1, max: 200 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
);

/** Every path to a value inside a parsed record. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return copy;
}

describe('fuzz: the journal verifier never crashes and always names the line', () => {
  it('accepts the valid journal it mutates', () => {
    expect(verifyLines(VALID)).toEqual({ ok: true });
  });

  it('fails with a VerifyFailure naming line and seq when any line is replaced by arbitrary text', () => {
    fc.assert(
      fc.property(fc.nat(VALID.length - 1), anyText, (index, text) => {
        fc.pre(text !== VALID[index] && text !== '');
        const lines = [...VALID];
        lines[index] = text;
        expectNamedFailure(lines);
      }),
      fuzz(300),
    );
  });

  it('fails with a named VerifyFailure when any value inside any record is replaced', () => {
    fc.assert(
      fc.property(fc.nat(VALID.length - 1), fc.nat(), anyJson, fc.boolean(), (index, pick, value, canonical) => {
        const record = JSON.parse(VALID[index]!) as unknown;
        const all = paths(record);
        const path = all[pick % all.length]!;
        const mutated = setAt(record, path, value);
        let text: string;
        try {
          text = canonical ? canonicalJson(mutated) : JSON.stringify(mutated);
        } catch {
          text = JSON.stringify(mutated);
        }
        fc.pre(text !== undefined && text !== VALID[index] && text !== '');
        const lines = [...VALID];
        lines[index] = text;
        expectNamedFailure(lines);
      }),
      fuzz(400),
    );
  });

  it('fails with a named VerifyFailure on character edits, deletions, duplications and reordering of lines', () => {
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('char' as const), line: fc.nat(VALID.length - 1), at: fc.nat(), ch: codeUnitString(2, 1) }),
      fc.record({ kind: fc.constant('drop' as const), line: fc.nat(VALID.length - 1) }),
      fc.record({ kind: fc.constant('dup' as const), line: fc.nat(VALID.length - 1) }),
      fc.record({ kind: fc.constant('swap' as const), line: fc.nat(VALID.length - 2) }),
    );
    fc.assert(
      fc.property(edit, (e) => {
        const lines = [...VALID];
        if (e.kind === 'char') {
          const line = lines[e.line]!;
          const at = e.at % line.length;
          lines[e.line] = line.slice(0, at) + e.ch + line.slice(at + 1);
        } else if (e.kind === 'drop') lines.splice(e.line, 1);
        else if (e.kind === 'dup') lines.splice(e.line, 0, lines[e.line]!);
        else [lines[e.line], lines[e.line + 1]] = [lines[e.line + 1]!, lines[e.line]!];
        fc.pre(lines.join('\n') !== VALID.join('\n') && lines.every((l) => l !== ''));
        expectNamedFailure(lines);
      }),
      fuzz(300),
    );
  });
});

describe('regressions the verifier fuzzing found', () => {
  const replaceInLine = (index: number, from: string, to: string): string[] => {
    const lines = [...VALID];
    expect(lines[index]).toContain(from);
    lines[index] = lines[index]!.replace(from, to);
    return lines;
  };

  it('a lone surrogate in a string is malformed, at its line (was: exit 2, "could not run")', () => {
    const result = verifyLines(replaceInLine(1, '"order-1"', '"order-\\ud800"'));
    expect(result).toMatchObject({ ok: false, failure: { code: 'malformed', line: 3, seq: 1 } });
  });

  it('a fraction inside settlement_ack.ack is malformed, at its line (was: exit 2)', () => {
    const index = VALID.findIndex((l) => l.includes('"kind":"settlement_ack"'));
    const result = verifyLines(replaceInLine(index, '"at":1763880009000', '"at":1.5'));
    expect(result).toMatchObject({ ok: false, failure: { code: 'malformed', line: index + 2, seq: index } });
  });

  it('deep nesting inside settlement_ack.ack is malformed, not a stack overflow (was: exit 2)', () => {
    const index = VALID.findIndex((l) => l.includes('"kind":"settlement_ack"'));
    const result = verifyLines(replaceInLine(index, '"problems":[]', `"problems":${'['.repeat(5000)}${']'.repeat(5000)}`));
    expect(result).toMatchObject({ ok: false, failure: { code: 'malformed', line: index + 2, seq: index } });
  });

  it('a day_close total under a key that is not a financial kind is malformed (was: exit 2 for a lone surrogate key)', () => {
    const last = VALID.length - 1;
    expect(verifyLines(replaceInLine(last, '"payment":{', '"\\udc00":{'))).toMatchObject({ ok: false, failure: { code: 'malformed', line: last + 2 } });
  });

  it('a missing record at the end names the line after the last and the missing seq', () => {
    const verifier = new ChainVerifier();
    verifier.expectHeader({ ...HEADER, records: 4 });
    VALID.slice(0, 3).forEach((line, i) => verifier.push(line, i + 2));
    expect(() => verifier.finish(5)).toThrow(expect.objectContaining({ code: 'truncated', line: 5, seq: 3 }));
  });
});
