import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
import { escposReceiptPrinter } from '../../src/app/adapters/escpos-receipts.js';
import { GENERIC_58_ZH, GENERIC_80, GENERIC_80_ZH, type PrinterProfile } from '../../src/drivers/escpos/profiles.js';
import { textColumns } from '../../src/drivers/escpos/text-encoding.js';
import { AfterPayment } from '../../src/payments/after-payment.js';
import { CashTender } from '../../src/payments/cash/cash-tender.js';
import { PaymentEngine } from '../../src/payments/engine.js';
import type { CustomerPrompt, Payment, PaymentMethod } from '../../src/payments/payment.js';
import { defaultPaymentPolicy, type PaymentPolicy } from '../../src/payments/policy.js';
import type { Tender, TenderContext } from '../../src/payments/tender.js';
import type { Details, PaymentBody } from '../../src/protocol/record.js';
import { signPaymentProof } from '../../src/protocol/authorization.js';
import { verifyReceiptQr } from '../../src/protocol/receipt-qr.js';
import { Signer } from '../../src/crypto/ed25519.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import type { Clock } from '../../src/terminal/clock.js';
import { cropPng, decodeQrFromPng } from '../hw-sim/printer/qr-decode.js';
import { walletTapDraft } from '../support/wallet-proofs.js';
import { simRig, type SimRig } from '../drivers/printer/rig.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';
import { posctl } from '../support/posctl.js';



/** 2026-11-23 17:02:03 UTC: 01:02:03 on the 24th in Hangzhou. */
const HANGZHOU_0102 = Date.UTC(2026, 10, 23, 17, 2, 3);

function clockAt(wall: number): Clock {
  let mono = 0;
  return { now: () => ({ wall, boot: 'test-boot', mono: mono++ }) };
}

/** A tender that is paid the moment the payment is made (the way the wallet and code tenders end). */
class InstantTender implements Tender {
  private counter = 0;
  constructor(
    readonly method: PaymentMethod,
    private readonly details: (counter: number, payment: Payment) => Details,
    private readonly offline: boolean,
  ) {}
  prompt(): CustomerPrompt {
    return { kind: 'present' };
  }
  beginNow(ctx: TenderContext): void {
    ctx.succeed({ details: this.details(++this.counter, ctx.payment()), offline: this.offline });
  }
}

const ACQUIRER = Signer.fromSeed(new Uint8Array(32).fill(7));

/** What an online approval leaves in the record: the masked code and the acquirer's signed proof (docs/authorization-protocol.md section 9). */
function onlineApproval(terminal: string, p: Payment): Details {
  const paidAt = 1_763_900_000_000;
  const acquirerRef = 'ACQ-20261124-000123';
  const proof = signPaymentProof({ terminal, ref: p.ref, method: 'code', amount: p.amount, asset: p.asset, acquirerRef, paidAt }, ACQUIRER);
  return { code: '1345**********6789', scheme: 'wechat', acquirer: ACQUIRER.keyId, acquirerRef, paidAt, proof };
}

const SHOP = { ...defaultPaymentPolicy().merchant, name: '街角小店 Corner Shop', address: '杭州市西湖区文三路 90 号', phone: '0571-8888 6666', city: '杭州 Hangzhou' };
const BASKET = [
  { name: '矿泉水 Mineral water 550ml', unitPrice: 200, quantity: 2 },
  { name: '方便面 Instant noodles', unitPrice: 450, quantity: 1 },
];

const rigs: SimRig[] = [];
const journals: Journal[] = [];
afterEach(async () => {
  while (journals.length) journals.pop()!.close();
  while (rigs.length) await rigs.pop()!.close();
});

async function counter(profile: PrinterProfile, policy: PaymentPolicy, clock?: Clock) {
  const rig = await simRig(profile);
  rigs.push(rig);
  await until(() => rig.printer.health().detail.condition === 'ok', 'printer ready');
  const journal = Journal.open(tempDir(), clock ? { clock } : {});
  journals.push(journal);
  const tenders = [
    new CashTender(),
    new InstantTender(
      'wallet_tap',
      (n, p) => (walletTapDraft({ terminal: journal.terminalId, amount: p.amount, asset: p.asset as 'CNY' | 'MAT', wallet: 'ab12cd34'.repeat(4), counter: n, ref: p.ref }).body as PaymentBody).details,
      true,
    ),
    new InstantTender('code', (_, p) => onlineApproval(journal.terminalId, p), false),
  ];
  const engine = new PaymentEngine({ terminalId: journal.terminalId, journal, book: journal.payments!, tenders, policy: () => policy, settlement: () => ({ settledThrough: -1, lastSettledAt: Date.now() }) });
  const after = new AfterPayment({ engine, journal, policy: () => policy, printer: escposReceiptPrinter(rig.printer) });
  let printed = 0;
  after.on('receiptPrinted', () => printed++);
  after.on('receiptFailed', (seq, err) => {
    throw new Error(`receipt ${seq} failed: ${err.message}`);
  });
  return { rig, journal, engine, after, printedCount: () => printed };
}

