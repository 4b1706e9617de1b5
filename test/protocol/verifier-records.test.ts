import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { ChainVerifier } from '../../src/protocol/chain-verifier.js';
import type { Details, RecordDraft, UnsignedRecord } from '../../src/protocol/record.js';
import { RecordFormatError, validateBody } from '../../src/protocol/record-validate.js';
import { ChainBuilder } from '../support/chain.js';
import { walletTapDraft } from '../support/wallet-proofs.js';
import { ACQUIRER, addAck, addCheckpoint, closeAck, exportText, headerOf, smallChain, verifyChain, verifyContent } from './verifier-fixtures.js';

/** docs/journal.md sections 3, 4 and 9: what a record may hold, and the reason each broken rule gets. */

const ack = { acquirerPublicKey: ACQUIRER.publicKey };

function payment(chain: ChainBuilder, amount: number, details: Details = {}, asset = 'CNY', tender: 'cash' | 'wallet_tap' = 'cash'): number {
  chain.add({ kind: 'payment', body: { asset, amount, tender, ref: `order-${chain.records.length}`, details } });
  return chain.records.length - 1;
}

/** The export with one line replaced by `edit(line)`: line n of the file holds seq n - 2. */
function editedExport(chain: ChainBuilder, seq: number, edit: (line: string) => string): string {
  const lines = exportText(chain).split('\n');
  const edited = edit(lines[seq + 1]!);
  expect(edited).not.toBe(lines[seq + 1]);
  lines[seq + 1] = edited;
  return lines.join('\n');
}

const failure = (code: string, line: number, seq: number | null = line - 2) => ({ ok: false, code, line, seq });

describe('string limits count Unicode code points; a surrogate pair is one character', () => {
  const emoji = '\u{1F600}'; // two UTF-16 code units, one code point

  it('accepts a ref of 64 emoji and refuses 65, in the verifier and the writer alike', async () => {
    const chain = smallChain();
    chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 5, tender: 'cash', ref: emoji.repeat(64), details: {} } });
    expect(await verifyChain(chain)).toMatchObject({ ok: true });
    const body = { asset: 'CNY', amount: 5, tender: 'cash', ref: emoji.repeat(64), details: {} };
    expect(() => validateBody('payment', body, {})).not.toThrow();
    expect(() => validateBody('payment', { ...body, ref: emoji.repeat(65) }, {})).toThrow(expect.objectContaining({ code: 'too_long' }));
    expect(() => validateBody('payment', { ...body, ref: 'a'.repeat(65) }, {})).toThrow(RecordFormatError);
    const long = smallChain();
    long.add({ kind: 'payment', body: { ...body, ref: `${'a'.repeat(64)}${emoji}` } as never });
    expect(await verifyChain(long)).toMatchObject(failure('malformed', 4));
  });

  it.each([
    ['a refund reason', 'refund', { asset: 'CNY', amount: 1, of: 1, reason: emoji.repeat(200) }, 'reason'],
    ['a clock adjustment source', 'clock_adjustment', { from: 1, to: 2, source: emoji.repeat(64) }, 'source'],
    ['a detail string', 'payment', { asset: 'CNY', amount: 1, tender: 'code', ref: 'r', details: { note: emoji.repeat(256) } }, 'details.note'],
    ['a genesis software name', 'genesis', { publicKey: 'ab'.repeat(32), software: emoji.repeat(64) }, 'software'],
  ])('%s: the limit in code points, one more refused', (_what, kind, body, field) => {
    expect(() => validateBody(kind as never, body, {})).not.toThrow();
    const path = field.split('.');
    const over = structuredClone(body) as unknown as Record<string, Record<string, string>>;
    if (path.length === 1) (over as unknown as Record<string, string>)[path[0]!] += emoji;
    else over[path[0]!]![path[1]!] += emoji;
    expect(() => validateBody(kind as never, over, {})).toThrow(expect.objectContaining({ code: 'too_long' }));
  });
});

