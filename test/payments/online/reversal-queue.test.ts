import { describe, expect, it } from 'vitest';
import { until } from '../../support/wait.js';
import { onlineRig, payByCode, wechatCode } from './rig.js';

describe('the reversal queue', () => {
  it('keeps a lost authorisation reversing while the acquirer is away, without holding the counter; settlement sends the reversal before any upload', async () => {
    const rig = await onlineRig();
    const acquirer = rig.sim.acquirer!;
    const started = await payByCode(rig, wechatCode('63'));
    await rig.waitState(started.id, 'user_paying');
    await acquirer.setFault({ mode: 'refuse' });
    await until(() => Number(rig.pos.payments.get(started.id)?.facts.reversalAttempts ?? 0) >= 1, 'a reversal tried and failed', 15_000);
    const stuck = rig.pos.payments.get(started.id)!;
    expect(stuck.state).toBe('reversing');
    expect(stuck.outcome!.code).toBe('payer_timeout');

    // The counter goes on: a cash sale while the reversal waits.
    expect(rig.pos.payments.current()).toBeUndefined();
    rig.pos.sale.clear();
    await rig.ringUp('6902083881405');
    const cash = rig.pos.sale.payCash(300);
    expect(cash.payment.state).toBe('succeeded');
    await expect(rig.pos.settlement!.settleNow(1)).rejects.toThrow();

    await acquirer.setFault(undefined);
    const logFrom = acquirer.orders.log.length;
    const report = await rig.pos.settlement!.settleNow(3);
    expect(report.recordsAccepted).toBeGreaterThan(0);
    const ops = acquirer.orders.log.slice(logFrom).map((l) => l.op);
    expect(ops[0]).toBe('reverse');
    expect(ops.indexOf('reverse')).toBeLessThan(ops.indexOf('upload'));
    expect(rig.pos.payments.get(started.id)!.state).toBe('reversed');
    expect(acquirer.orders.store.get(rig.pos.id, started.ref)).toMatchObject({ status: 'reversed', paidAt: null });
  });
});
