import { describe, expect, it } from 'vitest';
import { defaultSettings, issueProfile } from '../../hw-sim/acquirer/profiles.js';
import { Signer } from '../../src/crypto/ed25519.js';
import { canonicalJson } from '../../src/encoding/canonical-json.js';
import { toHex } from '../../src/encoding/hex.js';
import { ChainVerifier, VerifyFailure } from '../../src/protocol/chain-verifier.js';
import { fingerprint, normaliseEnrolmentCode, pairingCode, signEnrolmentRequest, verifyEnrolmentRequest } from '../../src/protocol/enrolment.js';
import { followRotations, signEndorsement, verifyEndorsement, type KeyEndorsement } from '../../src/protocol/key-endorsement.js';
import { signProfile, verifyProfile, type TerminalProfile } from '../../src/protocol/profile.js';
import { ProvisioningError } from '../../src/protocol/provisioning-schemas.js';
import { signRelease, verifyRelease } from '../../src/protocol/release.js';
import { ChainBuilder } from '../support/chain.js';

const NOW = 1_763_880_000_000;
const acquirer = Signer.fromSeed(new Uint8Array(32).fill(0x11));
const terminalKey = Signer.fromSeed(new Uint8Array(32).fill(0x07));
const terminal = terminalKey.keyId;

function endorsementOf(key: Signer, signer = acquirer, overrides: Partial<KeyEndorsement> = {}): KeyEndorsement {
  return signEndorsement(
    { terminal, keyId: key.keyId, publicKey: toHex(key.publicKey), tid: '00000001', mid: '898330158120001', notBefore: NOW, notAfter: NOW + 86_400_000, serial: 1, ...overrides },
    signer,
  );
}

function profileOf(version = 1, signer = acquirer, endorsement = endorsementOf(terminalKey, signer)): TerminalProfile {
  return issueProfile(defaultSettings('00000001'), terminal, version, endorsement, signer, NOW);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof ProvisioningError) return err.code;
    throw err;
  }
  return 'accepted';
}

const expect1 = { terminal, now: NOW + 1000 };

describe('the terminal profile', () => {
  it('verifies against the pinned acquirer key and hashes its canonical text', () => {
    const profile = profileOf();
    const verified = verifyProfile(profile, acquirer.publicKey, expect1);
    expect(verified.isNew).toBe(true);
    expect(verified.text).toBe(canonicalJson(profile));
    expect(verified.profile.merchant).toMatchObject({ country: 'CN', currency: '156', timezone: 'Asia/Shanghai' });
  });

  it('refuses a tampered, unsigned, foreign-signed, wrong-terminal, downgraded, replaced or expired profile', () => {
    const profile = profileOf(5);
    const current = { version: 5, sha256: verifyProfile(profile, acquirer.publicKey, expect1).sha256 };
    const other = Signer.generate();
    const { sig: _sig, ...unsigned } = profile;
    expect({
      tampered: refusal(() => verifyProfile({ ...profile, offline: { ...profile.offline, perPayment: { CNY: 99_999_999 } } }, acquirer.publicKey, expect1)),
      unsigned: refusal(() => verifyProfile(unsigned, acquirer.publicKey, expect1)),
      foreign: refusal(() => verifyProfile(profileOf(5, other), acquirer.publicKey, expect1)),
      wrongTerminal: refusal(() => verifyProfile(profile, acquirer.publicKey, { ...expect1, terminal: 'ab'.repeat(8) })),
      downgraded: refusal(() => verifyProfile(profileOf(4), acquirer.publicKey, { ...expect1, current })),
      sameVersionOtherContent: refusal(() => verifyProfile(issueProfile({ ...defaultSettings('00000001'), onExpiry: 'refuse_all' }, terminal, 5, endorsementOf(terminalKey), acquirer, NOW), acquirer.publicKey, { ...expect1, current })),
      expired: refusal(() => verifyProfile(profile, acquirer.publicKey, { ...expect1, now: profile.expiresAt })),
      extraMember: refusal(() => verifyProfile({ ...profile, extra: 1 }, acquirer.publicKey, expect1)),
    }).toEqual({
      tampered: 'bad_signature',
      unsigned: 'malformed',
      foreign: 'wrong_key',
      wrongTerminal: 'wrong_terminal',
      downgraded: 'rollback',
      sameVersionOtherContent: 'rollback',
      expired: 'expired',
      extraMember: 'malformed',
    });
    expect(verifyProfile(profile, acquirer.publicKey, { ...expect1, current }).isNew).toBe(false);
    expect(verifyProfile(profileOf(6), acquirer.publicKey, { ...expect1, current }).isNew).toBe(true);
  });

  it('refuses a profile whose endorsement is not the acquirer\'s, not for this terminal, or for another tid', () => {
    const foreignEndorsement = endorsementOf(terminalKey, Signer.generate());
    const expectBad = (endorsement: KeyEndorsement): string =>
      refusal(() => verifyProfile(signProfile({ ...unsignedOf(profileOf()), endorsement }, acquirer), acquirer.publicKey, expect1));
    expect(expectBad(foreignEndorsement)).toBe('bad_endorsement');
    expect(expectBad(endorsementOf(terminalKey, acquirer, { terminal: 'cd'.repeat(8) }))).toBe('bad_endorsement');
    expect(expectBad(endorsementOf(terminalKey, acquirer, { tid: '00000002' }))).toBe('bad_endorsement');
    expect(expectBad(endorsementOf(terminalKey, acquirer, { notBefore: NOW + 10 }))).toBe('bad_endorsement');
  });

  it('refuses offline limits in an asset the profile does not accept', () => {
    const p = unsignedOf(profileOf());
    const bad = signProfile({ ...p, assets: p.assets.filter((a) => a.code === 'CNY') }, acquirer);
    expect(refusal(() => verifyProfile(bad, acquirer.publicKey, expect1))).toBe('malformed');
  });
});

