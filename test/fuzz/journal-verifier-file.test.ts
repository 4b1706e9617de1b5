import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACQUIRER, addAck, addCheckpoint, closeAck, exportText, smallChain, verifyContent } from '../protocol/verifier-fixtures.js';
import { codeUnitString, fuzz } from './settings.js';

/** A settled export with a refund: every part of section 8 and most of section 9 in a few lines. */
function validExport(): string {
  const chain = smallChain();
  chain.add({ kind: 'refund', body: { asset: 'CNY', amount: 100, of: 1, reason: 'damaged' } });
  const through = addCheckpoint(chain);
  addAck(chain, closeAck(chain, through));
  chain.add({ kind: 'payment', body: { asset: 'MAT', amount: 5, tender: 'cash', ref: '订单-1', details: { tendered: 10, change: 5 } } });
  return exportText(chain);
}

const VALID = validExport();
const options = { acquirerPublicKey: ACQUIRER.publicKey };

/** The header's members other than exportedAt, which nothing checks. */
const checkedHeader = (text: string): string => {
  const { exportedAt: _ignored, ...rest } = JSON.parse(text.slice(0, text.indexOf('\n'))) as Record<string, unknown>;
  return JSON.stringify(rest);
};

describe('fuzz: the export file, byte for byte', () => {
  it('accepts the export it edits', async () => {
    expect(await verifyContent(VALID, options)).toMatchObject({ ok: true });
  });

  it('any edit anywhere (line ends, blank lines, a BOM, any text) fails naming a line, or leaves only exportedAt changed', async () => {
    const insert = fc.oneof(fc.constantFrom('\n', '\r', '\r\n', '\n\n', '\ufeff', ' ', '"', '0', ''), codeUnitString(4, 1));
    await fc.assert(
      fc.asyncProperty(fc.nat(VALID.length), fc.nat(3), insert, async (at, removed, text) => {
        const edited = VALID.slice(0, at) + text + VALID.slice(at + removed);
        fc.pre(edited !== VALID);
        const result = await verifyContent(edited, options);
        if (result.ok) {
          // The only member of the file nothing checks: the time of the export.
          expect(checkedHeader(edited)).toBe(checkedHeader(VALID));
          expect(edited.slice(edited.indexOf('\n'))).toBe(VALID.slice(VALID.indexOf('\n')));
        } else {
          expect(result.line, JSON.stringify(edited.slice(Math.max(0, at - 20), at + 20))).toBeTypeOf('number');
        }
      }),
      fuzz(200),
    );
  });
});
