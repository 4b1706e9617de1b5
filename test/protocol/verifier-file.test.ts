import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { toHex } from '../../src/encoding/hex.js';
import { exportText, headerOf, smallChain, verifyContent } from './verifier-fixtures.js';

/** docs/journal.md section 8: the export file, byte for byte, and what each deviation is reported as. */

const failure = (code: string, line: number | null, seq: number | null) => ({ ok: false, code, line, seq });

describe('lines: each ends in one line feed, nothing else', () => {
  it('accepts the export as written', async () => {
    expect(await verifyContent(exportText(smallChain()))).toMatchObject({ ok: true, summary: { records: 2 } });
  });

  it('a last line without its line feed is malformed, at that line', async () => {
    const text = exportText(smallChain());
    expect(await verifyContent(text.slice(0, -1))).toMatchObject(failure('malformed', 3, 1));
  });

  it('a blank line is malformed, at that line, naming the seq expected there', async () => {
    const lines = exportText(smallChain()).split('\n');
    lines.splice(2, 0, '');
    expect(await verifyContent(lines.join('\n'))).toMatchObject(failure('malformed', 3, 1));
  });

  it('a blank line at the end is malformed', async () => {
    expect(await verifyContent(`${exportText(smallChain())}\n`)).toMatchObject(failure('malformed', 4, 2));
  });

  it('CR LF line ends are malformed, at the first line that has one', async () => {
    const text = exportText(smallChain());
    expect(await verifyContent(text.replaceAll('\n', '\r\n'))).toMatchObject(failure('malformed', 1, null));
    const lines = text.split('\n');
    lines[2] += '\r';
    expect(await verifyContent(lines.join('\n'))).toMatchObject(failure('malformed', 3, 1));
  });

  it('a byte-order mark before the header is malformed', async () => {
    expect(await verifyContent(`\ufeff${exportText(smallChain())}`)).toMatchObject(failure('malformed', 1, null));
  });
});

describe('an empty export', () => {
  it('an empty file is malformed at line 1', async () => {
    expect(await verifyContent('')).toMatchObject(failure('malformed', 1, null));
    expect(await verifyContent('\n')).toMatchObject(failure('malformed', 1, null));
  });

  it('a header without records is truncated: the genesis record is missing', async () => {
    const chain = smallChain();
    expect(await verifyContent(`${headerOf(chain)}\n`)).toMatchObject(failure('truncated', 2, 0));
  });

  it('a header declaring no records is malformed (every journal has its genesis)', async () => {
    const chain = smallChain();
    expect(await verifyContent(`${headerOf(chain, { records: 0 })}\n`)).toMatchObject(failure('malformed', 1, null));
  });
});

describe('the header: each member checked, each with its reason', () => {
  it.each([
    ['another format', { format: 'posd-journal' }],
    ['version 2', { v: 2 }],
    ['a member it does not define', { note: 'x' }],
    ['no exportedAt', { exportedAt: undefined }],
    ['a terminal that is not 16 hex digits', { terminal: 'ABCDEF0123456789' }],
    ['a publicKey that is not 64 hex digits', { publicKey: 'ab' }],
    ['a headHash that is not 64 hex digits', { headHash: 'zz'.repeat(32) }],
    ['a record count that is not an integer', { records: '2' }],
    ['a negative exportedAt', { exportedAt: -1 }],
  ])('%s is malformed at line 1', async (_what, overrides) => {
    const chain = smallChain();
    expect(await verifyContent(exportText(chain, headerOf(chain, overrides)))).toMatchObject(failure('malformed', 1, null));
  });

  it('a header not in canonical form, or with a duplicate member, is malformed', async () => {
    const chain = smallChain();
    const header = headerOf(chain);
    expect(await verifyContent(exportText(chain, header.replace(',', ', ')))).toMatchObject(failure('malformed', 1, null));
    expect(await verifyContent(exportText(chain, header.replace('{', '{"v":1,')))).toMatchObject(failure('malformed', 1, null));
  });

  it.each([
    ['terminal', (c: ReturnType<typeof smallChain>) => ({ terminal: c.terminal.replace(/^./, (d) => (d === '0' ? '1' : '0')) })],
    ['publicKey', () => ({ publicKey: toHex(Signer.generate().publicKey) })],
    ['headHash', (c: ReturnType<typeof smallChain>) => ({ headHash: c.hashes[0] })],
  ])('a header %s that does not match the records is bad_header, at line 1', async (_what, overrides) => {
    const chain = smallChain();
    expect(await verifyContent(exportText(chain, headerOf(chain, overrides(chain))))).toMatchObject(failure('bad_header', 1, null));
  });

  it('a header declaring more records than the file holds is truncated, at the line after the last', async () => {
    const chain = smallChain();
    expect(await verifyContent(exportText(chain, headerOf(chain, { records: 5 })))).toMatchObject(failure('truncated', 4, 2));
  });
});