function unsignedOf(profile: TerminalProfile): Omit<TerminalProfile, 'sig' | 'acquirer'> {
  const { sig: _sig, acquirer: _acquirer, ...rest } = profile;
  return rest;
}

describe('key endorsement and rotations', () => {
  it('binds a key id to its key, a terminal, a tid and a validity', () => {
    const e = endorsementOf(terminalKey);
    expect(verifyEndorsement(e, acquirer.publicKey, { terminal, at: NOW })).toEqual(e);
    expect(refusal(() => verifyEndorsement({ ...e, keyId: 'ab'.repeat(8) }, acquirer.publicKey, { terminal }))).toBe('bad_signature');
    expect(refusal(() => verifyEndorsement(e, acquirer.publicKey, { terminal, at: e.notAfter + 1 }))).toBe('expired');
  });

  it('follows key rotations from the endorsed key to the current one, and nothing else', () => {
    const chain = new ChainBuilder(terminalKey);
    const next = Signer.generate();
    const statement = canonicalJson({ terminal, seq: 1, previousKey: terminalKey.keyId, publicKey: toHex(next.publicKey) });
    const proof = toHex(next.sign(`posd/key-rotation/v1\n${statement}`));
    const rotation = chain.add({ kind: 'key_rotation', body: { publicKey: toHex(next.publicKey), proof } });
    expect(followRotations(terminal, toHex(terminalKey.publicKey), [rotation])).toEqual({ publicKey: toHex(next.publicKey), lastSeq: 1 });
    expect(refusal(() => followRotations(terminal, toHex(next.publicKey), [rotation]))).toBe('bad_rotation');
    expect(refusal(() => followRotations(terminal, toHex(terminalKey.publicKey), [{ ...rotation, body: { ...rotation.body, proof: 'ab'.repeat(64) } }]))).toBe('bad_rotation');
    expect(refusal(() => followRotations('cd'.repeat(8), toHex(terminalKey.publicKey), [rotation]))).toBe('wrong_terminal');
  });
});

