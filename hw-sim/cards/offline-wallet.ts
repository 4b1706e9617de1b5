import { Signer } from '../../src/crypto/ed25519.js';
import { concatBytes } from '../../src/encoding/bytes.js';
import { toHex } from '../../src/encoding/hex.js';
import { CardSw, tlv, type CardCommand, type CardResponse } from './card-apdu.js';
import type { IssuedCertificate, WalletIssuer } from './issuer.js';
import { WALLET_AID, WalletApplet, WalletTag, type WalletAppletOptions } from './wallet-applet.js';
import { be32, be64, DOMAINS, fields, printable, readBe, readExactly, text, WalletV2Tag } from './wallet-data.js';

/** docs/wallet-apdu.md version 2, restated for the emulated wallet. */
export const WALLET_V2 = {
  version: 0x02,
  certificateTag: 0xdf23,
  issuerSignatureTag: 0xdf24,
  pay: { cla: 0x80, ins: 0x50 },
  confirm: { cla: 0x80, ins: 0x52 },
} as const;

export const WalletSw = {
  insufficientBalance: 0x9401,
  counterExhausted: 0x9402,
  certificateExpired: 0x6984,
  overLimit: 0x6985,
} as const;

/** How many answered payments the wallet remembers (the document asks for at least the last one). */
const REMEMBERED = 8;
const MAX_COUNTER = 0xffff_ffff;

export interface OfflineWalletOptions extends WalletAppletOptions {
  /** The issuer of the wallet's asset: it certifies the wallet's key. */
  issuer: WalletIssuer;
  /** Offline balance, minor units (default 100000: 1000.00). */
  balance?: number;
  /** Default 50000 (500.00 a payment, as deployed offline wallets). */
  perPaymentLimit?: number;
  /** Default 200000. */
  balanceCap?: number;
  /** Certificate end, epoch ms (default a year from now). */
  notAfter?: number;
  /** The counter before the next payment (default 0: the first payment is 1). */
  counter?: number;
  /** Present this certificate instead of one the issuer makes for this wallet (another wallet's, a forged one). */
  certificate?: IssuedCertificate;
}

/** One payment the wallet made: what it was asked and what it answered. */
export interface WalletPaymentLog {
  nonce: string;
  amount: number;
  asset: string;
  terminalId: string;
  ref: string;
  counter: number;
  balanceAfter: number;
  /** PAY commands with this request that reached the wallet (a resend repeats the answer). */
  seen: number;
}

/** What the wallet kept of a terminal's CONFIRM. */
export interface StoredConfirmation {
  statement: string;
  terminalKeyId: string;
  signature: Uint8Array;
}

interface Remembered {
  request: Uint8Array;
  answer: Uint8Array;
  log: WalletPaymentLog;
}

/**
 * The hardware wallet of docs/wallet-apdu.md version 2: version 1's commands plus an
 * issuer-signed certificate in its FCI, PAY (debit the offline balance, count, sign) and
 * CONFIRM (keep the terminal's signed confirmation). PAY is idempotent: the same request (same
 * nonce) gets the same signed answer and no second debit, as a command the PN532 delivered twice
 * must. It also makes offline payment QR tokens, as the customer's wallet app shows them.
 */
export class OfflineWalletApplet extends WalletApplet {
  readonly certificate: IssuedCertificate;
  readonly payments: WalletPaymentLog[] = [];
  readonly confirmations: StoredConfirmation[] = [];
  private balanceNow: number;
  private counterNow: number;
  private readonly remembered: Remembered[] = [];
  private readonly walletSigner: Signer;

