import { afterEach, describe, expect, it } from 'vitest';
import { assemble, type Logger, type PosTerminal } from '../../src/app/index.js';
import { toHex } from '../../src/encoding/hex.js';
import { pairingCode } from '../../src/protocol/enrolment.js';
import type { ProvisioningChange } from '../../src/provisioning/provisioning.js';
import { DEMO_PRODUCTS } from '../../hw-sim/demo/shelf.js';
import { startAcquirer } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';
import { sleep, until } from '../support/wait.js';

const running: PosTerminal[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

function recordingLog(): Logger & { lines: { level: string; msg: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('posd with provisioning configured', () => {
  it('unprovisioned: logs the pairing code and fingerprint, reports why, does not settle; provisioned: settles and fetches profile updates at every settlement', async () => {
    const sim = await startAcquirer();
    const log = recordingLog();
    const pos = await assemble(
      {
        dataDir: tempDir(),
        merchant: { name: 'Test shop' },
        acquirer: { url: sim.url, publicKey: toHex(sim.publicKey) },
        provisioning: { acquirerRootKey: toHex(sim.publicKey), acquirerUrl: sim.url },
        devices: {},
      },
      { log, products: DEMO_PRODUCTS },
    );
    running.push(pos);
    const settlementStates: string[] = [];
    const changes: ProvisioningChange[] = [];
    pos.events.on('settlement.status', (s) => settlementStates.push(s.state));
    pos.events.on('provisioning.changed', (c) => changes.push(c));

    const state = pos.status().provisioning!;
    expect(state).toMatchObject({ state: 'unprovisioned', reason: expect.any(String) });
    const pairing = pos.provisioning!.pairing();
    expect(pairing.code).toBe(pairingCode(Buffer.from(pos.publicKey, 'hex')));
    const line = log.lines.find((l) => l.fields.provisioning === 'unprovisioned');
    expect(line).toMatchObject({ level: 'warn', fields: { pairingCode: pairing.code, fingerprint: pairing.fingerprint, reason: expect.any(String) } });
    // No payment of any kind while unprovisioned, and the refusal says why, with the pairing code.
    expect(() => pos.payments.create({ idempotencyKey: 'before-pairing', amount: 100, asset: 'CNY', method: 'cash', tendered: 100 })).toThrow(
      expect.objectContaining({ code: 'not_provisioned', message: expect.stringContaining(pairing.code) }),
    );
    await sleep(100);
    expect(settlementStates).toEqual([]);
    expect(sim.stats.uploads).toBe(0);

    const { code } = sim.fleet.issueCode({}, { pairing: pairing.code });
    expect(await pos.provisioning!.provision(code)).toMatchObject({ state: 'active', version: 1 });
    await until(() => settlementStates.includes('draining'), 'settlement started');
    await until(() => settlementStates.at(-1) === 'idle', 'the first pass over');
    expect(changes.map((c) => c.cause)).toEqual(['accepted']);

    // The operator changes the profile; the next settlement fetches it.
    sim.fleet.setProfile(pos.id, { receipts: { copies: 2 } });
    pos.sale.scan(DEMO_PRODUCTS[0]!.gtin);
    pos.sale.payCash(DEMO_PRODUCTS[0]!.price);
    await until(() => sim.latestCheckpoint(pos.id) !== undefined, 'a settlement');
    await until(() => changes.length === 2, 'the update fetched after the settlement');
    expect(pos.provisioning!.profile()).toMatchObject({ version: 2, receipts: { copies: 2 } });

    // The local API's way in: a profile pushed to the terminal.
    const v3 = sim.fleet.setProfile(pos.id, { receipts: { copies: 1 } });
    expect(pos.provisioning!.acceptProfile(v3)).toEqual({ changed: true, version: 3 });
    expect(pos.status().provisioning).toMatchObject({ state: 'active', version: 3 });
  });
});
