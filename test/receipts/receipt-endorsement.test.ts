import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assemble, type PosTerminal } from '../../src/app/index.js';
import { escposReceiptPrinter } from '../../src/app/adapters/escpos-receipts.js';
import { GENERIC_58_ZH } from '../../src/drivers/escpos/profiles.js';
import { toHex } from '../../src/encoding/hex.js';
import { AfterPayment } from '../../src/payments/after-payment.js';
import { CashTender } from '../../src/payments/cash/cash-tender.js';
import { PaymentEngine } from '../../src/payments/engine.js';
import { defaultPaymentPolicy } from '../../src/payments/policy.js';
import { decodeReceiptEndorsement } from '../../src/protocol/receipt-endorsement.js';
import { verifyReceiptQr } from '../../src/protocol/receipt-qr.js';
import type { Provisioning } from '../../src/provisioning/provisioning.js';
import type { Journal } from '../../src/terminal/ledger/journal.js';
import { renderPaperPng } from '../../hw-sim/printer/index.js';
import { keyIdOf } from '../../src/crypto/ed25519.js';
import { decodeQrFromPng } from '../hw-sim/printer/qr-decode.js';
import { Signer } from '../../src/crypto/ed25519.js';
import { signEndorsement } from '../../src/protocol/key-endorsement.js';
import { endorsementFor } from '../../src/terminal/receipts/sign-receipt-qr.js';
import type { ReceiptStatement } from '../../src/protocol/receipt-qr.js';
import { simRig, type SimRig } from '../drivers/printer/rig.js';
import { startAcquirer } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';
import { enrolled, newTerminal, provisioningOf } from '../provisioning/rig.js';
import { posctl } from '../support/posctl.js';



const rigs: SimRig[] = [];
const terminals: PosTerminal[] = [];
afterEach(async () => {
  while (terminals.length) await terminals.pop()!.stop();
  while (rigs.length) await rigs.pop()!.close();
});

/** The counter of a terminal with provisioning: cash sales whose receipts print on the printer twin. */
async function counter(journal: Journal, provisioning: Provisioning) {
  const rig = await simRig(GENERIC_58_ZH);
  rigs.push(rig);
  await until(() => rig.printer.health().detail.condition === 'ok', 'printer ready');
  const policy = defaultPaymentPolicy();
  const engine = new PaymentEngine({ terminalId: journal.terminalId, journal, book: journal.payments!, tenders: [new CashTender()], policy: () => policy, settlement: () => ({ settledThrough: -1, lastSettledAt: Date.now() }) });
  const after = new AfterPayment({ engine, journal, policy: () => policy, printer: escposReceiptPrinter(rig.printer), endorsement: () => provisioning.currentEndorsement() });
  let printed = 0;
  after.on('receiptPrinted', () => printed++);
  let sales = 0;
  /** A cash sale, printed; its QR as read back from the PNG of the paper, and as the terminal makes it. */
  const sell = async (amount: number): Promise<{ seq: number; fromPaper: string; png: string; version: number; cell: number; size: number }> => {
    const before = printed;
    const from = rig.twin.paper.length;
    const paid = engine.create({ idempotencyKey: `sale-${++sales}`, amount, asset: 'CNY', method: 'cash', tendered: amount });
    await until(() => printed === before + 1 && rig.printer.health().detail.queued === 0, 'printed');
    // This receipt alone, as a phone would photograph it.
    const png = renderPaperPng(rig.twin.paper.slice(from), GENERIC_58_ZH.dotsPerLine).png;
    const decoded = decodeQrFromPng(png);
    if (!decoded) throw new Error('no QR read back from the PNG');
    const file = join(tempDir(), `receipt-${paid.seq}.png`);
    writeFileSync(file, png);
    const symbol = rig.twin.paper.slice(from).find((item) => item.kind === 'qr');
    if (symbol?.kind !== 'qr') throw new Error('no QR on the paper');
    return { seq: paid.seq!, fromPaper: decoded.text, png: file, version: (symbol.size - 17) / 4, cell: symbol.cell, size: symbol.size };
  };
  return { rig, engine, after, sell };
}

