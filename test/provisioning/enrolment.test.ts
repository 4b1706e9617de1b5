import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto/sha256.js';
import { Signer } from '../../src/crypto/ed25519.js';
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import { toHex } from '../../src/encoding/hex.js';
import { fingerprint, pairingCode, signEnrolmentRequest } from '../../src/protocol/enrolment.js';
import type { TerminalProfile } from '../../src/protocol/profile.js';
import { provisioningPath } from '../../src/protocol/provisioning-routes.js';
import { AcquirerLink } from '../../src/provisioning/acquirer-link.js';
import { Provisioning, type ProvisioningChange } from '../../src/provisioning/provisioning.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { cashPayment } from '../support/records.js';
import { TestClock, codeOf, enrolled, newTerminal, provisioningOf, recordsOf } from './rig.js';

async function postJson(url: string, body: unknown): Promise<{ status: number; json: { error?: string; message?: string } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { error?: string } };
}

/** An acquirer link whose answers a test rewrites on the way (a man in the middle, or a broken acquirer). */
class RewritingLink extends AcquirerLink {
  constructor(
    url: string,
    private readonly rewrite: (path: string, answer: unknown) => unknown,
  ) {
    super(url, { timeoutMs: 5000 });
  }
  override async post(path: string, body: unknown): Promise<unknown> {
    return this.rewrite(path, await super.post(path, body));
  }
  override async get(path: string): Promise<unknown> {
    return this.rewrite(path, await super.get(path));
  }
}

describe('first start without a profile', () => {
  it('shows the pairing code and fingerprint, takes no payments and says why', async () => {
    const sim = await startAcquirer();
    const { journal } = newTerminal();
    const provisioning = provisioningOf(journal, sim);
    expect(provisioning.isProvisioned()).toBe(false);
    expect(provisioning.profileState()).toEqual({
      state: 'unprovisioned',
      reason: expect.stringContaining('enrol the terminal with a code from the acquirer'),
      pairing: { terminal: journal.terminalId, keyId: journal.currentKeyId, code: pairingCode(journal.currentPublicKey), fingerprint: fingerprint(journal.currentPublicKey) },
    });
    expect(provisioning.paymentPolicy()).toEqual({ online: false, offline: false, reason: expect.stringMatching(/^not provisioned: /) });
    expect(await codeOf(() => provisioning.assertMayTakePayment('online'))).toBe('not_provisioned');
    expect(provisioning.currentProfile()).toBeUndefined();
    // Its key signs provisioning statements, never a record or anything the acquirer signs.
    for (const domain of ['posd/journal-record/v1\n', 'posd/key-rotation/v1\n', 'posd/terminal-profile/v1\n', 'posd/reset-release/v1\n']) {
      expect(await codeOf(() => journal.signStatement(domain, '{}')), domain).toBe('not_allowed');
    }
  });

  it('without the acquirer root key pinned, says so and cannot be provisioned', async () => {
    const { journal } = newTerminal();
    const provisioning = new Provisioning({ journal });
    expect(provisioning.profileState()).toMatchObject({ state: 'unprovisioned', reason: expect.stringContaining('no acquirer root key') });
    expect(await codeOf(() => provisioning.enrol('ABCD-EFGH-JKMN', 'http://127.0.0.1:9'))).toBe('not_configured');
    provisioning.close();
  });
});

