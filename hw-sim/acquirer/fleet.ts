import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { keyIdOf, type Signer } from '../../src/crypto/ed25519.js';
import { fromHex, toHex } from '../../src/encoding/hex.js';
import { NONCE_TTL_MS, pairingCode, type DecommissionNotice, type EnrolmentRequest, type NonceAnswer } from '../../src/protocol/enrolment.js';
import { followRotations, signEndorsement, type KeyEndorsement } from '../../src/protocol/key-endorsement.js';
import type { TerminalProfile } from '../../src/protocol/profile.js';
import { ProvisioningError } from '../../src/protocol/provisioning-schemas.js';
import { MAX_RELEASE_TTL_MS, signRelease, type Release } from '../../src/protocol/release.js';
import { HttpError } from './http.js';
import { applyChanges, checkSettings, defaultSettings, ENDORSEMENT_VALIDITY_MS, issueProfile, type ProfileSettings, type SettingsChanges } from './profiles.js';

export type FleetState = 'active' | 'decommissioned' | 'released';

/** One terminal as the operator sees it. */
export interface FleetTerminal {
  terminal: string;
  tid: string;
  mid: string;
  state: FleetState;
  /** The key the acquirer endorsed last, and its pairing code (what the terminal showed). */
  keyId: string;
  pairing: string;
  profileVersion: number;
  profileExpiresAt: number;
  enrolledAt: number;
  software: string | null;
  settledThrough: number;
  lastSettlementAt: number | null;
  heldRecords: number;
  deadLetters: number;
}

interface FleetRow {
  terminal: string;
  genesis_key: string;
  tid: string;
  mid: string;
  state: FleetState;
  key_id: string;
  public_key: string;
  pairing: string;
  settings: string;
  profile: string;
  profile_version: number;
  enrolled_at: number;
  software: string | null;
}

/** Limits on what anyone can make the simulator keep. */
const MAX_OUTSTANDING_NONCES = 1000;
const MAX_OUTSTANDING_CODES = 10_000;
const MAX_LIST = 1000;
const DEFAULT_CODE_TTL_MS = 3_600_000;
const MAX_CODE_TTL_MS = 7 * 86_400_000;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The acquirer's fleet: who may settle here. Enrolment (one-time codes, server nonces, the
 * terminal's signed request), profiles and their versions, key endorsements after rotations,
 * revocations, decommissioning and releases for forced resets. Every change is one SQLite
 * transaction; every list is bounded.
 */
export class Fleet {
  constructor(
    private readonly db: Database.Database,
    private readonly signer: Signer,
    private readonly now: () => number,
  ) {}

  // ---- the operator ----