  constructor(private readonly offline: OfflineWalletOptions) {
    const signer = offline.signer ?? Signer.generate();
    super({ ...offline, signer });
    this.walletSigner = signer;
    this.balanceNow = offline.balance ?? 100_000;
    this.counterNow = offline.counter ?? 0;
    this.certificate =
      offline.certificate ??
      offline.issuer.certify(this.walletId, this.publicKey, {
        perPaymentLimit: offline.perPaymentLimit ?? 50_000,
        balanceCap: offline.balanceCap ?? 200_000,
        notAfter: offline.notAfter ?? Date.now() + 365 * 24 * 3600_000,
      });
    this.register(WALLET_V2.pay.cla, WALLET_V2.pay.ins, (command) => this.pay(command));
    this.register(WALLET_V2.confirm.cla, WALLET_V2.confirm.ins, (command) => this.confirm(command));
  }

  get asset(): string {
    return this.certificate.asset;
  }

  get balance(): number {
    return this.balanceNow;
  }

  get counter(): number {
    return this.counterNow;
  }

  /** Money loaded from the customer's account (online, at the issuer). */
  load(amount: number): void {
    this.balanceNow += amount;
  }

  /**
   * A copy of this wallet's chip: the same key, id, certificate, balance and counter. Whatever
   * one spends, the other can spend again under the same counter: a cloned wallet.
   */
  clone(): OfflineWalletApplet {
    return new OfflineWalletApplet({ ...this.offline, signer: this.walletSigner, walletId: this.walletId, certificate: this.certificate, balance: this.balanceNow, counter: this.counterNow });
  }

  override select(): Uint8Array {
    const cert = this.certificate;
    return tlv(
      WalletTag.fci,
      concatBytes([
        tlv(WalletTag.dfName, WALLET_AID),
        tlv(
          WalletTag.proprietary,
          concatBytes([
            tlv(WalletTag.walletId, this.walletId),
            tlv(WalletTag.publicKey, this.offline.advertisedPublicKey ?? this.publicKey),
            tlv(WalletTag.version, Uint8Array.of(WALLET_V2.version)),
            tlv(WALLET_V2.certificateTag, cert.body),
            tlv(WALLET_V2.issuerSignatureTag, cert.signature),
          ]),
        ),
      ]),
    );
  }

  /**
   * An offline payment QR for up to `cap`, valid `validForMs` from `now` (`OQR1:` + base64url).
   * The wallet sets the cap aside from its offline balance and counts, as it does for PAY.
   */
  offlineQr(options: { cap: number; validForMs?: number; now?: number }): string {
    const now = options.now ?? Date.now();
    const cap = options.cap;
    if (cap > this.balanceNow) throw new Error(`the wallet holds ${this.balanceNow}, less than the cap ${cap}`);
    if (cap > this.certificate.perPaymentLimit) throw new Error(`the cap ${cap} is over the wallet's per-payment limit`);
    this.balanceNow -= cap;
    this.counterNow += 1;
    const notBefore = now;
    const notAfter = now + (options.validForMs ?? 120_000);
    const counter = this.counterNow;
    const signed = concatBytes([
      text(DOMAINS.offlineQr),
      fields([WalletV2Tag.walletId, this.walletId], [WalletV2Tag.asset, text(this.asset)], [WalletV2Tag.counter, be32(counter)], [WalletV2Tag.spendingCap, be64(cap)], [WalletV2Tag.notBefore, be64(notBefore)], [WalletV2Tag.notAfter, be64(notAfter)]),
    ]);
    const token = fields(
      [WalletV2Tag.formatVersion, Uint8Array.of(1)],
      [WalletV2Tag.certificateBody, this.certificate.body],
      [WalletV2Tag.issuerSignature, this.certificate.signature],
      [WalletV2Tag.counter, be32(counter)],
      [WalletV2Tag.spendingCap, be64(cap)],
      [WalletV2Tag.notBefore, be64(notBefore)],
      [WalletV2Tag.notAfter, be64(notAfter)],
      [WalletV2Tag.walletSignature, this.walletSigner.sign(signed)],
    );
    return `OQR1:${Buffer.from(token).toString('base64url')}`;
  }

