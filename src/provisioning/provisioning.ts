import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { keyIdOf } from '../crypto/ed25519.js';
import { fromHex, toHex } from '../encoding/hex.js';
import {
  NonceAnswerSchema,
  ProfileAnswerSchema,
  fingerprint,
  normaliseEnrolmentCode,
  pairingCode,
  signEnrolmentRequest,
  type EndorsementRequest,
} from '../protocol/enrolment.js';
import { MAX_ROTATIONS, type KeyEndorsement } from '../protocol/key-endorsement.js';
import { verifyProfile, type TerminalProfile } from '../protocol/profile.js';
import { provisioningPath } from '../protocol/provisioning-routes.js';
import { ENROLMENT_CODE_PATTERN, ProvisioningError, checkShape } from '../protocol/provisioning-schemas.js';
import type { ProfileBody, SignedRecord } from '../protocol/record.js';
import type { Journal } from '../terminal/ledger/journal.js';
import { AcquirerLink } from './acquirer-link.js';
import { ProvisioningFailure } from './errors.js';
import { ProfileStore } from './profile-store.js';

/** What the terminal shows while unprovisioned, for the operator to match with what the acquirer saw. */
export interface Pairing {
  terminal: string;
  keyId: string;
  /** 8 digits derived from the terminal's current public key. */
  code: string;
  /** The key id in four groups of four hex digits. */
  fingerprint: string;
}

export type ProfileState =
  | { state: 'unprovisioned'; reason: string; pairing: Pairing }
  | { state: 'active'; version: number; expiresAt: number; tid: string; mid: string; endorsementPending: boolean }
  | { state: 'expired'; reason: string; version: number; expiresAt: number; tid: string; mid: string; endorsementPending: boolean };

/** What the profile allows right now: the payments work asks before taking a payment. */
export interface PaymentPolicy {
  online: boolean;
  offline: boolean;
  /** Why something is not allowed; null when everything is. */
  reason: string | null;
}

export interface ProvisioningChange {
  cause: 'accepted' | 'expired' | 'rotated';
  state: ProfileState;
}

export interface ProvisioningOptions {
  journal: Journal;
  /** The acquirer root key pinned at install (config `provisioning.acquirerRootKey`); without it nothing can be verified. */
  acquirerRootKey?: Uint8Array;
  /** The acquirer's base URL (config `provisioning.acquirerUrl`); needed for enrolment, updates and endorsements. */
  acquirerUrl?: string;
  now?: () => number;
  /** What the enrolment request says the terminal runs. */
  software?: string;
  /** Test hook: how requests reach the acquirer. */
  link?: (url: string) => AcquirerLink;
}

interface Held {
  profile: TerminalProfile;
  sha256: string;
  journalSeq: number;
}

interface Anchor {
  seq: number;
  version: number;
  sha256: string;
}

/** setTimeout's longest delay; an expiry further away is re-armed. */
const MAX_TIMER_MS = 2_147_483_647;
/** The most key rotations looked at in a journal. */
const MAX_ROTATIONS_SCANNED = 1000;

/**
 * The terminal's side of provisioning: its pairing code while unprovisioned, the enrolment
 * exchange, the profile it holds (verified against the pinned acquirer key, never older than
 * the newest the journal accepted, stored atomically, each accepted version journaled as a
 * `profile` record), updates, the endorsement of a new key after a rotation, and what the
 * profile allows (`paymentPolicy`). Emits `change` whenever the state changes.
 */
