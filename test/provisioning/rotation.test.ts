import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import { toHex } from '../../src/encoding/hex.js';
import { ChainVerifier } from '../../src/protocol/chain-verifier.js';
import { verifyEndorsement } from '../../src/protocol/key-endorsement.js';
import { provisioningPath } from '../../src/protocol/provisioning-routes.js';
import type { SignedRecord } from '../../src/protocol/record.js';
import { verifyRecordSignature } from '../../src/protocol/record-codec.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { ChainBuilder } from '../support/chain.js';
import { cashPayment } from '../support/records.js';
import { expectSettledExactlyOnce } from '../support/settlement-checks.js';
import { codeOf, enrolled, newTerminal, recordsOf } from './rig.js';

describe('key rotation', () => {
  it('in the middle of an unsettled backlog: the acquirer endorses the new key, everything settles, the journal verifies, old receipts still verify', async () => {
    const sim = await startAcquirer();
    const { journal } = newTerminal();
    const provisioning = await enrolled(journal, sim);
    const genesisKey = journal.genesisPublicKey;
    for (let i = 0; i < 10; i++) journal.append(cashPayment(100 + i));
    const receipt = journal.get(journal.headSeq)!.text;
    const oldKey = journal.currentKeyId;

    const rotated = await provisioning.rotateKey();
    expect(rotated).toMatchObject({ endorsed: true, keyId: journal.currentKeyId });
    expect(rotated.keyId).not.toBe(oldKey);
    for (let i = 0; i < 10; i++) journal.append(cashPayment(200 + i));

    const profile = provisioning.currentProfile()!;
    expect(profile.version).toBe(2);
    expect(verifyEndorsement(profile.endorsement, sim.publicKey, { terminal: journal.terminalId, at: Date.now() })).toMatchObject({ keyId: rotated.keyId, publicKey: toHex(journal.currentPublicKey) });
    expect(provisioning.profileState()).toMatchObject({ state: 'active', endorsementPending: false });
    expect(sim.fleet.terminal(journal.terminalId).keyId).toBe(rotated.keyId);

    const drainer = drainerFor(journal, sim, { batchSize: 7 });
    const report = await drainer.drainOnce();
    expect(report.recordsRejected).toBe(0);
    expect(drainer.status().counters).toMatchObject({ unsettledCount: 0, deadLetters: 0 });
    expectSettledExactlyOnce(journal, sim);

    const verifier = new ChainVerifier({ expectedPublicKey: genesisKey, acquirerPublicKey: sim.publicKey, anchor: sim.latestCheckpoint(journal.terminalId)! });
    for (const record of journal.records()) verifier.push(record.text);
    const summary = verifier.finish();
    expect(summary).toMatchObject({ keyRotations: 1, records: journal.headSeq + 1, anchoredAt: expect.any(Number) });
    expect(recordsOf(journal, 'profile').map((r) => r.body.version)).toEqual([1, 2]);
    // A receipt made before the rotation still verifies, with the key that signed it.
    const old = JSON.parse(receipt) as SignedRecord;
    expect(old.key).toBe(oldKey);
    expect(verifyRecordSignature(old, genesisKey)).toBe(true);
  });

  it('offline, the new key waits for its endorsement until the next refresh', async () => {
    const sim = await startAcquirer();
    const { journal } = newTerminal();
    const provisioning = await enrolled(journal, sim);
    const rotated = await provisioning.rotateKey('http://127.0.0.1:1');
    expect(rotated).toMatchObject({ endorsed: false, pendingReason: expect.stringContaining('127.0.0.1:1') });
    expect(provisioning.profileState()).toMatchObject({ state: 'active', version: 1, endorsementPending: true });
    expect(provisioning.paymentPolicy().online).toBe(true);
    journal.append(cashPayment(300));
    expect(await provisioning.refresh()).toEqual({ changed: true, version: 2 });
    expect(provisioning.profileState()).toMatchObject({ endorsementPending: false });
    expect(provisioning.currentProfile()!.endorsement.keyId).toBe(journal.currentKeyId);

    // Two rotations while offline: both are sent, from the endorsed key on.
    await provisioning.rotateKey('http://127.0.0.1:1');
    await provisioning.rotateKey('http://127.0.0.1:1');
    await provisioning.refresh();
    expect(provisioning.currentProfile()).toMatchObject({ version: 3, endorsement: { keyId: journal.currentKeyId } });
    const report = await drainerFor(journal, sim).drainOnce();
    expect(report.recordsRejected).toBe(0);
  });

  it('is endorsed only along the terminal\'s own rotations from the endorsed key, and never for a revoked key', async () => {
    const sim = await startAcquirer();
    const { journal } = newTerminal();
    const provisioning = await enrolled(journal, sim);
    const endorse = (rotations: unknown[]) =>
      fetch(`${sim.url}${provisioningPath('endorse', { terminal: journal.terminalId })}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ v: 1, type: 'endorsement_request', terminal: journal.terminalId, rotations }),
      });

    // A rotation signed by someone else's key, claiming this terminal.
    const stranger = new ChainBuilder();
    const next = Signer.generate();
    const statement = canonicalJson({ terminal: journal.terminalId, seq: 1, previousKey: stranger.signer.keyId, publicKey: toHex(next.publicKey) });
    const forged = stranger.add(
      { kind: 'key_rotation', body: { publicKey: toHex(next.publicKey), proof: toHex(next.sign(`posd/key-rotation/v1\n${statement}`)) } },
      (r) => ({ ...r, terminal: journal.terminalId }),
    );
    const refused = await endorse([forged]);
    expect(refused.status).toBe(400);
    expect(sim.fleet.terminal(journal.terminalId).keyId).toBe(journal.currentKeyId);

    // The operator revokes the terminal's key: no endorsement along it, no records signed by it after now.
    journal.append(cashPayment(100));
    await drainerFor(journal, sim).drainOnce();
    sim.fleet.revoke(journal.terminalId, journal.currentKeyId);
    const afterRevocation = journal.append(cashPayment(200)).seq;
    const drainer = drainerFor(journal, sim);
    expect(await codeOf(() => drainer.drainOnce())).toBe('unbalanced');
    const dead = journal.settlement!.deadLetters();
    expect(dead.map((d) => d.seq)).toContain(afterRevocation);
    for (const d of dead) expect(d.reason).toContain('revoked');
    expect(sim.heldRecords(journal.terminalId).some((r) => r.seq === afterRevocation)).toBe(false);
    await expect(provisioning.rotateKey()).rejects.toMatchObject({ code: 'rejected', wireError: 'key_revoked' });
    expect(provisioning.endorsementPending()).toBe(true);
  });
});
