/**
 * The domain strings of the wallet protocol's signatures (docs/wallet-apdu.md, version 2). Like
 * every signature in posd (src/protocol/domains.ts), each covers its own domain string first, so
 * a signature made for one structure can never pass as another.
 */
export const WALLET_DOMAIN = {
  /** The issuer signs a wallet certificate. */
  certificate: 'posd/wallet-certificate/v2\n',
  /** The wallet signs a payment (PAY). */
  payment: 'posd/wallet-payment/v2\n',
  /** The terminal confirms a payment to the wallet (CONFIRM), with journal.signStatement. */
  confirmation: 'posd/wallet-confirmation/v2\n',
  /** The wallet signs an offline payment QR token. */
  offlineQr: 'posd/offline-qr/v2\n',
} as const;

/** Tags of the wallet protocol's data objects (private class, one byte). */
export const WalletTag = {
  formatVersion: 0xc0,
  walletId: 0xc1,
  publicKey: 0xc2,
  asset: 0xc3,
  issuerKeyId: 0xc4,
  perPaymentLimit: 0xc5,
  balanceCap: 0xc6,
  certificateNotAfter: 0xc7,
  certificateBody: 0xc8,
  issuerSignature: 0xc9,
  amount: 0xd0,
  terminalId: 0xd1,
  nonce: 0xd2,
  reference: 0xd3,
  requestTime: 0xd4,
  counter: 0xd5,
  balanceAfter: 0xd6,
  walletSignature: 0xd7,
  spendingCap: 0xd8,
  notBefore: 0xd9,
  notAfter: 0xda,
  statement: 0xdb,
  terminalKeyId: 0xdc,
  terminalSignature: 0xdd,
} as const;