export class Provisioning extends EventEmitter<{ change: [ProvisioningChange] }> {
  private readonly journal: Journal;
  private readonly store: ProfileStore;
  private readonly rootKey: Uint8Array | undefined;
  private readonly now: () => number;
  private readonly makeLink: (url: string) => AcquirerLink;
  private held: Held | undefined;
  private anchor: Anchor | undefined;
  /** Why no profile is held although the terminal is configured. */
  private problem: string | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ProvisioningOptions) {
    super();
    this.journal = options.journal;
    this.store = new ProfileStore(options.journal.dataDir);
    this.rootKey = options.acquirerRootKey;
    this.now = options.now ?? Date.now;
    this.makeLink = options.link ?? ((url) => new AcquirerLink(url));
    this.load();
    this.armExpiry();
  }

  // ---- the read API ----

  pairing(): Pairing {
    const publicKey = this.currentPublicKey();
    return { terminal: this.journal.terminalId, keyId: keyIdOf(publicKey), code: pairingCode(publicKey), fingerprint: fingerprint(publicKey) };
  }

  /** The profile in force, expired or not; undefined while unprovisioned. */
  currentProfile(): TerminalProfile | undefined {
    return this.held?.profile;
  }

  isProvisioned(): boolean {
    return this.held !== undefined;
  }

  profileState(): ProfileState {
    const held = this.held;
    if (!held) return { state: 'unprovisioned', reason: this.unprovisionedReason(), pairing: this.pairing() };
    const p = held.profile;
    const base = { version: p.version, expiresAt: p.expiresAt, tid: p.tid, mid: p.merchant.id, endorsementPending: this.endorsementPending() };
    if (this.now() >= p.expiresAt) return { state: 'expired', reason: `profile version ${p.version} expired at ${new Date(p.expiresAt).toISOString()}`, ...base };
    return { state: 'active', ...base };
  }

  paymentPolicy(): PaymentPolicy {
    const state = this.profileState();
    if (state.state === 'unprovisioned') return { online: false, offline: false, reason: `not provisioned: ${state.reason}` };
    const profile = this.held!.profile;
    if (state.state === 'expired') {
      const online = profile.onExpiry === 'online_only';
      return { online, offline: false, reason: `${state.reason}: offline payments stopped${online ? '' : ', online payments too'}` };
    }
    if (!profile.offline.enabled) return { online: true, offline: false, reason: 'the profile does not allow offline payments' };
    return { online: true, offline: true, reason: null };
  }

  /** Throws ProvisioningFailure (`not_provisioned`, `profile_expired`) unless the profile allows this kind of payment now. */
  assertMayTakePayment(kind: 'online' | 'offline'): TerminalProfile {
    const policy = this.paymentPolicy();
    if (!this.held) throw new ProvisioningFailure('not_provisioned', policy.reason ?? 'not provisioned');
    if (!policy[kind]) throw new ProvisioningFailure(this.profileState().state === 'expired' ? 'profile_expired' : 'not_allowed', policy.reason ?? `${kind} payments are not allowed`);
    return this.held.profile;
  }

  /** Whether the terminal signs with a key its profile does not endorse yet (after a rotation). */
  endorsementPending(): boolean {
    return this.held !== undefined && this.held.profile.endorsement.keyId !== keyIdOf(this.currentPublicKey());
  }

  /** The acquirer's endorsement of the key the terminal signs with now; null while unprovisioned or pending. */
  currentEndorsement(): KeyEndorsement | null {
    return this.held && !this.endorsementPending() ? this.held.profile.endorsement : null;
  }

  // ---- changes ----

  /** The enrolment exchange with a one-time code from the acquirer: nonce, signed request, profile. */
  async enrol(code: string, acquirerUrl = this.options.acquirerUrl): Promise<TerminalProfile> {
    this.requireRoot();
    if (this.held || this.anchor) throw new ProvisioningFailure('already_provisioned', `terminal ${this.journal.terminalId} already holds profile version ${this.held?.profile.version ?? this.anchor!.version}; reset it to enrol again`);
    const normalised = normaliseEnrolmentCode(code);
    if (!new RegExp(ENROLMENT_CODE_PATTERN).test(normalised)) throw new ProvisioningError('malformed', 'an enrolment code has 12 characters, XXXX-XXXX-XXXX');
    const link = this.link(acquirerUrl);
    const nonce = checkShape(NonceAnswerSchema, await link.post(provisioningPath('nonce'), { v: 1 }), 'nonce answer');
    const publicKey = this.currentPublicKey();
    const request = signEnrolmentRequest(
      {
        terminal: this.journal.terminalId,
        genesisKey: toHex(this.journal.genesisPublicKey),
        publicKey: toHex(publicKey),
        rotations: this.rotations().slice(-MAX_ROTATIONS),
        code: normalised,
        pairing: pairingCode(publicKey),
        serverNonce: nonce.nonce,
        terminalNonce: toHex(new Uint8Array(randomBytes(32))),
        device: { software: this.options.software ?? 'posd', model: 'posd' },
        at: this.now(),
      },
      (domain, text) => this.journal.signStatement(domain, text).sig,
    );
    const answer = checkShape(ProfileAnswerSchema, await link.post(provisioningPath('enrol'), request), 'enrolment answer');
    this.accept(answer.profile, { enrolment: true });
    return this.held!.profile;
  }

  /**
   * Accepts a profile (from the acquirer, or through the local API): verified against the
   * pinned key, for this terminal, endorsing one of its keys (at enrolment: the current one),
   * newer than the one held (the same one again changes nothing), not expired. A new version
   * is journaled, then stored.
   */
  accept(value: unknown, options: { enrolment?: boolean } = {}): { changed: boolean; profile: TerminalProfile } {
    const root = this.requireRoot();
    const verified = verifyProfile(value, root, {
      terminal: this.journal.terminalId,
      now: this.now(),
      ...(this.anchor ? { current: { version: this.anchor.version, sha256: this.anchor.sha256 } } : {}),
    });
    const endorsed = verified.profile.endorsement.publicKey;
    // Almost always the current key; only otherwise is the journal searched for earlier ones.
    if (endorsed !== toHex(this.currentPublicKey()) && (options.enrolment || !this.knownKeys().includes(endorsed))) {
      throw new ProvisioningError('bad_endorsement', `the profile endorses key ${verified.profile.endorsement.keyId}, which is not ${options.enrolment ? 'the key this terminal enrolled with' : 'a key of this terminal'}`);
    }
    if (!verified.isNew) {
      if (this.held?.sha256 === verified.sha256) return { changed: false, profile: this.held.profile };
      // The newest journaled profile again, after its file was lost: keep it, journal nothing.
      this.hold({ profile: verified.profile, sha256: verified.sha256, journalSeq: this.anchor!.seq });
      return { changed: true, profile: verified.profile };
    }
    const body: ProfileBody = { version: verified.profile.version, sha256: verified.sha256, acquirer: verified.profile.acquirer, expiresAt: verified.profile.expiresAt };
    const appended = this.journal.append({ kind: 'profile', body });
    this.anchor = { seq: appended.seq, version: body.version, sha256: body.sha256 };
    this.hold({ profile: verified.profile, sha256: verified.sha256, journalSeq: appended.seq });
    return { changed: true, profile: verified.profile };
  }

  /**
   * What is due at every settlement: the new key's endorsement if one is pending, then the
   * newest profile. Returns whether the profile changed.
   */
  async refresh(acquirerUrl = this.options.acquirerUrl): Promise<{ changed: boolean; version: number }> {
    if (!this.held && !this.anchor) throw new ProvisioningFailure('not_provisioned', 'enrol the terminal before fetching profile updates');
    let changed = false;
    if (this.endorsementPending()) changed = await this.requestEndorsement(acquirerUrl);
    const answer = checkShape(ProfileAnswerSchema, await this.link(acquirerUrl).get(provisioningPath('profile', { terminal: this.journal.terminalId })), 'profile answer');
    changed = this.accept(answer.profile).changed || changed;
    return { changed, version: this.held!.profile.version };
  }

  /** Asks the acquirer to endorse the current key, sending the rotations from the endorsed key to it. */
  async requestEndorsement(acquirerUrl = this.options.acquirerUrl): Promise<boolean> {
    const held = this.held;
    if (!held || !this.endorsementPending()) return false;
    const chain = this.rotations();
    const from = chain.findIndex((r) => r.key === held.profile.endorsement.keyId);
    if (from < 0) throw new ProvisioningError('bad_rotation', `no key rotation of this journal was signed by the endorsed key ${held.profile.endorsement.keyId}`);
    const rotations = chain.slice(from);
    if (rotations.length > MAX_ROTATIONS) throw new ProvisioningError('bad_rotation', `${rotations.length} rotations since the endorsed key: more than one request may carry`);
    const request: EndorsementRequest = { v: 1, type: 'endorsement_request', terminal: this.journal.terminalId, rotations };
    const answer = checkShape(ProfileAnswerSchema, await this.link(acquirerUrl).post(provisioningPath('endorse', { terminal: this.journal.terminalId }), request), 'endorsement answer');
    return this.accept(answer.profile).changed;
  }

  /**
   * Rotates the terminal's key (the journal's key_rotation record: signed by the old key, the
   * new one proving possession), then asks the acquirer to endorse the new key. Offline, the
   * endorsement stays pending and is asked for at the next refresh.
   */
  async rotateKey(acquirerUrl = this.options.acquirerUrl): Promise<{ keyId: string; seq: number; endorsed: boolean; pendingReason?: string }> {
    const rotation = this.journal.rotateKey();
    this.emit('change', { cause: 'rotated', state: this.profileState() });
    if (!this.held || acquirerUrl === undefined) return { keyId: this.journal.currentKeyId, seq: rotation.seq, endorsed: false, pendingReason: this.held ? 'no acquirer URL' : 'not provisioned' };
    try {
      await this.requestEndorsement(acquirerUrl);
      return { keyId: this.journal.currentKeyId, seq: rotation.seq, endorsed: !this.endorsementPending() };
    } catch (err) {
      if (err instanceof ProvisioningFailure && (err.code === 'unreachable' || err.code === 'timeout')) {
        return { keyId: this.journal.currentKeyId, seq: rotation.seq, endorsed: false, pendingReason: err.message };
      }
      throw err;
    }
  }

  close(): void {
    clearTimeout(this.expiryTimer);
    this.removeAllListeners();
  }

  // ---- inside ----

  private load(): void {
    const stored = this.store.read();
    let hint: number | undefined;
    if (stored && stored !== 'corrupt') hint = stored.journalSeq;
    this.anchor = this.newestJournaledProfile(hint);
    if (!this.rootKey) {
      this.problem = 'no acquirer root key is configured (provisioning.acquirerRootKey)';
      return;
    }
    if (stored === undefined) {
      if (this.anchor) this.problem = `the profile file is missing although the journal accepted version ${this.anchor.version}: fetch it again`;
      return;
    }
    if (stored === 'corrupt') {
      this.problem = `${this.store.file} is unreadable: fetch the profile again`;
      return;
    }
    if (!this.anchor || this.anchor.seq !== stored.journalSeq) {
      this.problem = this.anchor ? `the journal accepted profile version ${this.anchor.version} after the one on disk: fetch it again` : 'the profile on disk was never journaled';
      return;
    }
    try {
      const verified = verifyProfile(stored.profile, this.rootKey, { terminal: this.journal.terminalId, now: this.now(), current: { version: this.anchor.version, sha256: this.anchor.sha256 } });
      this.held = { profile: verified.profile, sha256: verified.sha256, journalSeq: stored.journalSeq };
    } catch (err) {
      if (!(err instanceof ProvisioningError)) throw err;
      this.problem = `the profile on disk does not hold (${err.code}: ${err.message})`;
    }
  }

  /** The newest `profile` record: from the stored file's seq onwards when it points at one, else by a scan of the journal. */
  private newestJournaledProfile(hint: number | undefined): Anchor | undefined {
    let seq: number | null = null;
    if (hint !== undefined && this.profileRecordAt(hint)) seq = this.journal.lastSeqOfKind('profile', hint) ?? hint;
    else seq = this.journal.lastSeqOfKind('profile');
    if (seq === null) return undefined;
    const body = this.profileRecordAt(seq)!;
    return { seq, version: body.version, sha256: body.sha256 };
  }

  private profileRecordAt(seq: number): ProfileBody | undefined {
    const stored = this.journal.get(seq);
    if (!stored) return undefined;
    const record = JSON.parse(stored.text) as SignedRecord;
    return record.kind === 'profile' ? record.body : undefined;
  }

  private hold(held: Held): void {
    this.store.write({ journalSeq: held.journalSeq, profile: held.profile });
    this.held = held;
    this.problem = undefined;
    this.armExpiry();
    this.emit('change', { cause: 'accepted', state: this.profileState() });
  }

  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    const held = this.held;
    if (!held) return;
    const wait = held.profile.expiresAt - this.now();
    if (wait <= 0) return;
    this.expiryTimer = setTimeout(() => {
      if (this.now() >= held.profile.expiresAt) this.emit('change', { cause: 'expired', state: this.profileState() });
      else this.armExpiry();
    }, Math.min(wait, MAX_TIMER_MS));
    this.expiryTimer.unref();
  }

  private unprovisionedReason(): string {
    return this.problem ?? 'no profile yet: enrol the terminal with a code from the acquirer (posctl provision)';
  }

  private requireRoot(): Uint8Array {
    if (!this.rootKey) throw new ProvisioningFailure('not_configured', 'no acquirer root key is configured (provisioning.acquirerRootKey): nothing the acquirer signs can be checked');
    return this.rootKey;
  }

  private link(url: string | undefined): AcquirerLink {
    if (url === undefined) throw new ProvisioningFailure('not_configured', 'no acquirer URL is configured (provisioning.acquirerUrl)');
    return this.makeLink(url);
  }

  /** The journal's key rotations, oldest first. */
  private rotations(): SignedRecord[] {
    const records: SignedRecord[] = [];
    for (let seq = this.journal.firstSeqOfKind('key_rotation', -1); seq !== null && records.length < MAX_ROTATIONS_SCANNED; seq = this.journal.firstSeqOfKind('key_rotation', seq)) {
      records.push(JSON.parse(this.journal.get(seq)!.text) as SignedRecord);
    }
    return records;
  }

  /** Every public key this terminal has signed with, genesis first (hex). */
  private knownKeys(): string[] {
    return [toHex(this.journal.genesisPublicKey), ...this.rotations().map((r) => (r as Extract<SignedRecord, { kind: 'key_rotation' }>).body.publicKey)];
  }

  private currentPublicKey(): Uint8Array {
    try {
      return this.journal.currentPublicKey;
    } catch {
      const last = this.journal.lastSeqOfKind('key_rotation');
      if (last === null) return this.journal.genesisPublicKey;
      return fromHex((JSON.parse(this.journal.get(last)!.text) as Extract<SignedRecord, { kind: 'key_rotation' }>).body.publicKey, 32);
    }
  }
}
