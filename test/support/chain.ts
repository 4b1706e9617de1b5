import { Signer } from '../../src/crypto/ed25519.js';
import { toHex } from '../../src/encoding/hex.js';
import { GENESIS_PREV } from '../../src/protocol/domains.js';
import { applyToTotals, type RecordDraft, type SignedRecord, type Totals, type UnsignedRecord } from '../../src/protocol/record.js';
import { signRecord } from '../../src/protocol/record-codec.js';

/** Builds a valid signed chain in memory (no journal), for feeding verifiers and the acquirer crafted input. */
export class ChainBuilder {
  readonly signer: Signer;
  readonly records: SignedRecord[] = [];
  readonly texts: string[] = [];
  readonly hashes: string[] = [];
  private totals: Totals = {};

  constructor(signer = Signer.generate()) {
    this.signer = signer;
    this.add({ kind: 'genesis', body: { publicKey: toHex(signer.publicKey), software: 'test' } });
  }

  get terminal(): string {
    return this.signer.keyId;
  }

  add(draft: RecordDraft, tweak: (r: UnsignedRecord) => UnsignedRecord = (r) => r, signer = this.signer): SignedRecord {
    const seq = this.records.length;
    this.totals = applyToTotals(this.totals, draft);
    const unsigned = tweak({
      v: 1,
      terminal: this.terminal,
      seq,
      kind: draft.kind,
      time: { wall: 1_763_880_000_000 + seq, boot: 'test-boot', mono: seq },
      prev: seq === 0 ? GENESIS_PREV : this.hashes[seq - 1]!,
      key: signer.keyId,
      body: draft.body,
      totals: this.totals,
    } as UnsignedRecord);
    const { record, text, hash } = signRecord(unsigned, signer);
    this.records.push(record);
    this.texts.push(text);
    this.hashes.push(toHex(hash));
    return record;
  }

  uploadBody(batch: string, records: readonly SignedRecord[] = this.records): string {
    return JSON.stringify({ v: 1, terminal: this.terminal, batch, publicKey: toHex(this.signer.publicKey), records });
  }
}
