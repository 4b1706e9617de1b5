import { Type, type Static } from '@sinclair/typebox';
import { keyIdOf, verify, type Signer } from '../crypto/ed25519.js';
import { canonicalJson } from '../encoding/canonical-json.js';
import { fromHex } from '../encoding/hex.js';
import { DOMAIN } from './domains.js';
import {
  EpochMs,
  Hex32,
  Hex64,
  KeyId,
  Mid,
  ProvisioningError,
  Serial,
  TerminalId,
  Tid,
  signDocument,
  verifyAcquirerDocument,
} from './provisioning-schemas.js';
import { verifyRecordSignature } from './record-codec.js';
import { RecordFormatError, validateSignedRecord } from './record-validate.js';

/**
 * The acquirer's endorsement of a terminal's public key (docs/provisioning.md, section 3): this
 * key signs for terminal `terminal`, known to the acquirer as `tid` at merchant `mid`, from
 * `notBefore` to `notAfter`. A receipt or export signed with the key can be traced to the
 * merchant by anyone holding the acquirer's public key.
 */
export const KeyEndorsementSchema = Type.Object(
  {
    v: Type.Literal(1),
    type: Type.Literal('key_endorsement'),
    terminal: TerminalId,
    keyId: KeyId,
    publicKey: Hex32,
    tid: Tid,
    mid: Mid,
    notBefore: EpochMs,
    notAfter: EpochMs,
    serial: Serial,
    acquirer: KeyId,
    sig: Hex64,
  },
  { additionalProperties: false },
);
export type KeyEndorsement = Static<typeof KeyEndorsementSchema>;

/** The most key rotations one enrolment or endorsement request may carry. */
export const MAX_ROTATIONS = 16;

export function signEndorsement(unsigned: Omit<KeyEndorsement, 'sig' | 'acquirer' | 'v' | 'type'>, signer: Signer): KeyEndorsement {
  return signDocument<KeyEndorsement>(DOMAIN.keyEndorsement, { v: 1, type: 'key_endorsement', ...unsigned, acquirer: signer.keyId }, signer);
}

/**
 * Verifies an endorsement under the acquirer's key: its shape and signature, that `keyId` is the
 * id of `publicKey`, that it names `expect.terminal` (and tid/mid when given), and that `at`
 * (when given) falls in [notBefore, notAfter].
 */
export function verifyEndorsement(
  value: unknown,
  acquirerPublicKey: Uint8Array,
  expect: { terminal: string; tid?: string; mid?: string; at?: number },
): KeyEndorsement {
  const { document } = verifyAcquirerDocument(KeyEndorsementSchema, DOMAIN.keyEndorsement, value, acquirerPublicKey, 'key endorsement');
  if (keyIdOf(fromHex(document.publicKey, 32)) !== document.keyId) throw new ProvisioningError('bad_endorsement', 'the endorsed key id is not the id of the endorsed key');
  if (document.terminal !== expect.terminal) throw new ProvisioningError('wrong_terminal', `the endorsement is for terminal ${document.terminal}, not ${expect.terminal}`);
  if ((expect.tid !== undefined && document.tid !== expect.tid) || (expect.mid !== undefined && document.mid !== expect.mid)) {
    throw new ProvisioningError('bad_endorsement', 'the endorsement names another tid or mid');
  }
  if (document.notAfter < document.notBefore) throw new ProvisioningError('bad_endorsement', 'the endorsement ends before it begins');
  if (expect.at !== undefined && (expect.at < document.notBefore || expect.at > document.notAfter)) {
    throw new ProvisioningError('expired', `the endorsement is valid from ${document.notBefore} to ${document.notAfter}, not at ${expect.at}`);
  }
  return document;
}

/**
 * Follows a terminal's key rotations from a key it is known by to its current key: each
 * rotation is a journal record of this terminal, signed by the key before it, whose new key
 * proved possession (docs/journal.md, key_rotation). Returns the last new key, in hex.
 */
export function followRotations(terminal: string, fromPublicKey: string, rotations: readonly unknown[]): { publicKey: string; lastSeq: number | null } {
  if (rotations.length > MAX_ROTATIONS) throw new ProvisioningError('bad_rotation', `at most ${MAX_ROTATIONS} key rotations`);
  let current = fromPublicKey;
  let lastSeq: number | null = null;
  for (const [i, value] of rotations.entries()) {
    let record;
    try {
      record = validateSignedRecord(value);
    } catch (err) {
      if (err instanceof RecordFormatError) throw new ProvisioningError('bad_rotation', `rotation ${i}: ${err.message}`);
      throw err;
    }
    if (record.kind !== 'key_rotation') throw new ProvisioningError('bad_rotation', `rotation ${i} is a ${record.kind} record`);
    if (record.terminal !== terminal) throw new ProvisioningError('wrong_terminal', `rotation ${i} belongs to terminal ${record.terminal}`);
    if (lastSeq !== null && record.seq <= lastSeq) throw new ProvisioningError('bad_rotation', 'rotations must be in seq order');
    const currentKey = fromHex(current, 32);
    if (record.key !== keyIdOf(currentKey)) throw new ProvisioningError('bad_rotation', `rotation ${i} is signed by key ${record.key}, not ${keyIdOf(currentKey)}`);
    let signed: boolean;
    try {
      signed = verifyRecordSignature(record, currentKey);
    } catch {
      signed = false;
    }
    if (!signed) throw new ProvisioningError('bad_rotation', `rotation ${i}: the old key's signature does not verify`);
    const statement = canonicalJson({ terminal: record.terminal, seq: record.seq, previousKey: record.key, publicKey: record.body.publicKey });
    if (!verify(fromHex(record.body.proof, 64), DOMAIN.keyRotation + statement, fromHex(record.body.publicKey, 32))) {
      throw new ProvisioningError('bad_rotation', `rotation ${i}: the new key did not prove possession`);
    }
    current = record.body.publicKey;
    lastSeq = record.seq;
  }
  return { publicKey: current, lastSeq };
}