describe('cash and wallet details', () => {
  it.each([
    ['change without tendered', { change: 0 }],
    ['tendered without change', { tendered: 1000 }],
    ['tendered minus change other than the amount', { tendered: 1500, change: 400 }],
  ])('%s is malformed', async (_what, details) => {
    const chain = smallChain();
    payment(chain, 1000, details);
    expect(await verifyChain(chain)).toMatchObject(failure('malformed', 4));
  });

  it('accepts tendered and change together, or neither', async () => {
    const chain = smallChain();
    payment(chain, 1000, { tendered: 1500, change: 500 });
    payment(chain, 1000, {});
    expect(await verifyChain(chain)).toMatchObject({ ok: true });
  });

  // A wallet id is 16 bytes (docs/journal.md section 4.1): any other length, odd or even, is malformed.
  it.each([
    ['17 hex digits (an odd count)', 'a'.repeat(17), false],
    ['15 hex digits', 'a'.repeat(15), false],
    ['66 hex digits', 'a'.repeat(66), false],
    ['16 hex digits', 'a'.repeat(16), false],
    ['64 hex digits', 'a'.repeat(64), false],
    ['31 hex digits (an odd count)', 'a'.repeat(31), false],
    ['the 32 hex digits of its certificate', null, true],
  ])('a wallet id of %s', async (_what, wallet, ok) => {
    const chain = smallChain();
    const draft = walletTapDraft({ terminal: chain.terminal, amount: 300, wallet: 'ab'.repeat(16), counter: 1 });
    if (wallet !== null && draft.kind === 'payment') draft.body.details = { ...draft.body.details, wallet };
    chain.add(draft);
    expect(await verifyChain(chain)).toMatchObject(ok ? { ok: true } : failure('malformed', 4));
  });
});

describe('returns (refund, void, reversal): bad_return', () => {
  const ret = (chain: ChainBuilder, kind: 'refund' | 'void' | 'reversal', of: number, amount: number, asset = 'CNY'): number => {
    chain.add({ kind, body: { asset, amount, of, reason: 'test' } } as RecordDraft);
    return chain.records.length - 1;
  };

  it('accepts partial refunds up to the payment, and a whole void or reversal', async () => {
    const chain = smallChain();
    ret(chain, 'refund', 1, 400);
    ret(chain, 'refund', 1, 600);
    const a = payment(chain, 700);
    const b = payment(chain, 800, {}, 'MAT');
    ret(chain, 'void', a, 700);
    ret(chain, 'reversal', b, 800, 'MAT');
    expect(await verifyChain(chain)).toMatchObject({ ok: true });
  });

  it.each([
    ['of its own seq', (c: ChainBuilder) => ret(c, 'refund', c.records.length, 1)],
    ['of a later seq', (c: ChainBuilder) => ret(c, 'refund', c.records.length + 5, 1)],
    ['of a record that is not a payment', (c: ChainBuilder) => ret(c, 'refund', 0, 1)],
    ['in another asset than the payment', (c: ChainBuilder) => ret(c, 'refund', 1, 1, 'MAT')],
    ['beyond what was paid', (c: ChainBuilder) => (ret(c, 'refund', 1, 600), ret(c, 'refund', 1, 401))],
    ['a second void', (c: ChainBuilder) => (ret(c, 'void', 1, 1000), ret(c, 'void', 1, 1000))],
    ['a refund after a void', (c: ChainBuilder) => (ret(c, 'void', 1, 1000), ret(c, 'refund', 1, 1))],
    ['a refund after a reversal', (c: ChainBuilder) => (ret(c, 'reversal', 1, 1000), ret(c, 'refund', 1, 1))],
    ['a void after a partial refund', (c: ChainBuilder) => (ret(c, 'refund', 1, 1), ret(c, 'void', 1, 1000))],
    ['a void of part of the payment', (c: ChainBuilder) => ret(c, 'void', 1, 999)],
    ['a reversal of more than the payment', (c: ChainBuilder) => ret(c, 'reversal', 1, 1001)],
  ])('a return %s', async (_what, build) => {
    const chain = smallChain();
    const bad = build(chain);
    const result = await verifyChain(chain);
    expect(result).toMatchObject(failure('bad_return', bad + 2));
  });
});