describe('enrolment', () => {
  it('proves possession of the key, receives the signed profile, journals and stores it; uploads are then accepted', async () => {
    const sim = await startAcquirer();
    const { journal } = newTerminal();
    const changes: ProvisioningChange[] = [];
    const provisioning = provisioningOf(journal, sim);
    provisioning.on('change', (c) => changes.push(c));
    const { code } = sim.fleet.issueCode({ tid: 'POS00042', merchant: { name: 'NOODLE BAR', city: 'SUZHOU', mcc: '5812' } }, { pairing: provisioning.pairing().code });
    const profile = await provisioning.enrol(code.toLowerCase().replace(/-/g, ' '));

    expect(provisioning.profileState()).toMatchObject({ state: 'active', version: 1, tid: 'POS00042', endorsementPending: false });
    expect(profile).toMatchObject({ terminal: journal.terminalId, tid: 'POS00042', merchant: { name: 'NOODLE BAR', city: 'SUZHOU', mcc: '5812', currency: '156' } });
    expect(profile.endorsement).toMatchObject({ terminal: journal.terminalId, keyId: journal.currentKeyId, publicKey: toHex(journal.currentPublicKey), tid: 'POS00042' });
    expect(provisioning.paymentPolicy()).toEqual({ online: true, offline: true, reason: null });
    expect(changes.map((c) => c.cause)).toEqual(['accepted']);
    expect(recordsOf(journal, 'profile').map((r) => r.body)).toEqual([{ version: 1, sha256: sha256Hex(canonicalJson(profile)), acquirer: sim.signer.keyId, expiresAt: profile.expiresAt }]);
    expect(sim.fleet.terminals()).toEqual([expect.objectContaining({ terminal: journal.terminalId, tid: 'POS00042', state: 'active', pairing: provisioning.pairing().code, profileVersion: 1 })]);

    // A restart finds the same profile on disk, checked again.
    const again = provisioningOf(journal, sim);
    expect(again.profileState()).toMatchObject({ state: 'active', version: 1 });
    expect(again.currentProfile()).toEqual(profile);
    expect(await codeOf(() => again.enrol(code))).toBe('already_provisioned');

    journal.append(cashPayment(500));
    const report = await drainerFor(journal, sim).drainOnce();
    expect(report.recordsRejected).toBe(0);
    expect(sim.fleet.terminal(journal.terminalId)).toMatchObject({ settledThrough: report.settledThrough, lastSettlementAt: expect.any(Number) });
  });

  it('codes are one-time, bound to a pairing code when issued so, and expire; nonces are one-time', async () => {
    const clock = new TestClock();
    const sim = await startAcquirer({ now: clock.now });
    const first = newTerminal().journal;
    const second = newTerminal().journal;
    const { code } = sim.fleet.issueCode();
    await provisioningOf(first, sim, { now: clock.now }).enrol(code);
    const reuse = provisioningOf(second, sim, { now: clock.now });
    await expect(reuse.enrol(code)).rejects.toMatchObject({ code: 'rejected', wireError: 'bad_code' });

    const bound = sim.fleet.issueCode({}, { pairing: '12345678' });
    await expect(reuse.enrol(bound.code)).rejects.toMatchObject({ code: 'rejected', wireError: 'bad_code' });
    const shortLived = sim.fleet.issueCode({}, { ttlMs: 1000 });
    clock.advance(1001);
    await expect(reuse.enrol(shortLived.code)).rejects.toMatchObject({ code: 'rejected', wireError: 'bad_code' });
    expect(reuse.isProvisioned()).toBe(false);
    expect(recordsOf(second, 'profile')).toEqual([]);

    // The same signed request twice: the nonce was used by the first.
    const fresh = sim.fleet.issueCode();
    const nonce = (await (await fetch(`${sim.url}${provisioningPath('nonce')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"v":1}' })).json()) as { nonce: string };
    const request = signEnrolmentRequest(
      {
        terminal: second.terminalId,
        genesisKey: toHex(second.genesisPublicKey),
        publicKey: toHex(second.currentPublicKey),
        rotations: [],
        code: fresh.code,
        pairing: pairingCode(second.currentPublicKey),
        serverNonce: nonce.nonce,
        terminalNonce: '00'.repeat(32),
        device: { software: 'test', model: 'test' },
        at: clock.ms,
      },
      (domain, text) => second.signStatement(domain, text).sig,
    );
    expect((await postJson(`${sim.url}${provisioningPath('enrol')}`, request)).status).toBe(200);
    const replay = await postJson(`${sim.url}${provisioningPath('enrol')}`, request);
    expect(replay).toMatchObject({ status: 403, json: { error: 'bad_nonce' } });
  });

  it('refuses a request for a key the sender does not hold', async () => {
    const sim = await startAcquirer();
    const victim = newTerminal().journal;
    const attacker = Signer.generate();
    const { code } = sim.fleet.issueCode();
    const nonce = (await (await fetch(`${sim.url}${provisioningPath('nonce')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"v":1}' })).json()) as { nonce: string };
    const forged = signEnrolmentRequest(
      {
        terminal: victim.terminalId,
        genesisKey: toHex(victim.genesisPublicKey),
        publicKey: toHex(victim.currentPublicKey),
        rotations: [],
        code,
        pairing: pairingCode(victim.currentPublicKey),
        serverNonce: nonce.nonce,
        terminalNonce: '00'.repeat(32),
        device: { software: 'test', model: 'test' },
        at: Date.now(),
      },
      attacker,
    );
    expect(await postJson(`${sim.url}${provisioningPath('enrol')}`, forged)).toMatchObject({ status: 403, json: { error: 'bad_signature' } });
    expect(sim.fleet.terminals()).toEqual([]);
  });

  it('refuses an answer that is tampered, signed by another acquirer, for another terminal, or endorsing another key; nothing is journaled or stored', async () => {
    const sim = await startAcquirer();
    const otherAcquirer = await startAcquirer();
    const outcomes: Record<string, string> = {};
    const attempt = async (what: string, rewrite: (profile: TerminalProfile, journal: ReturnType<typeof newTerminal>['journal']) => unknown, at = sim): Promise<void> => {
      const { dir, journal } = newTerminal();
      const provisioning = new Provisioning({
        journal,
        acquirerRootKey: sim.publicKey,
        acquirerUrl: at.url,
        link: (url) => new RewritingLink(url, (path, answer) => (path === provisioningPath('enrol') ? { v: 1, profile: rewrite((answer as { profile: TerminalProfile }).profile, journal) } : answer)),
      });
      outcomes[what] = await codeOf(() => provisioning.enrol(at.fleet.issueCode().code));
      expect(recordsOf(journal, 'profile'), what).toEqual([]);
      expect(() => readFileSync(join(dir, 'provisioning', 'profile.json')), what).toThrow();
      expect(provisioning.isProvisioned(), what).toBe(false);
      provisioning.close();
    };
    await attempt('tampered', (p) => ({ ...p, offline: { ...p.offline, maxCount: 99_999 } }));
    await attempt('another acquirer', (p) => p, otherAcquirer);
    const stranger = newTerminal().journal;
    sim.fleet.preEnrol(toHex(stranger.genesisPublicKey));
    await attempt('another terminal', () => sim.fleet.profileOf(stranger.terminalId));
    await attempt('another key', (_p, journal) => replaceEndorsement(sim, journal));
    expect(outcomes).toEqual({ tampered: 'bad_signature', 'another acquirer': 'wrong_key', 'another terminal': 'wrong_terminal', 'another key': 'bad_endorsement' });
  });
});

/** A profile the acquirer really signed for this terminal, but endorsing a key the terminal does not hold. */
function replaceEndorsement(sim: Awaited<ReturnType<typeof startAcquirer>>, journal: ReturnType<typeof newTerminal>['journal']): TerminalProfile {
  const bogus = Signer.generate();
  sim.db.prepare('DELETE FROM fleet WHERE terminal = ?').run(journal.terminalId);
  return sim.fleet.preEnrol(toHex(journal.genesisPublicKey), {}, toHex(bogus.publicKey));
}

describe('updates', () => {
  it('accepts newer profiles at a refresh and through the local API, journals each, never downgrades', async () => {
    const sim = await startAcquirer();
    const { journal } = newTerminal();
    const provisioning = await enrolled(journal, sim);
    const causes: string[] = [];
    provisioning.on('change', (c) => causes.push(c.cause));

    sim.fleet.setProfile(journal.terminalId, { offline: { perPayment: { CNY: 20_000, MAT: 20_000 } } });
    expect(await provisioning.refresh()).toEqual({ changed: true, version: 2 });
    expect(provisioning.currentProfile()!.offline.perPayment).toEqual({ CNY: 20_000, MAT: 20_000 });
    expect(await provisioning.refresh()).toEqual({ changed: false, version: 2 });
    const v2 = provisioning.currentProfile()!;

    const v3 = sim.fleet.setProfile(journal.terminalId, { receipts: { copies: 2 } });
    expect(provisioning.accept(JSON.parse(JSON.stringify(v3))).changed).toBe(true);
    expect(await codeOf(() => provisioning.accept(v2))).toBe('rollback');
    expect(provisioning.accept(v3).changed).toBe(false);
    const v4 = sim.fleet.setProfile(journal.terminalId, { receipts: { footer: 'See you' } });
    expect(await codeOf(() => provisioning.accept({ ...v4, receipts: { ...v4.receipts, footer: 'Forged' } }))).toBe('bad_signature');
    expect(await codeOf(() => provisioning.accept({ ...v4, terminal: 'ab'.repeat(8) }))).toBe('bad_signature');

    expect(recordsOf(journal, 'profile').map((r) => r.body.version)).toEqual([1, 2, 3]);
    expect(provisioning.profileState()).toMatchObject({ state: 'active', version: 3 });
    expect(causes).toEqual(['accepted', 'accepted']);
  });

  it('an expired profile stops offline payments; online ones continue only as the profile allows', async () => {
    const clock = new TestClock();
    const sim = await startAcquirer({ now: clock.now });
    const { journal } = newTerminal();
    const provisioning = await enrolled(journal, sim, { validityMs: 60_000, onExpiry: 'online_only' }, { now: clock.now });
    clock.advance(60_000);
    expect(provisioning.profileState()).toMatchObject({ state: 'expired', version: 1, reason: expect.stringContaining('expired') });
    expect(provisioning.paymentPolicy()).toMatchObject({ online: true, offline: false });
    expect(await codeOf(() => provisioning.assertMayTakePayment('offline'))).toBe('profile_expired');
    expect(await codeOf(() => provisioning.assertMayTakePayment('online'))).toBe('resolved');

    sim.fleet.setProfile(journal.terminalId, { onExpiry: 'refuse_all' });
    await provisioning.refresh();
    expect(provisioning.profileState()).toMatchObject({ state: 'active', version: 2 });
    clock.advance(60_000);
    expect(provisioning.paymentPolicy()).toMatchObject({ online: false, offline: false });
    expect(await codeOf(() => provisioning.assertMayTakePayment('online'))).toBe('profile_expired');
  });
});

describe('the profile on disk', () => {
  it('is checked at every start: tampered, rolled back or missing, it does not count until fetched again', async () => {
    const sim = await startAcquirer();
    const { dir, journal } = newTerminal();
    const first = await enrolled(journal, sim);
    const file = join(dir, 'provisioning', 'profile.json');
    const v1File = readFileSync(file, 'utf8');
    sim.fleet.setProfile(journal.terminalId, { offline: { maxCount: 10 } });
    await first.refresh();
    first.close();

    const stored = JSON.parse(readFileSync(file, 'utf8')) as { journalSeq: number; profile: TerminalProfile };
    writeFileSync(file, JSON.stringify({ ...stored, profile: { ...stored.profile, offline: { ...stored.profile.offline, maxCount: 10_000 } } }));
    const tampered = provisioningOf(journal, sim);
    expect(tampered.profileState()).toMatchObject({ state: 'unprovisioned', reason: expect.stringContaining('does not hold') });
    expect(await tampered.refresh()).toEqual({ changed: true, version: 2 });
    expect(tampered.profileState()).toMatchObject({ state: 'active', version: 2 });

    writeFileSync(file, v1File);
    const rolledBack = provisioningOf(journal, sim);
    expect(rolledBack.profileState()).toMatchObject({ state: 'unprovisioned', reason: expect.stringContaining('accepted profile version 2 after the one on disk') });
    expect(await codeOf(() => rolledBack.enrol(sim.fleet.issueCode().code))).toBe('already_provisioned');
    await rolledBack.refresh();
    expect(rolledBack.profileState()).toMatchObject({ state: 'active', version: 2 });

    rmSync(file);
    const missing = provisioningOf(journal, sim);
    expect(missing.profileState()).toMatchObject({ state: 'unprovisioned', reason: expect.stringContaining('missing') });
    await missing.refresh();
    expect(missing.profileState()).toMatchObject({ state: 'active', version: 2 });
    expect(recordsOf(journal, 'profile').map((r) => r.body.version)).toEqual([1, 2]);
  });
});
