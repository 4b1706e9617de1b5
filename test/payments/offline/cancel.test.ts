import { describe, expect, it } from 'vitest';
import { WALLET_V2 } from '../../../hw-sim/cards/offline-wallet.js';
import { forCommands, isApduExchange } from '../../../hw-sim/pn532/command-filter.js';
import { pn532Faults } from '../../../hw-sim/pn532/faults.js';
import { until } from '../../support/wait.js';
import { isFinal, NOODLES, OfflineCounter } from './rig.js';

const SELECT_INS = 0xa4;

describe('a cancel during an offline tap', () => {
  it('before the payment request went to the wallet: the payment ends canceled and nothing is debited', async () => {
    const c = await OfflineCounter.start();
    c.ring(NOODLES.gtin);
    const waiting = c.pos.sale.pay({ method: 'wallet_tap' });
    c.sim.twins.nfc.behave(forCommands(isApduExchange(SELECT_INS), pn532Faults.delayResponses(1500, 1)));
    c.sim.twins.nfc.enterField(c.sim.cards.wallet!);
    await until(() => c.sim.twins.nfc.commands.some((cmd) => cmd.code === 0x40 && cmd.params[2] === SELECT_INS), 'SELECT on its way');
    expect(c.pos.payments.cancel(waiting.id).state).toBe('cancel_requested');
    await until(() => isFinal(c.pos.payments.get(waiting.id)!), 'the tap ended');
    expect(c.pos.payments.get(waiting.id)!.state).toBe('canceled');
    expect(c.sim.wallets[0]!.payments).toEqual([]);
    expect(c.payments()).toHaveLength(0);
  });

  it('once the wallet may have signed: the tap decides, and a signed payment stands (the cancel came too late)', async () => {
    const c = await OfflineCounter.start();
    c.ring(NOODLES.gtin);
    const waiting = c.pos.sale.pay({ method: 'wallet_tap' });
    c.sim.twins.nfc.behave(forCommands(isApduExchange(WALLET_V2.pay.ins), pn532Faults.delayResponses(1500, 1)));
    c.sim.twins.nfc.enterField(c.sim.cards.wallet!);
    await until(() => c.sim.wallets[0]!.payments.length === 1, 'the wallet signed');
    // The answer is held back 1.5 s, so the cancel comes while the tap is on; either way it cannot undo a signed payment.
    expect(() => c.pos.payments.cancel(waiting.id)).not.toThrow();
    await until(() => isFinal(c.pos.payments.get(waiting.id)!), 'the tap ended');
    expect(c.pos.payments.get(waiting.id)).toMatchObject({ state: 'succeeded', offlineApproved: true });
    expect(c.payments()).toHaveLength(1);
  });
});