describe('settlement acks: bad_ack', () => {
  function settled(changes: Record<string, unknown> = {}, body: { close?: string; through?: number } = {}): ChainBuilder {
    const chain = smallChain();
    const through = addCheckpoint(chain);
    addAck(chain, closeAck(chain, through, changes), body);
    return chain;
  }

  it('accepts a balanced close ack for a checkpoint of this journal', async () => {
    expect(await verifyChain(settled(), ack)).toMatchObject({ ok: true, summary: { countersigned: 1, acksUnverified: 0 } });
    expect(await verifyChain(settled())).toMatchObject({ ok: true, summary: { countersigned: 0, acksUnverified: 1 } });
  });

  it.each([
    ['a member the close ack does not define', { extra: 1 }],
    ['a member the countersigned checkpoint does not define', { checkpoint: 'EXTRA' }],
    ['problems although balanced', { problems: [{ code: 'late', message: 'but balanced' }] }],
    ['missing ranges although balanced', { missing: [[0, 0]] }],
    ['a control character in a problem', { problems: [{ code: 'x', message: 'a\u0001b' }] }],
    ['no balance', { balanced: false, checkpoint: null }],
    ['a checkpoint size other than through', { checkpoint: 'SIZE' }],
    ['another terminal', { terminal: 'ab'.repeat(8) }],
    ['from after through', { from: 99 }],
  ] as [string, Record<string, unknown>][])('an ack with %s', async (_what, changes) => {
    const chain = smallChain();
    const through = addCheckpoint(chain);
    const fields: Record<string, unknown> = { ...changes };
    const root = (chain.records[through]!.body as { root: string }).root;
    const cp = { terminal: chain.terminal, seq: through, hash: chain.hashes[through]!, size: through, root };
    if (changes.checkpoint === 'EXTRA') fields.checkpoint = { ...cp, note: 'x' };
    if (changes.checkpoint === 'SIZE') fields.checkpoint = { ...cp, size: through - 1 };
    const at = addAck(chain, closeAck(chain, through, fields));
    for (const options of [ack, {}]) expect(await verifyChain(chain, options)).toMatchObject(failure('bad_ack', at + 2));
  });

  it('an ack recorded under another close id or through than its own', async () => {
    const chain = settled({}, { close: 'other-close' });
    expect(await verifyChain(chain, ack)).toMatchObject(failure('bad_ack', 5));
  });

  it('an ack for a checkpoint an earlier ack already settled, or before it', async () => {
    const chain = smallChain();
    const first = addCheckpoint(chain);
    payment(chain, 5);
    const second = addCheckpoint(chain);
    addAck(chain, closeAck(chain, second));
    const again = addAck(chain, closeAck(chain, second, {}, 'close-again'));
    expect(await verifyChain(chain, ack)).toMatchObject(failure('bad_ack', again + 2));

    const older = smallChain();
    const a = addCheckpoint(older);
    payment(older, 5);
    const b = addCheckpoint(older);
    addAck(older, closeAck(older, b));
    const late = addAck(older, closeAck(older, a));
    expect(first).toBe(a);
    expect(await verifyChain(older, ack)).toMatchObject(failure('bad_ack', late + 2));
  });

  it('the writer refuses to record an ack that is not a balanced close ack of its own checkpoint', () => {
    const chain = smallChain();
    const through = addCheckpoint(chain);
    const good = closeAck(chain, through);
    const body = (a: unknown) => ({ close: good.close, through, ack: a });
    expect(() => validateBody('settlement_ack', body(good), {})).not.toThrow();
    expect(() => validateBody('settlement_ack', body(closeAck(chain, through, { problems: [{ code: 'x', message: 'y' }] })), {})).toThrow(RecordFormatError);
    expect(() => validateBody('settlement_ack', body({ ...good, extra: 1 }), {})).toThrow(RecordFormatError);
  });
});