  /** A one-time enrolment code carrying the merchant assignment; optionally only for the key with this pairing code. */
  issueCode(changes: SettingsChanges = {}, options: { ttlMs?: number; pairing?: string } = {}): { code: string; expiresAt: number; pairing: string | null } {
    checkSettings(applyChanges(defaultSettings(changes.tid ?? '00000000'), changes), this.signer, this.now());
    const ttl = options.ttlMs ?? DEFAULT_CODE_TTL_MS;
    if (!Number.isSafeInteger(ttl) || ttl < 1000 || ttl > MAX_CODE_TTL_MS) throw new HttpError(400, 'bad_request', `ttlMs must be 1000..${MAX_CODE_TTL_MS}`);
    const now = this.now();
    this.db.prepare('DELETE FROM enrolment_codes WHERE expires_at <= ? AND used_by IS NULL').run(now);
    const outstanding = this.db.prepare('SELECT COUNT(*) FROM enrolment_codes WHERE used_by IS NULL').pluck().get() as number;
    if (outstanding >= MAX_OUTSTANDING_CODES) throw new HttpError(409, 'too_many_codes', `${outstanding} enrolment codes are outstanding`);
    const code = newCode();
    const expiresAt = now + ttl;
    this.db.prepare('INSERT INTO enrolment_codes(code, settings, pairing, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(code, JSON.stringify(changes), options.pairing ?? null, now, expiresAt);
    return { code, expiresAt, pairing: options.pairing ?? null };
  }

  /** Enrols a key the operator already knows (a factory manifest), without a pairing code. The same key again is a no-op. */
  preEnrol(genesisKey: string, changes: SettingsChanges = {}, currentKey = genesisKey): TerminalProfile {
    const terminal = keyIdOf(fromHex(genesisKey, 32));
    const existing = this.row(terminal);
    if (existing) {
      if (existing.genesis_key !== genesisKey) throw new HttpError(409, 'already_enrolled', `terminal ${terminal} is enrolled with another key`);
      return JSON.parse(existing.profile) as TerminalProfile;
    }
    return this.db.transaction(() => this.admitNew({ terminal, genesisKey, publicKey: currentKey, changes, software: null }))();
  }

  terminals(): FleetTerminal[] {
    const rows = this.db.prepare(`SELECT * FROM fleet ORDER BY enrolled_at, terminal LIMIT ${MAX_LIST}`).all() as FleetRow[];
    return rows.map((row) => this.describe(row));
  }

  terminal(terminal: string): FleetTerminal {
    return this.describe(this.requireRow(terminal));
  }

  /** Uploads and closes the acquirer answered for a terminal, newest first. */
  batches(terminal: string, limit = 100): { key: string; kind: string; from?: number; through?: number; balanced?: boolean }[] {
    this.requireRow(terminal);
    const rows = this.db
      .prepare(
        `SELECT r.key, r.kind, c.from_seq, c.through, c.balanced FROM requests r LEFT JOIN closes c ON c.terminal = r.terminal AND c.close_id = r.key
         WHERE r.terminal = ? ORDER BY r.rowid DESC LIMIT ?`,
      )
      .all(terminal, boundedLimit(limit)) as { key: string; kind: string; from_seq: number | null; through: number | null; balanced: number | null }[];
    return rows.map((r) => ({ key: r.key, kind: r.kind, ...(r.from_seq !== null ? { from: r.from_seq, through: r.through!, balanced: r.balanced === 1 } : {}) }));
  }

  /** Records the acquirer holds as refused, with the reason (the terminal's dead letters). */
  deadLetters(terminal: string, limit = 100): { seq: number; kind: string; reason: string; receivedAt: number }[] {
    this.requireRow(terminal);
    return (
      this.db.prepare("SELECT seq, kind, reason, received_at FROM records WHERE terminal = ? AND status = 'rejected' ORDER BY seq LIMIT ?").all(terminal, boundedLimit(limit)) as {
        seq: number;
        kind: string;
        reason: string;
        received_at: number;
      }[]
    ).map((r) => ({ seq: r.seq, kind: r.kind, reason: r.reason, receivedAt: r.received_at }));
  }

  /** Changes a terminal's settings (limits, assets, merchant data...) and issues the next profile version. */
  setProfile(terminal: string, changes: SettingsChanges): TerminalProfile {
    return this.db.transaction(() => {
      const row = this.requireActive(terminal);
      const settings = applyChanges(JSON.parse(row.settings) as ProfileSettings, changes);
      if (settings.tid !== row.tid && this.tidInUse(settings.tid, terminal)) throw new HttpError(409, 'tid_in_use', `tid ${settings.tid} belongs to another terminal`);
      return this.reissue(row, settings, row.public_key);
    })();
  }

  /** Endorses the key the terminal signs with now (the last one its uploaded rotations introduced) in a new profile. */
  endorse(terminal: string): TerminalProfile {
    return this.db.transaction(() => {
      const row = this.requireActive(terminal);
      const inForce = this.db.prepare('SELECT public_key FROM keys WHERE terminal = ? AND to_seq IS NULL ORDER BY from_seq DESC LIMIT 1').pluck().get(terminal) as string | undefined;
      const key = inForce ?? row.public_key;
      this.refuseRevoked(terminal, keyIdOf(fromHex(key, 32)));
      return this.reissue(row, JSON.parse(row.settings) as ProfileSettings, key, { fresh: true });
    })();
  }

  /** Revokes one of a terminal's keys: records it signs after the highest seq held now are refused. */
  revoke(terminal: string, keyId: string): { terminal: string; keyId: string; afterSeq: number } {
    this.requireRow(terminal);
    const afterSeq = (this.db.prepare('SELECT MAX(seq) FROM records WHERE terminal = ?').pluck().get(terminal) as number | null) ?? -1;
    this.db.prepare('INSERT OR REPLACE INTO revocations(terminal, key_id, after_seq, revoked_at) VALUES (?, ?, ?, ?)').run(terminal, keyId, afterSeq, this.now());
    return { terminal, keyId, afterSeq };
  }

  /** A signed release for a forced reset of one terminal; the terminal is out of service from now on. */
  release(terminal: string, options: { reason?: string; ttlMs?: number } = {}): Release {
    const ttl = options.ttlMs ?? 3_600_000;
    if (!Number.isSafeInteger(ttl) || ttl < 1000 || ttl > MAX_RELEASE_TTL_MS) throw new HttpError(400, 'bad_request', `ttlMs must be 1000..${MAX_RELEASE_TTL_MS}`);
    return this.db.transaction(() => {
      this.requireRow(terminal);
      this.db.prepare("UPDATE fleet SET state = 'released' WHERE terminal = ?").run(terminal);
      return this.signedRelease(terminal, options.reason ?? 'forced reset approved by the acquirer', ttl);
    })();
  }

  // ---- the terminal ----

  newNonce(): NonceAnswer {
    const now = this.now();
    const nonce = toHex(new Uint8Array(randomBytes(32)));
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM enrolment_nonces WHERE expires_at <= ?').run(now);
      const outstanding = this.db.prepare('SELECT COUNT(*) FROM enrolment_nonces').pluck().get() as number;
      if (outstanding >= MAX_OUTSTANDING_NONCES) {
        this.db.prepare('DELETE FROM enrolment_nonces WHERE nonce IN (SELECT nonce FROM enrolment_nonces ORDER BY expires_at LIMIT ?)').run(outstanding - MAX_OUTSTANDING_NONCES + 1);
      }
      this.db.prepare('INSERT INTO enrolment_nonces(nonce, expires_at) VALUES (?, ?)').run(nonce, now + NONCE_TTL_MS);
    })();
    return { v: 1, nonce, expiresAt: now + NONCE_TTL_MS };
  }

  /** A verified enrolment request (its signature and key chain hold): the code and nonce decide. */
  enrol(request: EnrolmentRequest): TerminalProfile {
    this.consumeNonce(request.serverNonce);
    return this.db.transaction(() => {
      const now = this.now();
      const code = this.db.prepare('SELECT settings, pairing, expires_at, used_by FROM enrolment_codes WHERE code = ?').get(request.code) as
        | { settings: string; pairing: string | null; expires_at: number; used_by: string | null }
        | undefined;
      if (!code || code.used_by !== null || code.expires_at <= now) throw new HttpError(403, 'bad_code', 'the enrolment code is unknown, used or expired: ask the acquirer for a new one');
      if (code.pairing !== null && code.pairing !== request.pairing) throw new HttpError(403, 'bad_code', `the enrolment code was issued for the terminal showing pairing code ${code.pairing}`);
      if (this.row(request.terminal)) throw new HttpError(409, 'already_enrolled', `terminal ${request.terminal} is already enrolled`);
      const profile = this.admitNew({
        terminal: request.terminal,
        genesisKey: request.genesisKey,
        publicKey: request.publicKey,
        changes: JSON.parse(code.settings) as SettingsChanges,
        software: request.device.software,
      });
      this.db.prepare('UPDATE enrolment_codes SET used_by = ?, used_at = ? WHERE code = ?').run(request.terminal, now, request.code);
      return profile;
    })();
  }

  /** The newest profile of an enrolled terminal. */
  profileOf(terminal: string): TerminalProfile {
    const row = this.row(terminal);
    if (!row) throw new HttpError(404, 'not_enrolled', `terminal ${terminal} is not enrolled here`);
    this.refuseRetired(row);
    return JSON.parse(row.profile) as TerminalProfile;
  }

  /** After a rotation: rotations from the endorsed key to the new one; answers a profile endorsing the new key. */
  endorseRotation(terminal: string, rotations: readonly unknown[]): TerminalProfile {
    return this.db.transaction(() => {
      const row = this.requireActive(terminal);
      this.refuseRevoked(terminal, row.key_id);
      let reached: string;
      try {
        reached = followRotations(terminal, row.public_key, rotations).publicKey;
      } catch (err) {
        if (err instanceof ProvisioningError) throw new HttpError(400, 'bad_request', `cannot endorse: ${err.message}`);
        throw err;
      }
      if (reached === row.public_key) return JSON.parse(row.profile) as TerminalProfile;
      this.refuseRevoked(terminal, keyIdOf(fromHex(reached, 32)));
      return this.reissue(row, JSON.parse(row.settings) as ProfileSettings, reached);
    })();
  }

  /** A verified decommission notice: with everything settled here too, the terminal leaves service and gets its release. */
  decommission(notice: DecommissionNotice): Release {
    this.consumeNonce(notice.serverNonce);
    return this.db.transaction(() => {
      const row = this.requireActive(notice.terminal);
      const inForce = this.db.prepare('SELECT public_key FROM keys WHERE terminal = ? AND to_seq IS NULL').pluck().all(notice.terminal) as string[];
      if (notice.publicKey !== row.public_key && !inForce.includes(notice.publicKey)) throw new HttpError(403, 'terminal_key_mismatch', 'the notice is not signed by a key of this terminal');
      this.refuseRevoked(notice.terminal, keyIdOf(fromHex(notice.publicKey, 32)));
      const settledThrough = (this.db.prepare('SELECT settled_through FROM terminals WHERE id = ?').pluck().get(notice.terminal) as number | undefined) ?? -1;
      const unsettled = this.db
        .prepare("SELECT COUNT(*) FROM records WHERE terminal = ? AND seq > ? AND status = 'accepted' AND asset IS NOT NULL")
        .pluck()
        .get(notice.terminal, settledThrough) as number;
      if (settledThrough !== notice.settledThrough || unsettled > 0) {
        throw new HttpError(409, 'unsettled', `the acquirer has settled through seq ${settledThrough} with ${unsettled} records after it; the terminal says ${notice.settledThrough}: settle first`);
      }
      this.db.prepare("UPDATE fleet SET state = 'decommissioned' WHERE terminal = ?").run(notice.terminal);
      return this.signedRelease(notice.terminal, 'decommissioned with everything settled', 3_600_000);
    })();
  }

  /** Uploads: the terminal must be enrolled, in service, and the genesis key the one it enrolled with. */
  admitUpload(terminal: string, genesisKey: string): void {
    const row = this.row(terminal);
    if (!row) throw new HttpError(403, 'not_enrolled', `terminal ${terminal} is not enrolled at this acquirer: provision it first`);
    this.refuseRetired(row);
    if (row.genesis_key !== genesisKey) throw new HttpError(403, 'terminal_key_mismatch', `public key ${genesisKey.slice(0, 16)}… is not the key terminal ${terminal} enrolled with`);
  }

  /** Authorisations: the terminal must be enrolled and in service, and sign with its genesis key or the key its profile endorses. */
  admitAuthorization(terminal: string, publicKey: string): void {
    const row = this.row(terminal);
    if (!row) throw new HttpError(403, 'not_enrolled', `terminal ${terminal} is not enrolled at this acquirer: provision it first`);
    this.refuseRetired(row);
    if (publicKey !== row.genesis_key && publicKey !== row.public_key) throw new HttpError(401, 'unknown_key', `key ${publicKey.slice(0, 16)}… is neither the enrolled nor the endorsed key of terminal ${terminal}`);
  }

  /** Closes: the terminal must be enrolled and in service. */
  admitClose(terminal: string): void {
    const row = this.row(terminal);
    if (!row) throw new HttpError(403, 'not_enrolled', `terminal ${terminal} is not enrolled at this acquirer`);
    this.refuseRetired(row);
  }

  // ---- inside ----

  private admitNew(o: { terminal: string; genesisKey: string; publicKey: string; changes: SettingsChanges; software: string | null }): TerminalProfile {
    const tid = o.changes.tid ?? this.freeTid();
    if (this.tidInUse(tid, o.terminal)) throw new HttpError(409, 'tid_in_use', `tid ${tid} belongs to another terminal`);
    const settings = applyChanges(defaultSettings(tid), o.changes);
    const now = this.now();
    const endorsement = this.endorsement(o.terminal, o.publicKey, settings, now);
    const profile = issueProfile(settings, o.terminal, 1, endorsement, this.signer, now);
    this.db
      .prepare(
        `INSERT INTO fleet(terminal, genesis_key, tid, mid, state, key_id, public_key, pairing, settings, profile, profile_version, enrolled_at, software)
         VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, 1, ?, ?)`,
      )
      .run(o.terminal, o.genesisKey, settings.tid, settings.merchant.id, endorsement.keyId, o.publicKey, pairingCode(fromHex(o.publicKey, 32)), JSON.stringify(settings), JSON.stringify(profile), now, o.software);
    return profile;
  }

  /** The next profile version; a new endorsement when the key, tid or mid changed (or `fresh`). */
  private reissue(row: FleetRow, settings: ProfileSettings, publicKey: string, options: { fresh?: boolean } = {}): TerminalProfile {
    const now = this.now();
    const held = JSON.parse(row.profile) as TerminalProfile;
    const sameEndorsement =
      !options.fresh &&
      held.endorsement.publicKey === publicKey &&
      held.endorsement.tid === settings.tid &&
      held.endorsement.mid === settings.merchant.id &&
      held.endorsement.notAfter > now + settings.validityMs;
    const endorsement = sameEndorsement ? held.endorsement : this.endorsement(row.terminal, publicKey, settings, now);
    const profile = issueProfile(settings, row.terminal, row.profile_version + 1, endorsement, this.signer, now);
    this.db
      .prepare('UPDATE fleet SET tid = ?, mid = ?, key_id = ?, public_key = ?, pairing = ?, settings = ?, profile = ?, profile_version = ? WHERE terminal = ?')
      .run(settings.tid, settings.merchant.id, endorsement.keyId, publicKey, pairingCode(fromHex(publicKey, 32)), JSON.stringify(settings), JSON.stringify(profile), profile.version, row.terminal);
    return profile;
  }

  private endorsement(terminal: string, publicKey: string, settings: ProfileSettings, now: number): KeyEndorsement {
    const keyId = keyIdOf(fromHex(publicKey, 32));
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO endorsements(terminal, key_id, public_key, not_before, not_after) VALUES (?, ?, ?, ?, ?)')
      .run(terminal, keyId, publicKey, now, now + ENDORSEMENT_VALIDITY_MS);
    return signEndorsement({ terminal, keyId, publicKey, tid: settings.tid, mid: settings.merchant.id, notBefore: now, notAfter: now + ENDORSEMENT_VALIDITY_MS, serial: Number(lastInsertRowid) }, this.signer);
  }

  private signedRelease(terminal: string, reason: string, ttlMs: number): Release {
    const now = this.now();
    const { lastInsertRowid } = this.db.prepare('INSERT INTO releases(terminal, reason, issued_at, expires_at) VALUES (?, ?, ?, ?)').run(terminal, reason, now, now + ttlMs);
    return signRelease({ terminal, serial: Number(lastInsertRowid), reason, issuedAt: now, expiresAt: now + ttlMs }, this.signer);
  }

  private consumeNonce(nonce: string): void {
    const { changes } = this.db.prepare('DELETE FROM enrolment_nonces WHERE nonce = ? AND expires_at > ?').run(nonce, this.now());
    if (changes !== 1) throw new HttpError(403, 'bad_nonce', 'the server nonce is unknown, used or expired: fetch a new one');
  }

  private freeTid(): string {
    let n = (this.db.prepare('SELECT COUNT(*) FROM fleet').pluck().get() as number) + 1;
    while (this.tidInUse(String(n).padStart(8, '0'))) n++;
    return String(n).padStart(8, '0');
  }

  private tidInUse(tid: string, except?: string): boolean {
    return this.db.prepare("SELECT 1 FROM fleet WHERE tid = ? AND state = 'active' AND terminal IS NOT ?").get(tid, except ?? null) !== undefined;
  }

  private refuseRevoked(terminal: string, keyId: string): void {
    if (this.db.prepare('SELECT 1 FROM revocations WHERE terminal = ? AND key_id = ?').get(terminal, keyId)) {
      throw new HttpError(403, 'key_revoked', `key ${keyId} of terminal ${terminal} is revoked: the terminal must be released and enrolled again`);
    }
  }

  private refuseRetired(row: FleetRow): void {
    if (row.state !== 'active') throw new HttpError(403, 'terminal_retired', `terminal ${row.terminal} is ${row.state}`);
  }

  private row(terminal: string): FleetRow | undefined {
    return this.db.prepare('SELECT * FROM fleet WHERE terminal = ?').get(terminal) as FleetRow | undefined;
  }

  private requireRow(terminal: string): FleetRow {
    const row = this.row(terminal);
    if (!row) throw new HttpError(404, 'not_enrolled', `terminal ${terminal} is not enrolled here`);
    return row;
  }

  private requireActive(terminal: string): FleetRow {
    const row = this.requireRow(terminal);
    this.refuseRetired(row);
    return row;
  }

  private describe(row: FleetRow): FleetTerminal {
    const settlement = this.db.prepare('SELECT settled_through FROM terminals WHERE id = ?').get(row.terminal) as { settled_through: number } | undefined;
    const lastClose = this.db.prepare("SELECT MAX(json_extract(ack, '$.at')) FROM closes WHERE terminal = ? AND balanced = 1").pluck().get(row.terminal) as number | null;
    const counts = this.db.prepare("SELECT COUNT(*) AS held, COALESCE(SUM(status = 'rejected'), 0) AS dead FROM records WHERE terminal = ?").get(row.terminal) as { held: number; dead: number };
    const profile = JSON.parse(row.profile) as TerminalProfile;
    return {
      terminal: row.terminal,
      tid: row.tid,
      mid: row.mid,
      state: row.state,
      keyId: row.key_id,
      pairing: row.pairing,
      profileVersion: row.profile_version,
      profileExpiresAt: profile.expiresAt,
      enrolledAt: row.enrolled_at,
      software: row.software,
      settledThrough: settlement?.settled_through ?? -1,
      lastSettlementAt: lastClose,
      heldRecords: counts.held,
      deadLetters: counts.dead,
    };
  }
}

function boundedLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) return 100;
  return Math.min(limit, MAX_LIST);
}

function newCode(): string {
  const bytes = randomBytes(8);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let code = '';
  for (let i = 0; i < 12; i++) code += CROCKFORD[Number((bits >> BigInt(5 * i)) & 31n)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}
