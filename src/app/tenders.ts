import type { DeviceTypes } from '../drivers/registry.js';
import { CashTender } from '../payments/cash/cash-tender.js';
import { WalletTapTender } from '../payments/nfc-wallet/wallet-tap-tender.js';
import { OfflineQrTender } from '../payments/offline-qr/offline-qr-tender.js';
import { MerchantQrTender } from '../payments/merchant-qr/merchant-qr-tender.js';
import type { OnlineAcquirer } from '../payments/online/authorization-client.js';
import { ScannedCodeTender } from '../payments/scanned-code/scanned-code-tender.js';
import type { PaymentPolicy } from '../payments/policy.js';
import type { Tender } from '../payments/tender.js';
import type { Journal } from '../terminal/ledger/journal.js';
import type { PosdConfig } from './config/config.js';
import type { Logger } from './logger.js';

export interface TenderDeps {
  config: PosdConfig;
  journal: Journal;
  policy: () => PaymentPolicy;
  devices: Partial<DeviceTypes>;
  /** The acquirer's authorisation client, when an acquirer is configured: the online methods need it. */
  online?: OnlineAcquirer;
  log?: Logger;
}

/** Every way to pay this terminal offers, each behind the one tender contract (src/payments/tender.ts). */
export function buildTenders(deps: TenderDeps): Tender[] {
  const online = deps.online;
  return [
    new CashTender(),
    ...(online ? [new ScannedCodeTender(online)] : []),
    ...(online ? [new MerchantQrTender(online, deps.policy)] : []),
    new WalletTapTender({
      journal: deps.journal,
      available: () => (deps.devices.nfc ? null : 'this terminal has no NFC reader'),
      onConfirmationNotDelivered: (detail) => deps.log?.warn(detail, 'wallet tap: the payment stands, but its confirmation did not reach the wallet'),
    }),
    new OfflineQrTender({ book: deps.journal.payments! }),
  ];
}