describe('checkpoints held for later acks: the memory bound', () => {
  it('holds no checkpoint an ack can no longer name, and one per checkpoint not yet followed by an ack', () => {
    const chain = smallChain();
    for (let i = 0; i < 20; i++) {
      payment(chain, 10 + i);
      const cp = addCheckpoint(chain);
      if (i < 15) addAck(chain, closeAck(chain, cp));
    }
    const verifier = new ChainVerifier(ack);
    let most = 0;
    chain.texts.forEach((text, i) => {
      verifier.push(text, i + 2);
      if (i < 47) most = Math.max(most, verifier.heldCheckpoints); // the first 47 records: every checkpoint acked
    });
    expect(most).toBe(1);
    expect(verifier.heldCheckpoints).toBe(5);
    expect(verifier.finish()).toMatchObject({ checkpoints: 20, countersigned: 15 });
  });
});

describe('numbers and signs', () => {
  const withTime = (time: Partial<UnsignedRecord['time']>) => {
    const chain = smallChain();
    chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 5, tender: 'cash', ref: 'x', details: {} } }, (r) => ({ ...r, time: { ...r.time, ...time } }));
    return chain;
  };

  it.each([
    ['a negative time.wall', withTime({ wall: -1 })],
    ['a negative time.mono', withTime({ mono: -1 })],
  ])('%s is malformed', async (_what, chain) => {
    expect(await verifyChain(chain)).toMatchObject(failure('malformed', 4));
  });

  it.each([
    ['from', { from: -1, to: 5, source: 'ntp' }],
    ['to', { from: 5, to: -1, source: 'ntp' }],
  ])('a negative clock adjustment %s is malformed', async (_what, body) => {
    const chain = smallChain();
    chain.add({ kind: 'clock_adjustment', body });
    expect(await verifyChain(chain)).toMatchObject(failure('malformed', 4));
  });

  it('a genesis after seq 0 is bad_genesis', async () => {
    const chain = smallChain();
    chain.add({ kind: 'genesis', body: { publicKey: 'ab'.repeat(32), software: 'again' } });
    expect(await verifyChain(chain)).toMatchObject(failure('bad_genesis', 4));
  });

  it.each([
    ['1000.0', 'not_canonical'],
    ['1e3', 'not_canonical'],
    ['1000.5', 'malformed'],
    ['9007199254740993', 'malformed'],
  ])('an amount written %s is %s', async (spelling, code) => {
    const chain = smallChain();
    expect(await verifyContent(editedExport(chain, 1, (l) => l.replace('"amount":1000', `"amount":${spelling}`)))).toMatchObject(failure(code, 3));
  });
});

describe('duplicate members are malformed, whichever value JSON.parse would keep', () => {
  it.each([
    ['a repeated top-level member', (l: string) => l.replace('"seq":1,', '"seq":1,"seq":1,')],
    ['a repeated member whose last value is the expected one', (l: string) => l.replace('{"body"', '{"seq":7,"body"')],
    ['a repeated member whose last value is wrong', (l: string) => l.replace('"seq":1,', '"seq":1,"seq":7,')],
    ['a repeated member inside the body', (l: string) => l.replace('"amount":1000,', '"amount":1000,"amount":1000,')],
    ['a repeat spelled with an escape', (l: string) => l.replace('"seq":1,', '"seq":1,"\\u0073eq":1,')],
  ])('%s', async (_what, edit) => {
    const chain = smallChain();
    const result = await verifyContent(editedExport(chain, 1, edit));
    expect(result).toMatchObject(failure('malformed', 3, 1));
    if (!result.ok) expect(result.message).toContain('duplicate member');
  });
});

describe('a header that holds a record count', () => {
  it('names the line of the first record beyond the count the header declares', async () => {
    const chain = smallChain();
    payment(chain, 5);
    payment(chain, 6);
    expect(await verifyContent(exportText(chain, headerOf(chain, { records: 2 })))).toMatchObject(failure('bad_header', 4, 2));
  });

  it('uses the genesis key it was pinned to', async () => {
    const chain = smallChain();
    expect(await verifyChain(chain, { expectedPublicKey: Signer.generate().publicKey })).toMatchObject(failure('bad_genesis', 2));
  });
});
