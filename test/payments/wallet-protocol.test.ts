import { describe, expect, it } from 'vitest';
import { Signer, verify } from '../../src/crypto/ed25519.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { certificateSigningInput, encodeCertificate, parseCertificate } from '../../src/protocol/wallet/certificate.js';
import { decodeBase64Url, parseOfflineQrToken, offlineQrSigningInput } from '../../src/protocol/wallet/offline-qr.js';
import { confirmationStatement, encodeConfirmation, encodePaymentRequest, parsePaymentAnswer, parsePaymentRequest, paymentSigningInput } from '../../src/protocol/wallet/payment.js';
import { WalletDataError } from '../../src/protocol/wallet/tlv.js';
import { IsoDepCard } from '../../hw-sim/cards/iso-dep-card.js';
import { WalletIssuer } from '../../hw-sim/cards/issuer.js';
import { OfflineWalletApplet } from '../../hw-sim/cards/offline-wallet.js';

/** The examples of docs/wallet-apdu.md "Examples (version 2)", held against the terminal's code and the emulated wallet alike. */
const h = (text: string): Uint8Array => fromHex(text.replace(/[\s…]/g, '').toLowerCase());
const WALLET_SEED = h('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const WALLET_ID = h('00112233445566778899aabbccddeeff');
const issuer = WalletIssuer.fromSeed('CNY', new Uint8Array(32).fill(0x11));
const terminal = Signer.fromSeed(new Uint8Array(32).fill(0x22));
const CERT_BODY = h(`c00101 c110 00112233445566778899aabbccddeeff
  c220 d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a
  c303 434e59 c408 10ba682c8ad13513 c508 000000000000c350 c608 0000000000030d40 c708 000001a2ce8bd400`);
const CERT_SIG = h('a7ad99f955e1ad698ead806b646b46aa876dbee489f3a9685bf6b5d36332c243cb37f28e9aa85ed799e9f56885543312c7da87ad4ef9233e4c30ed9028471c01');
const REQUEST = h(`d008 000000000000028a c303 434e59 d108 1325b850c2871916
  d220 a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5 d309 504f53312d30303031 d408 0000019b76daa800`);
const ANSWER = h(`d504 00000001 d608 0000000000018416
  d740 4b2bc95f1e81da1b184642285d4d416eb87fff0624117d5d206f6f0c47580c8bccfa0952ce15efaab8d6387adc4ee678f04857d32191a070012152990a871204`);
const REQUEST_FIELDS = { amount: 650, asset: 'CNY', terminalId: '1325b850c2871916', nonce: new Uint8Array(32).fill(0xa5), ref: 'POS1-0001', requestedAt: 1767225600000 };
const QR =
  'OQR1:wAEByGTAAQHBEAARIjNEVWZ3iJmqu8zd7v_CINdamAGCsQq31Uv-08lkBzoO4XLz2qYjJa8CGmj3B1EawwNDTlnECBC6aCyK0TUTxQgAAAAAAADDUMYIAAAAAAADDUDHCAAAAaLOi9QAyUCnrZn5VeGtaY6tgGtka0aqh22-5InzqWhb9rXTYzLCQ8s38o6aqF7Xmen1aIVUMxLH2oetTvkjPkww7ZAoRxwB1QQAAAAC2AgAAAAAAAAD6NkIAAABm3baqADaCAAAAZt23HzA10DtBZVxtFGM9b9GTbbmYu5VXNwHN0y00Zj-P0SEFIXfM5nlthLjD7zW82f_JnsyFhvXDN1BTXbQ7miWafK81KMM';

function exampleWallet(overrides: Partial<ConstructorParameters<typeof OfflineWalletApplet>[0]> = {}): { applet: OfflineWalletApplet; card: IsoDepCard } {
  const applet = new OfflineWalletApplet({ issuer, signer: Signer.fromSeed(WALLET_SEED), walletId: WALLET_ID, balance: 100_000, perPaymentLimit: 50_000, balanceCap: 200_000, notAfter: 1798761600000, ...overrides });
  const card = new IsoDepCard([applet], { uid: Uint8Array.of(0x08, 1, 2, 3) });
  card.activate();
  return { applet, card };
}

function apdu(card: IsoDepCard, hex: string | Uint8Array): string {
  return toHex(card.exchange(typeof hex === 'string' ? h(hex) : hex)!);
}

function pay(data: Uint8Array): Uint8Array {
  return Uint8Array.from([0x80, 0x50, 0x00, 0x00, data.length, ...data, 0x00]);
}

describe('wallet protocol version 2: the examples of docs/wallet-apdu.md', () => {
  it('certificate: the terminal code and the emulated issuer make the same body and signature', () => {
    const cert = parseCertificate(CERT_BODY);
    expect(cert).toMatchObject({ asset: 'CNY', issuerKeyId: '10ba682c8ad13513', perPaymentLimit: 50_000, balanceCap: 200_000, notAfter: 1798761600000 });
    expect(toHex(encodeCertificate(cert))).toBe(toHex(CERT_BODY));
    expect(verify(CERT_SIG, certificateSigningInput(CERT_BODY), issuer.publicKey)).toBe(true);
    const issued = issuer.certify(WALLET_ID, Signer.fromSeed(WALLET_SEED).publicKey, { perPaymentLimit: 50_000, balanceCap: 200_000, notAfter: 1798761600000 });
    expect(toHex(issued.body)).toBe(toHex(CERT_BODY));
    expect(toHex(issued.signature)).toBe(toHex(CERT_SIG));
  });

  it('FCI: version 2, the certificate and its signature, 243 bytes', () => {
    const { card } = exampleWallet();
    const fci = apdu(card, '00 A4 04 00 07 F0 50 4F 53 44 57 01 00');
    expect(fci.length / 2).toBe(243 + 2);
    expect(fci.slice(0, 6)).toBe('6f81f0');
    expect(fci).toContain(`a581e4df2010${toHex(WALLET_ID)}df2120`);
    expect(fci).toContain(`df220102df2364${toHex(CERT_BODY)}df2440${toHex(CERT_SIG)}`);
    expect(fci.endsWith('9000')).toBe(true);
  });

  it('PAY: the request encodes as written; the emulated wallet answers exactly the example, and the same request again gets the same answer with no second debit', () => {
    expect(toHex(encodePaymentRequest(REQUEST_FIELDS))).toBe(toHex(REQUEST));
    expect(parsePaymentRequest(REQUEST)).toEqual(REQUEST_FIELDS);
    const { applet, card } = exampleWallet();
    apdu(card, '00 A4 04 00 07 F0 50 4F 53 44 57 01 00');
    expect(apdu(card, pay(REQUEST))).toBe(`${toHex(ANSWER)}9000`);
    expect(apdu(card, pay(REQUEST))).toBe(`${toHex(ANSWER)}9000`);
    expect(applet.balance).toBe(99_350);
    expect(applet.counter).toBe(1);
    expect(applet.payments).toMatchObject([{ amount: 650, counter: 1, seen: 2, ref: 'POS1-0001' }]);
    const answer = parsePaymentAnswer(ANSWER);
    expect(answer).toMatchObject({ counter: 1, balanceAfter: 99_350 });
    expect(verify(answer.signature, paymentSigningInput(REQUEST_FIELDS, WALLET_ID, 1, 99_350), Signer.fromSeed(WALLET_SEED).publicKey)).toBe(true);
    expect(paymentSigningInput(REQUEST_FIELDS, WALLET_ID, 1, 99_350).length).toBe(137);
  });

  it('CONFIRM: the statement, the terminal signature, and the wallet keeping it', () => {
    const statement = confirmationStatement({ walletId: WALLET_ID, counter: 1, terminalId: terminal.keyId, seq: 7, recordHash: 'ab'.repeat(32) });
    expect(statement).toBe(`00112233445566778899aabbccddeeff 1 1325b850c2871916 7 ${'ab'.repeat(32)}`);
    const sig = terminal.sign(`posd/wallet-confirmation/v2\n${statement}`);
    expect(toHex(sig)).toBe('0784166ebab78068ae296ce493d93320575da8d84f74eb2348b3aa18f18b70b1e1b82e75915308de668a28be93e904e14b36c6e938faa20cc8a4dc1f4998030f');
    const data = encodeConfirmation(statement, terminal.keyId, sig);
    expect(data.length).toBe(0xc4);
    const { applet, card } = exampleWallet();
    apdu(card, '00 A4 04 00 07 F0 50 4F 53 44 57 01 00');
    const confirm = Uint8Array.from([0x80, 0x52, 0x00, 0x00, data.length, ...data]);
    expect(apdu(card, confirm)).toBe('6a88'); // no payment with counter 1 yet
    apdu(card, pay(REQUEST));
    expect(apdu(card, confirm)).toBe('9000');
    expect(apdu(card, confirm)).toBe('9000');
    expect(applet.confirmations).toEqual([{ statement, terminalKeyId: terminal.keyId, signature: sig }]);
  });

  it('offline QR: the emulated wallet makes exactly the example token, and the terminal code reads and verifies it', () => {
    const { applet, card } = exampleWallet();
    apdu(card, '00 A4 04 00 07 F0 50 4F 53 44 57 01 00');
    apdu(card, pay(REQUEST)); // counter 1
    expect(applet.offlineQr({ cap: 1000, now: 1767225600000, validForMs: 120_000 })).toBe(QR);
    expect(applet.counter).toBe(2);
    expect(applet.balance).toBe(99_350 - 1000);
    const token = parseOfflineQrToken(decodeBase64Url(QR.slice(5)));
    expect(token).toMatchObject({ counter: 2, cap: 1000, notBefore: 1767225600000, notAfter: 1767225720000 });
    expect(toHex(token.certificateBody)).toBe(toHex(CERT_BODY));
    const signed = offlineQrSigningInput({ walletId: WALLET_ID, asset: 'CNY', counter: 2, cap: 1000, notBefore: token.notBefore, notAfter: token.notAfter });
    expect(signed.length).toBe(78);
    expect(verify(token.signature, signed, token.certificate.publicKey)).toBe(true);
  });
});

describe('wallet protocol version 2: every refusal of the emulated wallet', () => {
  const select = (card: IsoDepCard): string => apdu(card, '00 A4 04 00 07 F0 50 4F 53 44 57 01 00');
  const request = (over: Partial<typeof REQUEST_FIELDS> = {}): Uint8Array => encodePaymentRequest({ ...REQUEST_FIELDS, nonce: new Uint8Array(32).fill(0x5a), ...over });

  it.each([
    ['P1 P2 not 00 00', () => Uint8Array.from([0x80, 0x50, 0x01, 0x00, REQUEST.length, ...REQUEST, 0x00]), '6a86'],
    ['no data', () => h('80 50 00 00 00'), '6700'],
    ['objects out of order', () => pay(Uint8Array.from([...REQUEST.subarray(10, 15), ...REQUEST.subarray(0, 10), ...REQUEST.subarray(15)])), '6a80'],
    ['a byte after the last object', () => pay(Uint8Array.from([...REQUEST, 0x00])), '6a80'],
    ['a length in two bytes that fits one', () => pay(Uint8Array.from([0xd0, 0x81, 0x08, ...REQUEST.subarray(2)])), '6a80'],
    ['amount zero', () => pay(encodeAmountZero()), '6a80'],
    ['another asset', () => pay(request({ asset: 'MAT' })), '6a80'],
  ])('%s: %s', (_name, command, sw) => {
    const { applet, card } = exampleWallet();
    select(card);
    expect(apdu(card, command())).toBe(sw);
    expect(applet.payments).toEqual([]);
  });

  it('the same nonce with another request: 6A80, and no debit', () => {
    const { applet, card } = exampleWallet();
    select(card);
    expect(apdu(card, pay(REQUEST)).endsWith('9000')).toBe(true);
    expect(apdu(card, pay(encodePaymentRequest({ ...REQUEST_FIELDS, amount: 651 })))).toBe('6a80');
    expect(applet.balance).toBe(99_350);
  });

  it('expired certificate 6984, over the limit 6985, counter used up 9402, insufficient balance 9401', () => {
    const expired = exampleWallet({ notAfter: REQUEST_FIELDS.requestedAt - 1 });
    select(expired.card);
    expect(apdu(expired.card, pay(REQUEST))).toBe('6984');
    const limited = exampleWallet({ perPaymentLimit: 649 });
    select(limited.card);
    expect(apdu(limited.card, pay(REQUEST))).toBe('6985');
    const exhausted = exampleWallet({ counter: 0xffff_ffff });
    select(exhausted.card);
    expect(apdu(exhausted.card, pay(REQUEST))).toBe('9402');
    const poor = exampleWallet({ balance: 649 });
    select(poor.card);
    expect(apdu(poor.card, pay(REQUEST))).toBe('9401');
    expect(poor.applet.balance).toBe(649);
  });

  it('CONFIRM that is malformed: 6A80; with P1 P2: 6A86', () => {
    const { card } = exampleWallet();
    select(card);
    apdu(card, pay(REQUEST));
    expect(apdu(card, h('80 52 00 00 03 DB 01 41'))).toBe('6a80');
    expect(apdu(card, h('80 52 00 01 03 DB 01 41'))).toBe('6a86');
  });
});

describe('wallet protocol version 2: the terminal reads only the one encoding', () => {
  it.each([
    ['a trailing byte', Uint8Array.from([...CERT_BODY, 0])],
    ['a missing object', CERT_BODY.subarray(0, 90)],
    ['a non-minimal length', Uint8Array.from([0xc0, 0x81, 0x01, ...CERT_BODY.subarray(2)])],
    ['format 2', Uint8Array.from([0xc0, 0x01, 0x02, ...CERT_BODY.subarray(3)])],
    ['a lower-case asset', Uint8Array.from([...CERT_BODY.subarray(0, 55), 0x63, ...CERT_BODY.subarray(56)])],
  ])('a certificate with %s is refused', (_name, bytes) => {
    expect(() => parseCertificate(bytes)).toThrow(WalletDataError);
  });

  it('refuses base64url that is not the canonical encoding of its bytes', () => {
    expect(() => decodeBase64Url('AB')).toThrow(WalletDataError); // the last character carries a set unused bit
    expect(toHex(decodeBase64Url('AA'))).toBe('00');
  });
});

function encodeAmountZero(): Uint8Array {
  const bytes = Uint8Array.from(REQUEST);
  bytes.fill(0, 2, 10);
  return bytes;
}
