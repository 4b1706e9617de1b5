import { ApduClient } from '../../../src/drivers/iso7816/apdu-client.js';
import type { CardChannel } from '../../../src/drivers/iso7816/card-channel.js';
import { proveWallet as proveOnCard, WALLET_AID, WALLET_AUTH_DOMAIN, type WalletProof } from '../../../src/payments/nfc-wallet/wallet-session.js';

/** The driver tests' view of the wallet session in src/payments: over a reader's card channel. */
export const DOC_WALLET_AID = WALLET_AID;
export const DOC_DOMAIN = WALLET_AUTH_DOMAIN;
export type { WalletProof };

export function proveWallet(channel: CardChannel, challenge?: Uint8Array): Promise<WalletProof> {
  return proveOnCard(new ApduClient(channel), challenge);
}
