import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/encoding/hex.js';
import { WALLET_V2 } from '../../../hw-sim/cards/offline-wallet.js';
import { walletFaults } from '../../../hw-sim/cards/wallet-faults.js';
import { NOODLES, OfflineCounter } from './rig.js';

describe('a card pulled during an offline tap', () => {
  it('before the wallet saw the payment request: nothing is taken, the payment waits, and the next tap pays it', async () => {
    const c = await OfflineCounter.start();
    const wallet = c.sim.wallets[0]!;
    const card = c.sim.cards.wallet!;
    c.ring(NOODLES.gtin);
    card.behave(walletFaults.leaveBefore(WALLET_V2.pay.ins, () => c.sim.twins.nfc.leaveField(card)));
    const waiting = await c.tap(card, (p) => p.state === 'waiting_for_customer' && typeof p.facts.lastTap === 'string');
    expect(waiting.facts.lastTap).toContain('before the wallet signed');
    expect(wallet.payments).toHaveLength(0);
    expect(wallet.balance).toBe(100_000);
    expect(c.payments()).toHaveLength(0);
    await c.remove(card);

    const paid = await c.tap(card);
    expect(paid).toMatchObject({ state: 'succeeded', id: waiting.id, amount: 450 });
    expect(wallet.payments).toMatchObject([{ amount: 450, counter: 1, seen: 1 }]);
    expect(c.payments()).toHaveLength(1);
  });

  it('after the wallet debited but before its signature arrived: the next tap repeats the request and gets the same signature, debited once', async () => {
    const c = await OfflineCounter.start();
    const wallet = c.sim.wallets[0]!;
    const card = c.sim.cards.wallet!;
    c.ring(NOODLES.gtin);
    card.behave(walletFaults.leaveAfter(WALLET_V2.pay.ins, () => c.sim.twins.nfc.leaveField(card)));
    const waiting = await c.tap(card, (p) => p.state === 'waiting_for_customer' && typeof p.facts.lastTap === 'string');
    expect(waiting.seq).toBeNull();
    expect(wallet.payments).toMatchObject([{ amount: 450, counter: 1, seen: 1 }]);
    expect(wallet.balance).toBe(100_000 - 450);
    expect(c.payments()).toHaveLength(0);
    await c.remove(card);

    const paid = await c.tap(card);
    expect(paid).toMatchObject({ state: 'succeeded', id: waiting.id });
    expect(wallet.payments).toMatchObject([{ amount: 450, counter: 1, seen: 2 }]);
    expect(wallet.balance).toBe(100_000 - 450);
    expect(c.payments().map((r) => r.body)).toMatchObject([{ amount: 450, details: { counter: 1, balance: 100_000 - 450, nonce: waiting.facts.walletNonce } }]);
  });

  it('after the signature arrived: the payment stands though the confirmation never reaches the wallet', async () => {
    const c = await OfflineCounter.start();
    const wallet = c.sim.wallets[0]!;
    const card = c.sim.cards.wallet!;
    c.ring(NOODLES.gtin);
    card.behave(walletFaults.leaveBefore(WALLET_V2.confirm.ins, () => c.sim.twins.nfc.leaveField(card)));
    const paid = await c.tap(card);
    expect(paid.state).toBe('succeeded');
    await c.receiptFor(paid.seq!);
    expect(wallet.confirmations).toEqual([]);
    expect(c.pos.payments.get(paid.id)!.state).toBe('succeeded');
    expect(c.payments()).toHaveLength(1);
    // Not silently: the lost confirmation is logged with the wallet, its counter and the record.
    const lost = c.warnings.filter((w) => w.message.includes('confirmation did not reach the wallet'));
    expect(lost).toHaveLength(1);
    expect(lost[0]!.fields).toMatchObject({ walletId: toHex(wallet.walletId), counter: 1, seq: paid.seq });
    expect(String(lost[0]!.fields.reason)).not.toBe('');
  });

  it('a tap whose confirmation arrives logs no warning', async () => {
    const c = await OfflineCounter.start();
    const card = c.sim.cards.wallet!;
    c.ring(NOODLES.gtin);
    const paid = await c.tap(card);
    expect(paid.state).toBe('succeeded');
    await c.receiptFor(paid.seq!);
    expect(c.sim.wallets[0]!.confirmations).toHaveLength(1);
    expect(c.warnings.filter((w) => w.message.includes('confirmation'))).toEqual([]);
  });
});
