import { CodedError } from '../../errors/coded-error.js';

/** Why an offline wallet payment (a tap, or an offline QR) is refused: the outcome code a payment is declined with. */
export type WalletDeclineCode =
  /** The wallet speaks version 1 only (no offline payments), or an unknown version. */
  | 'wallet_unsupported'
  /** The wallet's FCI, answer or QR token is malformed. */
  | 'bad_wallet_answer'
  /** The wallet (its certificate) is for another asset than the payment. */
  | 'wrong_asset'
  /** No issuer key of the asset with the certificate's key id is trusted here. */
  | 'unknown_issuer'
  /** The issuer key that signed the certificate has ended. */
  | 'issuer_key_expired'
  /** The issuer's signature on the certificate does not verify: forged or altered. */
  | 'bad_certificate'
  /** The wallet certificate has expired. */
  | 'certificate_expired'
  /** The amount is over the wallet's own per-payment limit (or an offline QR's cap). */
  | 'over_wallet_limit'
  /** The wallet's offline balance is too low. */
  | 'insufficient_offline_balance'
  /** The wallet's counter is used up: it must go online. */
  | 'counter_exhausted'
  /** The wallet's signature over the payment does not verify. */
  | 'bad_wallet_signature'
  /** This wallet counter was spent here before: a replay or a cloned wallet. */
  | 'replayed_counter'
  /** The offline QR is outside its validity window, or states too long a window. */
  | 'offline_qr_expired'
  /** The wallet refused the payment with a status word this terminal has no name for. */
  | 'wallet_refused';

export class WalletDecline extends CodedError<WalletDeclineCode> {
  override readonly name = 'WalletDecline';
}
