import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import { ChainVerifier } from '../../src/protocol/chain-verifier.js';
import { settlementPath } from '../../src/protocol/settlement-routes.js';
import { decommissionTerminal, resetTerminal } from '../../src/provisioning/reset.js';
import { Outbox } from '../../src/settlement/outbox.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { cashPayment } from '../support/records.js';
import { TestClock, codeOf, enrolled, newTerminal } from './rig.js';

function keysIn(dir: string): string[] {
  return existsSync(join(dir, 'keys')) ? readdirSync(join(dir, 'keys')) : [];
}

describe('reset', () => {
  it('is refused while financial records are unsettled, a batch is open or dead letters wait; allowed once all is settled', async () => {
    const sim = await startAcquirer({ assets: ['CNY'] });
    const { dir, journal } = newTerminal();
    await enrolled(journal, sim);
    journal.append(cashPayment(100));
    const terminal = journal.terminalId;
    const refusal = (): unknown => {
      try {
        resetTerminal(dir);
      } catch (err) {
        return err;
      }
      return undefined;
    };

    expect(refusal()).toMatchObject({ code: 'unsettled', details: [expect.stringContaining('not settled')] });
    new Outbox(journal).createUploadBatch(10);
    expect(refusal()).toMatchObject({ code: 'unsettled', details: [expect.stringContaining('not settled'), expect.stringContaining('not answered')] });
    await drainerFor(journal, sim).drainOnce();
    journal.append(cashPayment(50, 'MAT'));
    await drainerFor(journal, sim).drainOnce();
    // The refused MAT payment is settled past (it counts in no total), but it waits as a dead letter.
    expect(refusal()).toMatchObject({ code: 'unsettled', details: [expect.stringContaining('1 dead letters')] });
    expect(existsSync(join(dir, 'journal.db'))).toBe(true);
    expect(keysIn(dir)).toHaveLength(1);
    journal.close();

    // Everything settled: another terminal, without dead letters, resets.
    const clean = newTerminal();
    await enrolled(clean.journal, sim);
    clean.journal.append(cashPayment(300));
    await drainerFor(clean.journal, sim).drainOnce();
    const headHash = clean.journal.headHash;
    clean.journal.close();
    const result = resetTerminal(clean.dir);
    expect(result).toMatchObject({ terminal: clean.journal.terminalId, forced: false, unsettled: [] });
    expect(readdirSync(result.retiredTo).sort()).toEqual(expect.arrayContaining(['journal.db', 'profile.json', 'reset.json']));
    expect(existsSync(join(clean.dir, 'journal.db'))).toBe(false);
    expect(keysIn(clean.dir)).toEqual([]);
    expect(existsSync(join(clean.dir, 'provisioning', 'profile.json'))).toBe(false);

    // The retired journal is kept whole and still verifies; the next start is a new terminal.
    const retired = Journal.open(result.retiredTo, { readOnly: true });
    const verifier = new ChainVerifier({ acquirerPublicKey: sim.publicKey });
    for (const r of retired.records()) verifier.push(r.text);
    expect(verifier.finish().headHash).toBe(headHash);
    retired.close();
    const reborn = newTerminal(clean.dir).journal;
    expect(reborn.terminalId).not.toBe(clean.journal.terminalId);
    expect(reborn.terminalId).not.toBe(terminal);
  });

  it('forced, needs a release from the acquirer for this terminal, unexpired; the terminal then leaves service', async () => {
    const clock = new TestClock();
    const sim = await startAcquirer({ now: clock.now });
    const other = await startAcquirer();
    const { dir, journal } = newTerminal();
    await enrolled(journal, sim, {}, { now: clock.now });
    journal.append(cashPayment(700));
    const terminal = journal.terminalId;
    const genesis = toHex(journal.genesisPublicKey);
    journal.close();

    const neighbour = newTerminal().journal;
    sim.fleet.preEnrol(toHex(neighbour.genesisPublicKey));
    const forNeighbour = sim.fleet.release(neighbour.terminalId);
    const foreign = (() => {
      other.fleet.preEnrol(genesis);
      return other.fleet.release(terminal);
    })();
    const shortLived = sim.fleet.release(terminal, { ttlMs: 1000 });
    const at = (now: number) => () => now;
    const outcomes = {
      noRelease: await codeOf(() => resetTerminal(dir, { rootKey: sim.publicKey })),
      noRootKey: await codeOf(() => resetTerminal(dir, { release: shortLived })),
      otherTerminal: await codeOf(() => resetTerminal(dir, { rootKey: sim.publicKey, release: forNeighbour })),
      otherAcquirer: await codeOf(() => resetTerminal(dir, { rootKey: sim.publicKey, release: foreign })),
      tampered: await codeOf(() => resetTerminal(dir, { rootKey: sim.publicKey, release: { ...shortLived, expiresAt: shortLived.expiresAt + 1 } })),
      expired: await codeOf(() => resetTerminal(dir, { rootKey: sim.publicKey, release: shortLived, now: at(clock.ms + 1000) })),
    };
    expect(outcomes).toEqual({ noRelease: 'unsettled', noRootKey: 'not_configured', otherTerminal: 'wrong_terminal', otherAcquirer: 'wrong_key', tampered: 'bad_signature', expired: 'expired' });
    expect(existsSync(join(dir, 'journal.db'))).toBe(true);

    const result = resetTerminal(dir, { rootKey: sim.publicKey, release: shortLived, now: clock.now });
    expect(result).toMatchObject({ forced: true, unsettled: [expect.stringContaining('not settled')] });
    expect(JSON.parse(readFileSync(join(result.retiredTo, 'reset.json'), 'utf8'))).toMatchObject({ terminal, forced: true, release: { serial: shortLived.serial } });
    expect(keysIn(dir)).toEqual([]);
    expect(sim.fleet.terminal(terminal).state).toBe('released');
    const upload = await fetch(`${sim.url}${settlementPath('upload', { terminal, key: 'late' })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ v: 1, terminal, batch: 'late', publicKey: genesis, records: [{ seq: 0 }] }),
    });
    expect(upload.status).toBe(403);
    expect(await upload.json()).toMatchObject({ error: 'terminal_retired' });
  });
});

describe('decommission', () => {
  it('is refused while anything is unsettled; once settled, the acquirer releases the terminal and it is reset', async () => {
    const sim = await startAcquirer();
    const { dir, journal } = newTerminal();
    await enrolled(journal, sim);
    journal.append(cashPayment(900));
    const terminal = journal.terminalId;
    journal.close();
    const options = { rootKey: sim.publicKey, acquirerUrl: sim.url };
    expect(await codeOf(() => decommissionTerminal(dir, options))).toBe('unsettled');
    expect(sim.fleet.terminal(terminal).state).toBe('active');

    const reopened = Journal.open(dir);
    await drainerFor(reopened, sim).drainOnce();
    reopened.close();
    const result = await decommissionTerminal(dir, options);
    expect(result).toMatchObject({ terminal, forced: false, release: { terminal, reason: expect.stringContaining('decommissioned') } });
    expect(sim.fleet.terminal(terminal).state).toBe('decommissioned');
    expect(keysIn(dir)).toEqual([]);
    expect(existsSync(join(result.retiredTo, 'journal.db'))).toBe(true);
  });
});
