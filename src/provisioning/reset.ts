import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../encoding/hex.js';
import { DecommissionNoticeSchema, NonceAnswerSchema, signDecommissionNotice } from '../protocol/enrolment.js';
import { provisioningPath } from '../protocol/provisioning-routes.js';
import { checkShape } from '../protocol/provisioning-schemas.js';
import { ReleaseSchema, verifyRelease, type Release } from '../protocol/release.js';
import { Type } from '@sinclair/typebox';
import { Journal } from '../terminal/ledger/journal.js';
import { AcquirerLink } from './acquirer-link.js';
import { ProvisioningFailure } from './errors.js';
import { ProfileStore, syncDir } from './profile-store.js';

/**
 * Taking a terminal out of service (docs/provisioning.md, section 7). A reset is refused
 * while anything is unsettled, unless the acquirer signed a release for this terminal. A reset
 * moves the journal aside (never deletes it: it is the record of what the terminal did, and
 * what the acquirer may still need), wipes the private keys and the profile; the next start
 * makes a new key, so a new terminal id, and shows a new pairing code.
 */

const ReleaseAnswerSchema = Type.Object({ v: Type.Literal(1), release: ReleaseSchema }, { additionalProperties: false });

/** Why a terminal may not be reset now: unsettled financial records, an open batch, dead letters. Empty when it may. */
export function unsettledReasons(journal: Journal): string[] {
  const book = journal.settlement;
  const reasons: string[] = [];
  const settledThrough = book?.settledThrough ?? -1;
  const lastUnsettled = journal.lastFinancialSeq(settledThrough, journal.headSeq);
  if (lastUnsettled !== null) reasons.push(`financial records after seq ${settledThrough} are not settled (the newest is seq ${lastUnsettled})`);
  const open = book?.openBatch();
  if (open) reasons.push(`${open.kind} batch ${open.id} was sent and not answered yet`);
  const dead = book?.deadLetterCount() ?? 0;
  if (dead > 0) reasons.push(`${dead} dead letters (records the acquirer refused) are unresolved`);
  return reasons;
}

export interface ResetResult {
  terminal: string;
  /** Where the journal (and the profile, release and a note) went. */
  retiredTo: string;
  forced: boolean;
  /** What was unsettled when a release allowed the reset anyway. */
  unsettled: string[];
}

/**
 * Resets the terminal in `dataDir` (posd must not be running). Without `release`, refused
 * with `unsettled` while anything is; with one, it must be the acquirer's, for this terminal,
 * unexpired (`rootKey` is the key pinned at install).
 */
export function resetTerminal(dataDir: string, options: { rootKey?: Uint8Array; release?: unknown; now?: () => number } = {}): ResetResult {
  const now = options.now ?? Date.now;
  const journal = Journal.open(dataDir, { readOnly: true });
  let terminal: string;
  let unsettled: string[];
  try {
    terminal = journal.terminalId;
    unsettled = unsettledReasons(journal);
  } finally {
    journal.close();
  }
  let release: Release | undefined;
  if (options.release !== undefined) {
    if (!options.rootKey) throw new ProvisioningFailure('not_configured', 'a release can only be checked against the acquirer root key pinned at install');
    release = verifyRelease(options.release, options.rootKey, { terminal, now: now() });
  } else if (unsettled.length > 0) {
    throw new ProvisioningFailure('unsettled', `terminal ${terminal} cannot be reset: ${unsettled.join('; ')}. Settle first, or reset with a release signed by the acquirer`, { details: unsettled });
  }
  const retiredTo = retireJournal(dataDir, terminal, now());
  const store = new ProfileStore(dataDir);
  if (existsSync(store.file)) copyFileSync(store.file, join(retiredTo, 'profile.json'));
  writeFileSync(join(retiredTo, 'reset.json'), `${JSON.stringify({ terminal, at: now(), forced: unsettled.length > 0, unsettled, release: release ?? null }, null, 2)}\n`, { mode: 0o600 });
  syncDir(retiredTo);
  wipeKeys(join(dataDir, 'keys'));
  store.remove();
  syncDir(dataDir);
  return { terminal, retiredTo, forced: unsettled.length > 0, unsettled };
}

/**
 * Decommissions the terminal in `dataDir` (posd must not be running): refused while anything
 * is unsettled here; otherwise a notice signed with the terminal's key tells the acquirer,
 * which checks it has settled the same, takes the terminal out of service and answers with a
 * release; then the terminal is reset with it.
 */
export async function decommissionTerminal(dataDir: string, options: { rootKey: Uint8Array; acquirerUrl: string; now?: () => number; link?: AcquirerLink }): Promise<ResetResult & { release: Release }> {
  const now = options.now ?? Date.now;
  const link = options.link ?? new AcquirerLink(options.acquirerUrl);
  const journal = Journal.open(dataDir);
  let notice;
  try {
    const unsettled = unsettledReasons(journal);
    if (unsettled.length > 0) throw new ProvisioningFailure('unsettled', `terminal ${journal.terminalId} cannot be decommissioned: ${unsettled.join('; ')}`, { details: unsettled });
    const nonce = checkShape(NonceAnswerSchema, await link.post(provisioningPath('nonce'), { v: 1 }), 'nonce answer');
    notice = signDecommissionNotice(
      {
        terminal: journal.terminalId,
        publicKey: toHex(journal.currentPublicKey),
        serverNonce: nonce.nonce,
        settledThrough: journal.settlement?.settledThrough ?? -1,
        headSeq: journal.headSeq,
        at: now(),
      },
      (domain, text) => journal.signStatement(domain, text).sig,
    );
    checkShape(DecommissionNoticeSchema, notice, 'decommission notice');
  } finally {
    journal.close();
  }
  const answer = checkShape(ReleaseAnswerSchema, await link.post(provisioningPath('decommission', { terminal: notice.terminal }), notice), 'release answer');
  const release = verifyRelease(answer.release, options.rootKey, { terminal: notice.terminal, now: now() });
  return { ...resetTerminal(dataDir, { rootKey: options.rootKey, release, now }), release };
}

/** Moves journal.db with its WAL and shared-memory files (SQLite finds them by name) into retired/<terminal>-<time>/. */
function retireJournal(dataDir: string, terminal: string, at: number): string {
  const retiredTo = join(dataDir, 'retired', `${terminal}-${new Date(at).toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(retiredTo, { recursive: true, mode: 0o700 });
  for (const name of ['journal.db', 'journal.db-wal', 'journal.db-shm']) {
    const from = join(dataDir, name);
    if (existsSync(from)) renameSync(from, join(retiredTo, name));
  }
  syncDir(retiredTo);
  return retiredTo;
}

/**
 * Overwrites each private key file with zeros, syncs it, then deletes it. On flash storage an
 * overwrite is no guarantee that the old blocks are gone (wear levelling); a terminal with a
 * secure element would destroy the key there instead.
 */
function wipeKeys(keysDir: string): void {
  if (!existsSync(keysDir)) return;
  for (const name of readdirSync(keysDir)) {
    const file = join(keysDir, name);
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    try {
      if (size > 0) writeSync(fd, Buffer.alloc(size), 0, size, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(file, { force: true });
  }
  syncDir(keysDir);
}