/** Every printed text line fits the paper, counting CJK as two columns as the printer does. */
function expectWithinPaper(text: string, profile: PrinterProfile): void {
  for (const line of text.split('\n')) {
    if (line.startsWith('[[')) continue;
    expect(textColumns(line, profile.text), line).toBeLessThanOrEqual(profile.columns.A);
  }
}

/** Keeps a PNG where a person can look at it (POSD_LOOK_DIR), besides the test's own temp file. */
function savePng(png: Buffer, name: string): string {
  const file = join(tempDir(), name);
  writeFileSync(file, png);
  if (process.env.POSD_LOOK_DIR) {
    mkdirSync(process.env.POSD_LOOK_DIR, { recursive: true });
    copyFileSync(file, join(process.env.POSD_LOOK_DIR, name));
  }
  return file;
}

describe('receipts on paper, through the ESC/POS driver and the printer twin', () => {
  it.each([
    ['58 mm', GENERIC_58_ZH],
    ['80 mm', GENERIC_80_ZH],
  ] as const)(
    'prints customer and merchant copies on %s in local time, and the QR read back from the PNG verifies with posctl',
    async (_, profile) => {
      const policy = defaultPaymentPolicy({ receiptCopies: 2, merchant: SHOP });
      const { rig, journal, engine, printedCount } = await counter(profile, policy, clockAt(HANGZHOU_0102));
      const paid = engine.create({ idempotencyKey: 'sale-1', amount: 850, asset: 'CNY', method: 'cash', tendered: 1000, items: BASKET });
      await until(() => printedCount() === 1 && rig.printer.health().detail.queued === 0, 'both copies printed');

      const text = rig.twin.text();
      expect(rig.twin.errors).toEqual([]);
      expectWithinPaper(text, profile);
      const copies = text.split('[[CUT partial]]').filter((part) => part.trim().length > 0);
      expect(copies).toHaveLength(2);
      expect(copies[0]).toContain('顾客联 CUSTOMER COPY');
      expect(copies[1]).toContain('商户联 MERCHANT COPY');
      for (const copy of copies) {
        expect(copy).toContain('2026-11-24 01:02:03'); // the Hangzhou date, not 2026-11-23 (UTC)
        expect(copy).not.toContain('2026-11-23');
        expect(copy).toMatch(/矿泉水 Mineral water 550ml\s*\.*\s*4\.00\n\s+2 x 2\.00/);
        expect(copy).toContain('杭州市西湖区文三路 90 号');
        expect(copy).toContain('电话 Tel 0571-8888 6666');
        expect(copy).toMatch(/找零 Change\s+1\.50/);
      }

      const paper = rig.twin.png();
      const strip = savePng(paper.png, `receipt-copies-${profile.id}.png`);
      // The customer's copy alone, as a phone would photograph it: the two copies are the same length.
      const png = cropPng(paper.png, 0, Math.floor(paper.height / 2));
      const file = savePng(png, `receipt-customer-${profile.id}.png`);
      const qr = decodeQrFromPng(png)!;
      expect(qr.text.startsWith('POSDR1:')).toBe(true);
      const verified = verifyReceiptQr(qr.text, { publicKey: journal.genesisPublicKey });
      expect(verified.statement).toMatchObject({ seq: paid.seq, kind: 'payment', amount: 850, asset: 'CNY', tender: 'cash', time: HANGZHOU_0102, hash: Buffer.from(journal.get(paid.seq!)!.hash).toString('hex') });

      const res = await posctl('receipt', 'verify', '--image', file, '--json', '--public-key', Buffer.from(journal.genesisPublicKey).toString('hex'));
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ ok: true, reason: null, receipt: { seq: paid.seq, amount: 850, binding: 'pinned', timeUtc: '2026-11-23T17:02:03.000Z' } });
      expect((await posctl('receipt', 'verify', '--image', strip)).code).toBe(0); // both copies in one picture: the first QR
      const people = await posctl('receipt', 'verify', '--image', file);
      expect(people.code).toBe(0);
      expect(people.stdout).toContain(`receipt valid: payment 8.50 CNY (cash), record ${paid.seq}`);
      expect(people.stdout).toContain("the terminal's own first key");
    },
  );

  it('keeps the QR small enough for a phone on 58 mm: version and module size measured on the PNG', async () => {
    const { rig, engine, printedCount } = await counter(GENERIC_58_ZH, defaultPaymentPolicy({ merchant: SHOP }));
    engine.create({ idempotencyKey: 'sale-2', amount: 1999, asset: 'MAT', method: 'wallet_tap' });
    await until(() => printedCount() === 1, 'printed');
    const png = rig.twin.png().png;
    savePng(png, 'receipt-offline-58.png');
    const symbol = rig.twin.paper.find((item) => item.kind === 'qr');
    if (symbol?.kind !== 'qr') throw new Error('no QR on the paper');
    const version = (symbol.size - 17) / 4;
    expect(version).toBeLessThanOrEqual(15);
    expect(symbol.data.length).toBeLessThanOrEqual(412); // what version 15 holds at level M in byte mode
    expect(symbol.cell).toBe(4); // 0.5 mm modules at 203 dpi
    expect((symbol.size + 8) * symbol.cell).toBeLessThanOrEqual(GENERIC_58_ZH.dotsPerLine); // with its quiet zone on both sides
    expect(decodeQrFromPng(png)?.text).toBe(new TextDecoder().decode(symbol.data));
    console.log(`receipt QR on 58 mm: ${symbol.data.length} bytes, version ${version}, ${symbol.size} modules of ${symbol.cell} dots = ${(symbol.size * symbol.cell) / 8} mm`);
  });

  it('marks offline payments with the count the acquirer has yet to confirm, and masks the payer', async () => {
    const { rig, engine, printedCount } = await counter(GENERIC_58_ZH, defaultPaymentPolicy({ merchant: SHOP }));
    engine.create({ idempotencyKey: 'tap-1', amount: 500, asset: 'CNY', method: 'wallet_tap' });
    await until(() => printedCount() === 1, 'first tap printed');
    engine.create({ idempotencyKey: 'tap-2', amount: 700, asset: 'MAT', method: 'wallet_tap' });
    await until(() => printedCount() === 2, 'second tap printed');
    engine.create({ idempotencyKey: 'code-1', amount: 12_345, asset: 'CNY', method: 'code' });
    await until(() => printedCount() === 3, 'code payment printed');
    const [first, second, online] = rig.twin.text().split('[[CUT partial]]');
    expect(first).toContain('离线交易 OFFLINE PAYMENT');
    expect(first).toMatch(/待确认离线 Unconfirmed offline\s+1\n/);
    expect(second).toMatch(/待确认离线 Unconfirmed offline\s+2\n/);
    expect(second).toMatch(/付款人 Payer\s+ab12cd\.\.cd34/);
    expect(online).not.toContain('OFFLINE');
    expect(online).toMatch(/付款人 Payer\s+1345\*{10}6789/);
    expect(online).toContain('ACQ-20261124-000123');
    expect(rig.twin.text()).not.toMatch(/134567890123456789/);
    savePng(rig.twin.png().png, 'receipt-offline-count-58.png');
  });

  it('reprints any payment, refund or void by seq, marked as a reprint, and prints refund and void receipts when journaled', async () => {
    const { rig, journal, engine, after, printedCount } = await counter(GENERIC_80_ZH, defaultPaymentPolicy({ merchant: SHOP }));
    const paid = engine.create({ idempotencyKey: 'sale-3', amount: 850, asset: 'CNY', method: 'cash', tendered: 850, items: BASKET });
    await until(() => printedCount() === 1, 'sale printed');
    const refund = journal.append({ kind: 'refund', body: { asset: 'CNY', amount: 200, of: paid.seq!, reason: '退货 returned water' } });
    await until(() => printedCount() === 2, 'refund printed when journaled');
    await after.printRecord(paid.seq!, { reprint: true });
    await after.printRecord(refund.seq, { reprint: true, copies: 'merchant' });
    expect(after.lastReceiptSeq()).toBe(refund.seq);
    const parts = rig.twin.text().split('[[CUT partial]]');
    expect(parts[1]).toContain('退款小票 REFUND');
    expect(parts[1]).toMatch(/退款金额 REFUNDED CNY\s+2\.00/);
    expect(parts[1]).not.toContain('REPRINT');
    expect(parts[2]).toContain('*** 重印 REPRINT ***');
    expect(parts[2]).toContain('销售小票 SALES RECEIPT');
    expect(parts[3]).toContain('*** 重印 REPRINT ***');
    expect(parts[3]).toContain('商户联 MERCHANT COPY');
    // The reprint carries the same QR: Ed25519 is deterministic and the statement names the record, not the print.
    expect(verifyReceiptQr(after.qr(paid.seq!)!).statement.seq).toBe(paid.seq);
    await expect(after.printRecord(0)).rejects.toMatchObject({ code: 'no_receipt' });
    await expect(after.printRecord(999)).rejects.toMatchObject({ code: 'not_found' });
    savePng(rig.twin.png().png, 'receipt-refund-reprint-80.png');
  });

  it('prints English alone on a printer without Chinese', async () => {
    const { rig, engine, printedCount } = await counter(GENERIC_80, defaultPaymentPolicy({ merchant: SHOP }));
    engine.create({ idempotencyKey: 'sale-4', amount: 850, asset: 'CNY', method: 'cash', tendered: 1000, items: BASKET });
    await until(() => printedCount() === 1, 'printed');
    const text = rig.twin.text();
    expect(rig.twin.errors).toEqual([]);
    expect(text).toContain('SALES RECEIPT');
    expect(text).toMatch(/Mineral water 550ml\s*\.*\s*4\.00/);
    expect(text).not.toMatch(/[^\x00-\x7f]/);
    expectWithinPaper(text, GENERIC_80);
    savePng(rig.twin.png().png, 'receipt-english-80.png');
  });
});