  private pay(command: CardCommand): CardResponse {
    if (command.p1 !== 0x00 || command.p2 !== 0x00) return { sw: CardSw.incorrectP1P2 };
    if (command.data.length === 0) return { sw: CardSw.wrongLength };
    const parts = readExactly(command.data, [
      [WalletV2Tag.amount, 8, 8],
      [WalletV2Tag.asset, 3, 8],
      [WalletV2Tag.terminalId, 8, 8],
      [WalletV2Tag.nonce, 32, 32],
      [WalletV2Tag.reference, 1, 64],
      [WalletV2Tag.requestTime, 8, 8],
    ]);
    if (!parts) return { sw: CardSw.incorrectData };
    const [amountBytes, assetBytes, terminal, nonce, ref, timeBytes] = parts as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const amount = readBe(amountBytes);
    const requestTime = readBe(timeBytes);
    const asset = new TextDecoder().decode(assetBytes);
    if (!(amount >= 1 && amount <= 1e12) || Number.isNaN(requestTime) || !/^[A-Z][A-Z0-9]{2,7}$/.test(asset) || !printable(ref)) return { sw: CardSw.incorrectData };
    const nonceHex = toHex(nonce);
    const earlier = this.remembered.find((r) => r.log.nonce === nonceHex);
    if (earlier) {
      if (Buffer.compare(Buffer.from(earlier.request), Buffer.from(command.data)) !== 0) return { sw: CardSw.incorrectData };
      earlier.log.seen++;
      return { data: earlier.answer, sw: CardSw.ok };
    }
    if (asset !== this.asset) return { sw: CardSw.incorrectData };
    if (requestTime > this.certificate.notAfter) return { sw: WalletSw.certificateExpired };
    if (amount > this.certificate.perPaymentLimit) return { sw: WalletSw.overLimit };
    if (this.counterNow >= MAX_COUNTER) return { sw: WalletSw.counterExhausted };
    if (amount > this.balanceNow) return { sw: WalletSw.insufficientBalance };

    this.balanceNow -= amount;
    this.counterNow += 1;
    const counter = this.counterNow;
    const balanceAfter = this.balanceNow;
    const signed = concatBytes([
      text(DOMAINS.payment),
      command.data,
      fields([WalletV2Tag.walletId, this.walletId], [WalletV2Tag.counter, be32(counter)], [WalletV2Tag.balanceAfter, be64(balanceAfter)]),
    ]);
    const answer = fields([WalletV2Tag.counter, be32(counter)], [WalletV2Tag.balanceAfter, be64(balanceAfter)], [WalletV2Tag.walletSignature, this.walletSigner.sign(signed)]);
    const log: WalletPaymentLog = { nonce: nonceHex, amount, asset, terminalId: toHex(terminal), ref: new TextDecoder().decode(ref), counter, balanceAfter, seen: 1 };
    this.payments.push(log);
    this.remembered.push({ request: Uint8Array.from(command.data), answer, log });
    if (this.remembered.length > REMEMBERED) this.remembered.shift();
    return { data: answer, sw: CardSw.ok };
  }

  private confirm(command: CardCommand): CardResponse {
    if (command.p1 !== 0x00 || command.p2 !== 0x00) return { sw: CardSw.incorrectP1P2 };
    if (command.data.length === 0) return { sw: CardSw.wrongLength };
    const parts = readExactly(command.data, [
      [WalletV2Tag.statement, 1, 255],
      [WalletV2Tag.terminalKeyId, 8, 8],
      [WalletV2Tag.terminalSignature, 64, 64],
    ]);
    if (!parts || !printable(parts[0]!)) return { sw: CardSw.incorrectData };
    const statement = new TextDecoder().decode(parts[0]!);
    const [wallet, counter] = statement.split(' ');
    if (wallet !== toHex(this.walletId) || !this.remembered.some((r) => String(r.log.counter) === counter)) return { sw: CardSw.referencedDataNotFound };
    if (!this.confirmations.some((c) => c.statement === statement)) this.confirmations.push({ statement, terminalKeyId: toHex(parts[1]!), signature: parts[2]! });
    return { sw: CardSw.ok };
  }
}
