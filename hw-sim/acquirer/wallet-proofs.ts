import type { SignedRecord } from '../../src/protocol/record.js';
import type { WalletIssuerKey } from '../../src/protocol/wallet/certificate.js';
import { walletProofProblem } from '../../src/protocol/wallet/record-proof.js';

/**
 * The acquirer's check of an offline wallet payment (wallet_tap, offline_qr) before its wallet
 * counter is taken: the proof in its details must verify with the issuers' keys the acquirer
 * knows (docs/journal.md section 4). A proof that fails is rejected and occupies no counter, so
 * a forged record cannot block the genuine spend of that counter.
 */
export function walletProofRejection(record: SignedRecord, issuers: readonly WalletIssuerKey[]): string | undefined {
  if (record.kind !== 'payment' || (record.body.tender !== 'wallet_tap' && record.body.tender !== 'offline_qr')) return undefined;
  return walletProofProblem(record, issuers);
}
