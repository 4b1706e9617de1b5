import type { DeviceErrorCode } from '../drivers/device.js';
import type { EscPosErrorCode } from '../drivers/escpos/errors.js';
import type { GpioErrorCode } from '../drivers/gpio/errors.js';
import type { ApduErrorCode } from '../drivers/iso7816/errors.js';
import type { NfcErrorCode } from '../drivers/nfc/errors.js';
import type { Pn532ErrorCode } from '../drivers/pn532/errors.js';
import type { PrinterErrorCode } from '../drivers/printer/errors.js';
import type { ScannerErrorCode } from '../drivers/scanner/errors.js';
import type { LinkErrorCode } from '../drivers/transport/link.js';
import type { TlvErrorCode } from '../encoding/ber-tlv.js';
import type { KnownErrorCode } from '../errors/error-table.js';
import type { RecordFormatErrorCode } from '../protocol/record-validate.js';
import type { AckErrorCode } from '../protocol/settlement.js';
import type { SettlementErrorCode } from '../settlement/errors.js';
import type { CodeTableErrorCode } from '../terminal/scan-classification/tables.js';
import type { JournalErrorCode } from '../terminal/ledger/errors.js';
import type { KeyErrorCode } from '../crypto/ed25519.js';
import type { PaymentErrorCode } from '../payments/errors.js';
import type { OnlineErrorCode } from '../payments/online/errors.js';
import type { ReturnErrorCode } from '../payments/refunds/errors.js';
import type { AnswerErrorCode } from '../protocol/authorization.js';
import type { EmvMpmErrorCode } from '../protocol/emv-mpm.js';
import type { LedgerIntegrityCode } from '../terminal/ledger/integrity-error.js';
import type { ReceiptQrErrorCode } from '../protocol/receipt-qr.js';
import type { ReceiptErrorCode } from '../terminal/receipts/errors.js';
import type { ReportErrorCode } from '../terminal/reports/errors.js';
import type { ProvisioningErrorCode } from '../protocol/provisioning-schemas.js';
import type { ProvisioningFailureCode } from '../provisioning/errors.js';
import type { WalletDeclineCode } from '../payments/nfc-wallet/errors.js';
import type { WalletDataErrorCode } from '../protocol/wallet/tlv.js';
import type { PairingErrorCode } from './pairing.js';
import type { TechnicianPinErrorCode } from './service/technician-pin.js';

/**
 * Every code of every typed error posd raises. The line below stops the build when one of them is
 * missing from the error table (src/errors/error-table.ts), naming it: then posctl, the API and
 * retries could not know what to do with it.
 */
export type PosdErrorCode =
  | JournalErrorCode
  | LedgerIntegrityCode
  | SettlementErrorCode
  | AckErrorCode
  | RecordFormatErrorCode
  | CodeTableErrorCode
  | TlvErrorCode
  | DeviceErrorCode
  | LinkErrorCode
  | PrinterErrorCode
  | EscPosErrorCode
  | NfcErrorCode
  | Pn532ErrorCode
  | ScannerErrorCode
  | GpioErrorCode
  | ApduErrorCode
  | ReceiptQrErrorCode
  | ReceiptErrorCode
  | ReportErrorCode
  | 'writer_running'
  | ProvisioningErrorCode
  | ProvisioningFailureCode
  | WalletDeclineCode
  | WalletDataErrorCode
  | 'offline_qr_refused'
  | 'bad_wallet_proof'
  | PaymentErrorCode
  | OnlineErrorCode
  | ReturnErrorCode
  | AnswerErrorCode
  | EmvMpmErrorCode
  | PairingErrorCode
  | KeyErrorCode
  | 'bad_hex'
  | 'no_drawer'
  | 'empty'
  | 'mixed_assets'
  | 'empty_sale'
  | 'insufficient_cash'
  | 'bad_catalog'
  | 'bad_config'
  | 'bad_fci'
  | 'usage'
  | TechnicianPinErrorCode
  | 'no_journal';

type MissingFromTheTable = Exclude<PosdErrorCode, KnownErrorCode>;
export const EVERY_CODE_IS_IN_THE_TABLE: [MissingFromTheTable] extends [never] ? true : MissingFromTheTable = true;
