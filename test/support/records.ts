import type { RecordDraft } from '../../src/protocol/record.js';
import { walletTapDraft } from './wallet-proofs.js';

let counter = 0;

export function cashPayment(amount: number, asset = 'CNY'): RecordDraft {
  counter++;
  return { kind: 'payment', body: { asset, amount, tender: 'cash', ref: `order-${counter}`, details: {} } };
}

/** A wallet_tap payment with a genuine offline proof, for the journal (or terminal id) it will be appended to. */
export function walletPayment(to: string | { terminalId: string }, amount: number, wallet: string, walletCounter: number): RecordDraft {
  counter++;
  return walletTapDraft({ terminal: typeof to === 'string' ? to : to.terminalId, amount, wallet, counter: walletCounter, ref: `order-${counter}` });
}
