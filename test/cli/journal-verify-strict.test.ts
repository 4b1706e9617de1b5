import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as noble from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { Signer, keyIdOf } from '../../src/crypto/ed25519.js';
import '../../src/crypto/ed25519-reference.js'; // gives @noble/ed25519 its SHA-512
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { DOMAIN, GENESIS_PREV } from '../../src/protocol/domains.js';
import { exportHeader } from '../../src/protocol/export-format.js';
import { recordSigningInput, recordText } from '../../src/protocol/record-codec.js';
import type { UnsignedRecord } from '../../src/protocol/record.js';
import { ChainBuilder } from '../support/chain.js';
import { tempDir } from '../support/tmp.js';
import { posctl } from '../support/posctl.js';



function writeExport(texts: readonly string[], terminal: string, publicKey: string): string {
  const file = join(tempDir(), 'journal.jsonl');
  const headHash = createHash('sha256').update(texts.at(-1)!).digest('hex');
  const header = exportHeader({ terminal, publicKey, records: texts.length, headHash, exportedAt: 1 });
  writeFileSync(file, `${[header, ...texts].join('\n')}\n`);
  return file;
}

/** The identity point: under lax rules the signature R = identity, S = 0 verifies every message. */
const IDENTITY = `01${'00'.repeat(31)}`;
const ANY_MESSAGE_SIGNATURE = `${IDENTITY}${'00'.repeat(32)}`;

describe('posctl journal verify: strict signatures', () => {
  it('fails a journal whose genesis key is the identity point, although every signature in it verifies under lax rules', async () => {
    const terminal = keyIdOf(fromHex(IDENTITY));
    const genesis: UnsignedRecord = {
      v: 1,
      terminal,
      seq: 0,
      kind: 'genesis',
      time: { wall: 1_763_880_000_000, boot: 'forged', mono: 0 },
      prev: GENESIS_PREV,
      key: terminal,
      body: { publicKey: IDENTITY, software: 'forger' },
      totals: {},
    } as UnsignedRecord;
    const text = recordText(genesis, ANY_MESSAGE_SIGNATURE);
    const signedBytes = new Uint8Array(Buffer.from(recordSigningInput(recordText(genesis))));
    expect(noble.verify(fromHex(ANY_MESSAGE_SIGNATURE), signedBytes, fromHex(IDENTITY), { zip215: true })).toBe(true);
    const file = writeExport([text], terminal, IDENTITY);
    const res = await posctl('journal', 'verify', file);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^FAILED \(bad_genesis\): line 2, record seq 0: the genesis public key is a small-order point/);
  });

  it.each([
    ['the identity', IDENTITY],
    ['a non-canonical (y = p + 1) identity', `ee${'ff'.repeat(30)}7f`],
    ['the order-2 point', `ec${'ff'.repeat(30)}7f`],
  ])('fails a key rotation to %s, naming the record', async (_what, weakKey) => {
    const chain = new ChainBuilder();
    chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 100, tender: 'cash', ref: 'order-1', details: {} } });
    chain.add({ kind: 'key_rotation', body: { publicKey: weakKey, proof: ANY_MESSAGE_SIGNATURE } });
    const file = writeExport(chain.texts, chain.terminal, toHex(chain.signer.publicKey));
    const res = await posctl('journal', 'verify', file);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^FAILED \(bad_rotation\): line 4, record seq 2: the new public key is a (small-order point|non-canonical encoding)/);
  });

  it('still accepts an honest rotation', async () => {
    const chain = new ChainBuilder();
    const next = Signer.generate();
    const statement = canonicalJson({ terminal: chain.terminal, seq: 1, previousKey: chain.signer.keyId, publicKey: toHex(next.publicKey) });
    chain.add({ kind: 'key_rotation', body: { publicKey: toHex(next.publicKey), proof: toHex(next.sign(DOMAIN.keyRotation + statement)) } });
    chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 100, tender: 'cash', ref: 'order-1', details: {} } }, (r) => r, next);
    const file = writeExport(chain.texts, chain.terminal, toHex(chain.signer.publicKey));
    const res = await posctl('journal', 'verify', file);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it('refuses a small-order --acquirer-key as unusable (exit 2)', async () => {
    const chain = new ChainBuilder();
    const file = writeExport(chain.texts, chain.terminal, toHex(chain.signer.publicKey));
    const res = await posctl('journal', 'verify', file, '--acquirer-key', IDENTITY);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--acquirer-key is a small-order point');
  });
});
