export { classifyScan, type ScanClass, type ScanHints, type UnknownReason } from './classify.js';
export { defaultCodeTables, validateCodeTables, CodeTableError, type CodeTables, type PaymentCodeRule, type CodeTableErrorCode } from './tables.js';
export { maskPaymentCode, SensitiveCode } from './sensitive.js';
export { gtinCheckDigit, checkGtin, type ProductSymbology } from './gtin.js';
export { parseEmvCpm, decodeStrictBase64, EMV_CPM_PREFIX, type EmvCpmApplication, type EmvCpmParse } from './emv-cpm.js';
export { checkOfflineQr, OFFLINE_QR_PREFIX, type OfflineQrShape } from './offline-qr.js';
