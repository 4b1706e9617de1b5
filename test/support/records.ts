import type { RecordDraft } from '../../src/protocol/record.js';

let counter = 0;

export function cashPayment(amount: number, asset = 'CNY'): RecordDraft {
  counter++;
  return { kind: 'payment', body: { asset, amount, tender: 'cash', ref: `order-${counter}`, details: {} } };
}

export function walletPayment(amount: number, wallet: string, walletCounter: number): RecordDraft {
  counter++;
  return { kind: 'payment', body: { asset: 'CNY', amount, tender: 'wallet_tap', ref: `order-${counter}`, details: { wallet, counter: walletCounter } } };
}
