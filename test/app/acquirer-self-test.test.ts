import { afterEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import { serviceDesk } from '../../src/app/service/service-desk.js';
import { InputHold } from '../../src/app/service/input-hold.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import type { AcquirerSimulator } from '../../hw-sim/acquirer/server.js';
import { startAcquirer } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

function deskFor(sim: AcquirerSimulator, acquirerPublicKey: string) {
  const journal = Journal.open(tempDir());
  opened.push(journal);
  return serviceDesk({
    devices: {},
    journal,
    hold: new InputHold(),
    drawer: { open: async () => ({ done: true, outcome: 'pulsed' }) } as never,
    settlement: () => null,
    acquirerUrl: sim.url,
    acquirerPublicKey,
    currentPayment: () => undefined,
    classify: () => 'product',
  });
}

describe('the acquirer self-test', () => {
  it('passes for the acquirer whose key posd trusts, and fails naming both keys for another', async () => {
    const sim = await startAcquirer();
    const ours = toHex(sim.publicKey);
    expect(await deskFor(sim, ours).acquirerTest(5000)).toMatchObject({ ok: true, detail: { status: 200 } });

    const other = 'ab'.repeat(32);
    const wrong = await deskFor(sim, other).acquirerTest(5000);
    expect(wrong).toMatchObject({ ok: false, code: 'failed' });
    expect(wrong.reason).toContain(ours);
    expect(wrong.reason).toContain(other);
  });
});
