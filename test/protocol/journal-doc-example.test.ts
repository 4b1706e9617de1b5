import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Signer, keyIdOf } from '../../src/crypto/ed25519.js';
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import { fromHex } from '../../src/encoding/hex.js';
import type { UnsignedRecord } from '../../src/protocol/record.js';
import { signRecord } from '../../src/protocol/record-codec.js';
import { verifyExportFile } from '../../src/protocol/verify-export.js';
import { tempDir } from '../support/tmp.js';

/**
 * docs/journal.md section 5.2 prints a complete worked example: a key, two records (the text
 * signed, the signature, the stored line, the record hash) and the export header. This test
 * reads the document itself, so what it prints is what is checked, byte for byte.
 */

function exampleBlock(): Map<string, string> {
  const doc = readFileSync(join(process.cwd(), 'docs/journal.md'), 'utf8');
  const section = doc.split('\n### 5.2 ')[1];
  expect(section, 'docs/journal.md has a section 5.2').toBeDefined();
  const block = /```text\n([\s\S]*?)\n```/.exec(section!)?.[1];
  expect(block, 'section 5.2 has a ```text block').toBeDefined();
  const values = new Map<string, string>();
  for (const line of block!.split('\n')) {
    if (line.trim() === '') continue;
    const match = /^(\S+)\s+(\S+)$/.exec(line);
    expect(match, `"${line}" is "label value"`).not.toBeNull();
    values.set(match![1]!, match![2]!);
  }
  return values;
}

const value = (values: Map<string, string>, label: string): string => {
  expect(values.has(label), `the example gives ${label}`).toBe(true);
  return values.get(label)!;
};

/** An Ed25519 private key from its 32-byte seed, through node:crypto alone (PKCS #8 prefix of RFC 8410). */
function privateKeyFromSeed(seed: Buffer) {
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the worked example in docs/journal.md section 5.2', () => {
  const values = exampleBlock();

  it('gives the key: seed, public key and key id', () => {
    const seed = value(values, 'seed');
    const signer = Signer.fromSeed(fromHex(seed, 32));
    expect(value(values, 'publicKey')).toBe(Buffer.from(signer.publicKey).toString('hex'));
    expect(value(values, 'keyId')).toBe(createHash('sha256').update(signer.publicKey).digest('hex').slice(0, 16));
    expect(value(values, 'keyId')).toBe(keyIdOf(signer.publicKey));
  });

  it.each([0, 1])('record %i: the canonical text signed, the signature, the stored line and the record hash', (i) => {
    const unsigned = value(values, `U${i}`);
    const sig = value(values, `sig${i}`);
    const stored = value(values, `S${i}`);
    const parsed = JSON.parse(unsigned) as Record<string, unknown>;
    expect(canonicalJson(parsed)).toBe(unsigned);
    expect(Object.keys(parsed).sort()).toEqual(['body', 'key', 'kind', 'prev', 'seq', 'terminal', 'time', 'totals', 'v']);
    // Reproduced with node:crypto alone: the domain string, a line feed, then the UTF-8 of U.
    const key = privateKeyFromSeed(Buffer.from(value(values, 'seed'), 'hex'));
    expect(sign(null, Buffer.from(`posd/journal-record/v1\n${unsigned}`, 'utf8'), key).toString('hex')).toBe(sig);
    expect(canonicalJson({ ...parsed, sig })).toBe(stored);
    expect(sha256(stored)).toBe(value(values, `hash${i}`));
    // And posd's own codec agrees.
    const encoded = signRecord(parsed as unknown as UnsignedRecord, Signer.fromSeed(fromHex(value(values, 'seed'), 32)));
    expect(encoded.text).toBe(stored);
    expect(parsed.key).toBe(value(values, 'keyId'));
    expect(parsed.terminal).toBe(value(values, 'keyId'));
  });

  it('chains: record 1 names record 0 by its hash, and the three lines are a valid export', async () => {
    const first = JSON.parse(value(values, 'U0')) as { prev: string; body: { publicKey: string } };
    const second = JSON.parse(value(values, 'U1')) as { prev: string };
    expect(first.prev).toBe('0'.repeat(64));
    expect(first.body.publicKey).toBe(value(values, 'publicKey'));
    expect(second.prev).toBe(value(values, 'hash0'));
    const header = value(values, 'header');
    expect(JSON.parse(header)).toMatchObject({ records: 2, headHash: value(values, 'hash1'), publicKey: value(values, 'publicKey'), terminal: value(values, 'keyId') });
    const file = join(tempDir(), 'example.jsonl');
    writeFileSync(file, `${header}\n${value(values, 'S0')}\n${value(values, 'S1')}\n`);
    const summary = await verifyExportFile(file, { expectedPublicKey: fromHex(value(values, 'publicKey'), 32) });
    expect(summary).toMatchObject({ records: 2, headHash: value(values, 'hash1') });
  });
});