describe('enrolment request', () => {
  const request = (signer = terminalKey, overrides: Record<string, unknown> = {}) =>
    signEnrolmentRequest(
      {
        terminal,
        genesisKey: toHex(terminalKey.publicKey),
        publicKey: toHex(terminalKey.publicKey),
        rotations: [],
        code: 'ABCD-EFGH-JKMN',
        pairing: pairingCode(terminalKey.publicKey),
        serverNonce: '01'.repeat(32),
        terminalNonce: '02'.repeat(32),
        device: { software: 'posd/0.1.0', model: 'posd' },
        at: NOW,
        ...overrides,
      },
      signer,
    );

  it('proves possession of the key over both nonces and the code', () => {
    expect(verifyEnrolmentRequest(request()).terminal).toBe(terminal);
    expect(refusal(() => verifyEnrolmentRequest({ ...request(), serverNonce: '03'.repeat(32) }))).toBe('bad_signature');
    expect(refusal(() => verifyEnrolmentRequest(request(Signer.generate())))).toBe('bad_signature');
    expect(refusal(() => verifyEnrolmentRequest(request(terminalKey, { pairing: '00000000' })))).toBe('malformed');
    expect(refusal(() => verifyEnrolmentRequest(request(terminalKey, { terminal: 'ab'.repeat(8) })))).toBe('wrong_terminal');
  });

  it('derives the pairing code and fingerprint from the key (golden values)', () => {
    expect(terminal).toBe('fe812c12f3ab4ce6');
    expect(pairingCode(terminalKey.publicKey)).toBe(GOLDEN_PAIRING);
    expect(fingerprint(terminalKey.publicKey)).toBe('fe81 2c12 f3ab 4ce6');
    expect(normaliseEnrolmentCode('abcd efgh jkmn')).toBe('ABCD-EFGH-JKMN');
    expect(normaliseEnrolmentCode('0O1I-L')).toBe('0O1I-L');
  });
});

/** docs/provisioning.md's worked example: the key with seed 32 bytes of 0x07 (key id fe812c12f3ab4ce6). */
const GOLDEN_PAIRING = '02566621';

describe('release', () => {
  const release = (signer = acquirer, overrides: { terminal?: string; issuedAt?: number; expiresAt?: number } = {}) =>
    signRelease({ terminal, serial: 1, reason: 'forced reset', issuedAt: NOW, expiresAt: NOW + 3_600_000, ...overrides }, signer);

  it('is valid for one terminal, until it expires, signed by the acquirer', () => {
    expect(verifyRelease(release(), acquirer.publicKey, { terminal, now: NOW + 1 }).serial).toBe(1);
    expect(refusal(() => verifyRelease(release(), acquirer.publicKey, { terminal: 'ab'.repeat(8), now: NOW }))).toBe('wrong_terminal');
    expect(refusal(() => verifyRelease(release(), acquirer.publicKey, { terminal, now: NOW + 3_600_000 }))).toBe('expired');
    expect(refusal(() => verifyRelease(release(Signer.generate()), acquirer.publicKey, { terminal, now: NOW }))).toBe('wrong_key');
    expect(refusal(() => verifyRelease({ ...release(), reason: 'anything' }, acquirer.publicKey, { terminal, now: NOW }))).toBe('bad_signature');
    expect(refusal(() => verifyRelease(release(acquirer, { expiresAt: NOW + 30 * 86_400_000 }), acquirer.publicKey, { terminal, now: NOW }))).toBe('malformed');
  });
});

describe('the journal\'s profile records', () => {
  it('are verified in rising versions: a downgrade is bad_profile', () => {
    const chain = new ChainBuilder(terminalKey);
    chain.add({ kind: 'profile', body: { version: 2, sha256: 'aa'.repeat(32), acquirer: acquirer.keyId, expiresAt: NOW } });
    chain.add({ kind: 'profile', body: { version: 1, sha256: 'bb'.repeat(32), acquirer: acquirer.keyId, expiresAt: NOW } });
    const verifier = new ChainVerifier();
    verifier.push(chain.texts[0]!);
    verifier.push(chain.texts[1]!);
    let failure: unknown;
    try {
      verifier.push(chain.texts[2]!);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(VerifyFailure);
    expect(failure).toMatchObject({ code: 'bad_profile', seq: 2 });
  });

  it('carry exactly version, sha256, acquirer and expiresAt', () => {
    const chain = new ChainBuilder(terminalKey);
    expect(() => chain.add({ kind: 'profile', body: { version: 0, sha256: 'aa'.repeat(32), acquirer: acquirer.keyId, expiresAt: NOW } })).not.toThrow();
    const verifier = new ChainVerifier();
    verifier.push(chain.texts[0]!);
    expect(() => verifier.push(chain.texts[1]!)).toThrow(/version/);
  });
});