describe('posctl receipt verify', () => {
  it('refuses a tampered payload (exit 1 with the reason), and says how it was called wrong (exit 2)', async () => {
    const { engine, after } = await counter(GENERIC_58_ZH, defaultPaymentPolicy());
    const paid = engine.create({ idempotencyKey: 'sale-5', amount: 850, asset: 'CNY', method: 'cash', tendered: 850 });
    const text = after.qr(paid.seq!)!;
    expect((await posctl('receipt', 'verify', text)).code).toBe(0);

    const tampered = text.replace(':CNY:850:', ':CNY:8500:');
    const res = await posctl('receipt', 'verify', tampered, '--json');
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, reason: 'bad_signature', receipt: null });
    const people = await posctl('receipt', 'verify', tampered);
    expect(people.code).toBe(1);
    expect(people.stderr).toContain('receipt INVALID (bad_signature)');

    // A tampered QR code on paper: the same refusal through --image.
    const dir = tempDir();
    const forged = join(dir, 'forged.png');
    await QRCode.toFile(forged, [{ data: Buffer.from(tampered), mode: 'byte' }], { errorCorrectionLevel: 'M', scale: 4 });
    expect(JSON.parse((await posctl('receipt', 'verify', '--image', forged, '--json')).stdout)).toMatchObject({ ok: false, reason: 'bad_signature' });

    const blank = join(dir, 'blank.png');
    const { PNG } = await import('pngjs');
    const white = new PNG({ width: 64, height: 64 });
    white.data.fill(255);
    writeFileSync(blank, PNG.sync.write(white));
    expect(JSON.parse((await posctl('receipt', 'verify', '--image', blank, '--json')).stdout)).toMatchObject({ ok: false, reason: 'no_qr' });
    expect((await posctl('receipt', 'verify', 'POSD1:abc')).code).toBe(1);

    expect((await posctl('receipt', 'verify')).code).toBe(2);
    expect((await posctl('receipt', 'verify', text, '--image', blank)).code).toBe(2);
    expect((await posctl('receipt', 'verify', text, '--public-key', 'xyz')).code).toBe(2);
    expect((await posctl('receipt', 'verify', '--image', join(dir, 'missing.png'))).code).toBe(2);
    writeFileSync(join(dir, 'not.png'), 'hello');
    const notPng = await posctl('receipt', 'verify', '--image', join(dir, 'not.png'), '--json');
    expect(notPng.code).toBe(2);
    expect(JSON.parse(notPng.stdout)).toMatchObject({ ok: false, reason: 'could_not_run' });
  });
});
