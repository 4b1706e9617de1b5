export { WALLET_DOMAIN, WalletTag } from './domains.js';
export { WalletDataError, type WalletDataErrorCode } from './tlv.js';
export {
  CERTIFICATE_FORMAT,
  certificateProblem,
  certificateSigningInput,
  encodeCertificate,
  issuerKey,
  parseCertificate,
  type CertificateProblem,
  type WalletCertificate,
  type WalletIssuerKey,
} from './certificate.js';
export {
  confirmationStatement,
  encodeConfirmation,
  encodePaymentAnswer,
  encodePaymentRequest,
  MAX_REF_LENGTH,
  parsePaymentAnswer,
  parsePaymentRequest,
  paymentSigningInput,
  type WalletPaymentAnswer,
  type WalletPaymentRequest,
} from './payment.js';
export { decodeBase64Url, encodeOfflineQrToken, OFFLINE_QR_FORMAT, OFFLINE_QR_WINDOW, offlineQrSigningInput, parseOfflineQrToken, type OfflineQrToken } from './offline-qr.js';
export {
  MAX_COUNTER,
  OFFLINE_QR_MEMBERS,
  offlineQrDetails,
  walletDetailsProblem,
  walletProofProblem,
  WALLET_TAP_MEMBERS,
  walletTapDetails,
  type OfflineQrProof,
  type WalletPaymentRecord,
  type WalletTapProof,
} from './record-proof.js';
