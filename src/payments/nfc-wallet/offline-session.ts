import { findTlv, TlvError } from '../../encoding/ber-tlv.js';
import { WalletDataError } from '../../protocol/wallet/tlv.js';
import { parseCertificate, type WalletCertificate } from '../../protocol/wallet/certificate.js';
import { encodePaymentRequest, parsePaymentAnswer, type WalletPaymentAnswer, type WalletPaymentRequest } from '../../protocol/wallet/payment.js';
import { statusWordOf, type CardPort } from './card-port.js';
import { WalletDecline } from './errors.js';
import { WALLET_AID } from './wallet-session.js';

/**
 * The terminal side of the wallet application's version 2 (docs/wallet-apdu.md): SELECT and the
 * certificate in the FCI, PAY, CONFIRM. Written from the document, not from the emulated wallet.
 * A card's refusal of PAY becomes a WalletDecline naming why; a card that cannot be reached
 * rejects with the CardPort's own error, for the caller to tell "the card left" from a refusal.
 */
export const OFFLINE_PROTOCOL_VERSION = 2;
export const PAY = { cla: 0x80, ins: 0x50 } as const;
export const CONFIRM = { cla: 0x80, ins: 0x52 } as const;

/** What a version-2 wallet shows in its FCI. */
export interface OfflineWallet {
  walletId: Uint8Array;
  publicKey: Uint8Array;
  version: number;
  certificateBody: Uint8Array;
  certificate: WalletCertificate;
  issuerSignature: Uint8Array;
}

/** SELECT the wallet and read its FCI; refuses wallets that cannot pay offline. */
export async function selectOfflineWallet(card: CardPort): Promise<OfflineWallet> {
  const fci = await card.select(WALLET_AID);
  try {
    const find = (tag: number): Uint8Array | undefined => findTlv(fci, 0x6f, 0xa5, tag);
    const walletId = find(0xdf20);
    const publicKey = find(0xdf21);
    const version = find(0xdf22);
    if (!walletId || walletId.length !== 16 || !publicKey || publicKey.length !== 32 || !version || version.length !== 1) {
      throw new WalletDecline('bad_wallet_answer', 'the wallet FCI lacks its id, key or version');
    }
    if (version[0]! < OFFLINE_PROTOCOL_VERSION) throw new WalletDecline('wallet_unsupported', `the wallet speaks protocol version ${version[0]}: it cannot pay offline`);
    const certificateBody = find(0xdf23);
    const issuerSignature = find(0xdf24);
    if (!certificateBody || !issuerSignature || issuerSignature.length !== 64) throw new WalletDecline('bad_wallet_answer', 'the wallet FCI has no certificate');
    const certificate = parseCertificate(certificateBody);
    if (Buffer.compare(Buffer.from(certificate.walletId), Buffer.from(walletId)) !== 0 || Buffer.compare(Buffer.from(certificate.publicKey), Buffer.from(publicKey)) !== 0) {
      throw new WalletDecline('bad_certificate', "the wallet's certificate is for another wallet id or key than the wallet announces");
    }
    return { walletId, publicKey, version: version[0]!, certificateBody, certificate, issuerSignature };
  } catch (err) {
    throw asDecline(err);
  }
}

/**
 * PAY: the wallet debits, counts and signs. Resolves with its answer (not yet verified). A
 * refusal is a WalletDecline; a card that left rejects with the card's own error.
 */
export async function requestPayment(card: CardPort, request: WalletPaymentRequest): Promise<WalletPaymentAnswer> {
  let answer: Uint8Array;
  try {
    answer = await card.send({ ...PAY, p1: 0x00, p2: 0x00, data: encodePaymentRequest(request), le: 256 });
  } catch (err) {
    const sw = statusWordOf(err);
    if (sw === undefined) throw err;
    throw refusal(sw);
  }
  try {
    return parsePaymentAnswer(answer);
  } catch (err) {
    throw asDecline(err);
  }
}

/** CONFIRM: hands the wallet the terminal's signed confirmation. */
export async function sendConfirmation(card: CardPort, data: Uint8Array): Promise<void> {
  await card.send({ ...CONFIRM, p1: 0x00, p2: 0x00, data });
}

/** What each PAY status word means (docs/wallet-apdu.md, "PAY"). */
function refusal(sw: number): WalletDecline {
  const hex = sw.toString(16).padStart(4, '0').toUpperCase();
  switch (sw) {
    case 0x9401:
      return new WalletDecline('insufficient_offline_balance', "the wallet's offline balance is too low for this payment");
    case 0x9402:
      return new WalletDecline('counter_exhausted', "the wallet's payment counter is used up: it must go online first");
    case 0x6985:
      return new WalletDecline('over_wallet_limit', "the amount is over the wallet's per-payment limit");
    case 0x6984:
      return new WalletDecline('certificate_expired', "the wallet's certificate has expired");
    case 0x6a80:
      return new WalletDecline('wallet_refused', 'the wallet refused the payment request as malformed (SW 6A80)');
    default:
      return new WalletDecline('wallet_refused', `the wallet refused the payment (SW ${hex})`);
  }
}

function asDecline(err: unknown): unknown {
  if (err instanceof WalletDataError || err instanceof TlvError) return new WalletDecline('bad_wallet_answer', `the wallet's answer is malformed: ${err.message}`);
  return err;
}