describe("the acquirer's endorsement in the receipt QR", () => {
  it('a provisioned terminal: the receipt carries it, it verifies as endorsed from the PNG; after a rotation the new key has its own and old receipts still verify', async () => {
    const sim = await startAcquirer();
    const { journal } = newTerminal();
    const provisioning = await enrolled(journal, sim);
    const profile = provisioning.currentProfile()!;
    const { sell, after } = await counter(journal, provisioning);
    const acquirerKey = toHex(sim.publicKey);

    const first = await sell(850);
    expect(first.fromPaper.split(':')).toHaveLength(14);
    const firstVerified = verifyReceiptQr(first.fromPaper, { acquirerPublicKey: sim.publicKey });
    expect(firstVerified).toMatchObject({ binding: 'endorsed', endorsed: { tid: profile.tid, mid: profile.merchant.id, serial: profile.endorsement.serial } });
    expect(after.qr(first.seq)).toBe(first.fromPaper);
    // Still a symbol a phone reads off 58 mm paper: 4-dot modules, quiet zone included, within 384 dots.
    expect(first.version).toBeLessThanOrEqual(17);
    expect(first.cell).toBe(4);
    expect((first.size + 8) * first.cell).toBeLessThanOrEqual(GENERIC_58_ZH.dotsPerLine);
    console.log(`endorsed receipt QR on 58 mm: ${first.fromPaper.length} bytes, version ${first.version}, ${first.size} modules = ${(first.size * first.cell) / 8} mm`);

    const res = await posctl('receipt', 'verify', '--image', first.png, '--acquirer-key', acquirerKey, '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      ok: true,
      receipt: { seq: first.seq, binding: 'endorsed', endorsement: 'endorsed', endorsed: { tid: profile.tid, mid: profile.merchant.id, acquirer: keyIdOf(sim.publicKey) } },
    });
    const people = await posctl('receipt', 'verify', '--image', first.png, '--acquirer-key', acquirerKey);
    expect(people.code).toBe(0);
    expect(people.stdout).toContain(`tid ${profile.tid}, merchant ${profile.merchant.id}`);
    const unchecked = await posctl('receipt', 'verify', '--image', first.png, '--json');
    expect(JSON.parse(unchecked.stdout)).toMatchObject({ ok: true, receipt: { binding: 'genesis', endorsement: 'present_unchecked', endorsed: null } });

    // The key rotates; the acquirer endorses the new key; new receipts carry the new endorsement.
    const rotated = await provisioning.rotateKey();
    expect(rotated.endorsed).toBe(true);
    const second = await sell(1200);
    const secondVerified = verifyReceiptQr(second.fromPaper, { acquirerPublicKey: sim.publicKey });
    expect(secondVerified).toMatchObject({ binding: 'endorsed', statement: { key: rotated.keyId } });
    expect(secondVerified.endorsed!.serial).not.toBe(firstVerified.endorsed!.serial);
    expect(toHex(secondVerified.endorsement!)).not.toBe(toHex(firstVerified.endorsement!));
    const secondRes = await posctl('receipt', 'verify', '--image', second.png, '--acquirer-key', acquirerKey, '--json');
    expect(JSON.parse(secondRes.stdout)).toMatchObject({ ok: true, receipt: { binding: 'endorsed', keyId: rotated.keyId } });
    // The receipt printed before the rotation still verifies, endorsed, under the old key.
    expect(verifyReceiptQr(first.fromPaper, { acquirerPublicKey: sim.publicKey })).toMatchObject({ binding: 'endorsed', statement: { key: journal.terminalId } });
    expect((await posctl('receipt', 'verify', first.fromPaper, '--acquirer-key', acquirerKey)).code).toBe(0);

    // Tampered: one bit of the signature; the old key's endorsement on the new key's receipt.
    const fields = second.fromPaper.split(':');
    const bytes = Buffer.from(fields[13]!, 'base64url');
    bytes[80]! ^= 0x01;
    const flipped = [...fields.slice(0, 13), bytes.toString('base64url')].join(':');
    const forged = await posctl('receipt', 'verify', flipped, '--acquirer-key', acquirerKey, '--json');
    expect(forged.code).toBe(1);
    expect(JSON.parse(forged.stdout)).toMatchObject({ ok: false, reason: 'bad_endorsement' });
    const swapped = [...fields.slice(0, 13), first.fromPaper.split(':')[13]].join(':');
    const mismatched = await posctl('receipt', 'verify', swapped, '--acquirer-key', acquirerKey);
    expect(mismatched.code).toBe(1);
    expect(mismatched.stderr).toContain('receipt INVALID (bad_endorsement)');
    // Without the acquirer key, the forged endorsement is carried, unchecked: the receipt itself is intact.
    expect(JSON.parse((await posctl('receipt', 'verify', flipped, '--json')).stdout)).toMatchObject({ ok: true, receipt: { endorsement: 'present_unchecked' } });
    // Another acquirer's key given: named as such.
    const other = await posctl('receipt', 'verify', second.fromPaper, '--acquirer-key', toHex(journal.currentPublicKey), '--json');
    expect(JSON.parse(other.stdout)).toMatchObject({ ok: false, reason: 'wrong_key' });
    expect((await posctl('receipt', 'verify', second.fromPaper, '--acquirer-key', 'xyz')).code).toBe(2);
  });

  it("another terminal's endorsement does not verify on this terminal's receipt", async () => {
    const sim = await startAcquirer();
    const a = newTerminal();
    const b = newTerminal();
    const provA = await enrolled(a.journal, sim);
    const provB = await enrolled(b.journal, sim);
    const { sell } = await counter(a.journal, provA);
    const receipt = await sell(300);
    const theirs = decodeReceiptEndorsement(Buffer.from(receipt.fromPaper.split(':')[13]!, 'base64url'));
    expect(theirs.tid).toBe(provA.currentProfile()!.tid);
    const { sell: sellB } = await counter(b.journal, provB);
    const other = await sellB(300);
    const swapped = [...receipt.fromPaper.split(':').slice(0, 13), other.fromPaper.split(':')[13]].join(':');
    expect(() => verifyReceiptQr(swapped, { acquirerPublicKey: sim.publicKey })).toThrow(expect.objectContaining({ code: 'bad_endorsement' }));
    expect(verifyReceiptQr(other.fromPaper, { acquirerPublicKey: sim.publicKey }).binding).toBe('endorsed');
  });

  it('carries none while the new key waits for its endorsement, nor on an unprovisioned terminal', async () => {
    const sim = await startAcquirer();
    const { journal } = newTerminal();
    const provisioning = await enrolled(journal, sim);
    const rotated = await provisioning.rotateKey('http://127.0.0.1:1');
    expect(rotated.endorsed).toBe(false);
    expect(provisioning.currentEndorsement()).toBeNull();
    const { sell } = await counter(journal, provisioning);
    const pending = await sell(500);
    expect(pending.fromPaper.split(':')).toHaveLength(13);
    expect(verifyReceiptQr(pending.fromPaper, { acquirerPublicKey: sim.publicKey })).toMatchObject({ binding: 'unbound', endorsement: null });

    const fresh = newTerminal();
    const unprovisioned = provisioningOf(fresh.journal, sim);
    expect(unprovisioned.currentEndorsement()).toBeNull();
    const { sell: sellFresh } = await counter(fresh.journal, unprovisioned);
    const none = await sellFresh(500);
    expect(none.fromPaper.split(':')).toHaveLength(13);
    const fromImage = await posctl('receipt', 'verify', '--image', none.png, '--acquirer-key', toHex(sim.publicKey), '--json');
    expect(JSON.parse(fromImage.stdout)).toMatchObject({ ok: true, receipt: { binding: 'genesis', endorsement: 'none', endorsed: null } });
  });

  it('posd assembled with provisioning puts the endorsement of its profile in every receipt once enrolled', async () => {
    const sim = await startAcquirer();
    const pos = await assemble(
      {
        dataDir: tempDir(),
        merchant: { name: 'Test shop' },
        acquirer: { url: sim.url, publicKey: toHex(sim.publicKey) },
        provisioning: { acquirerRootKey: toHex(sim.publicKey), acquirerUrl: sim.url },
        devices: {},
      },
      { products: [], settleInBackground: false },
    );
    terminals.push(pos);
    const { code } = sim.fleet.issueCode({}, { pairing: pos.provisioning!.pairing().code });
    await pos.provisioning!.provision(code);
    const paid = pos.payments.create({ idempotencyKey: 'endorsed-1', amount: 1000, asset: 'CNY', method: 'cash', tendered: 1000 });
    const qr = pos.receipts.qr(paid.seq!)!;
    const profile = pos.provisioning!.profile()!;
    expect(verifyReceiptQr(qr, { acquirerPublicKey: sim.publicKey })).toMatchObject({ binding: 'endorsed', endorsed: { tid: profile.tid, mid: profile.merchant.id, serial: profile.endorsement.serial } });
  });

  it('the terminal keeps an endorsement only for its own terminal and signing key, and a record time within its validity', () => {
    const key = Signer.fromSeed(new Uint8Array(32).fill(7));
    const other = Signer.fromSeed(new Uint8Array(32).fill(8));
    const acquirer = Signer.fromSeed(new Uint8Array(32).fill(9));
    const e = signEndorsement({ terminal: key.keyId, keyId: key.keyId, publicKey: toHex(key.publicKey), tid: 'POS00042', mid: '123456789012345', notBefore: 1000, notAfter: 2000, serial: 3 }, acquirer);
    const s = { terminal: key.keyId, key: key.keyId, time: 1500 } as ReceiptStatement;
    expect(endorsementFor(e, s, key.publicKey)).toHaveLength(120);
    expect(endorsementFor(null, s, key.publicKey)).toBeNull();
    expect(endorsementFor(e, { ...s, key: other.keyId }, other.publicKey)).toBeNull();
    expect(endorsementFor(e, { ...s, terminal: other.keyId }, key.publicKey)).toBeNull();
    expect(endorsementFor(e, { ...s, time: 999 }, key.publicKey)).toBeNull(); // a reprint of a record older than the endorsement
    expect(endorsementFor(e, { ...s, time: 2001 }, key.publicKey)).toBeNull();
    expect(endorsementFor(e, { ...s, time: 1000 }, key.publicKey)).toHaveLength(120);
  });
});
