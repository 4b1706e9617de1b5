import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex } from '../encoding/hex.js';
import type { TerminalProfile } from '../protocol/profile.js';
import { ProvisioningFailure } from '../provisioning/errors.js';
import { decommissionTerminal, resetTerminal, unsettledReasons, type ResetResult } from '../provisioning/reset.js';
import { Provisioning, type Pairing, type ProfileState } from '../provisioning/provisioning.js';
import { Journal, SOFTWARE } from '../terminal/ledger/journal.js';
import type { Release } from '../protocol/release.js';
import { loadConfig } from './config/config.js';
import { NoJournalError } from './inspect.js';

/**
 * Provisioning for posctl, on a terminal whose posd is not running (one writer to the journal):
 * each call opens the journal, does one thing, and closes it. A running posd does the same
 * through PosTerminal.provisioning (the console and the local API).
 */
export interface ProvisioningTools {
  /** Where the root key and the acquirer's URL come from: posd's config file, or given outright (which wins). */
  target(options: TargetOptions): Target;
  /** The enrolment exchange with a one-time code. */
  provision(dataDir: string, target: Target, code: string): Promise<{ state: ProfileState; profile: TerminalProfile }>;
  /** The state (verified when the root key is known), the pairing code, the profile held, and what stops a reset. */
  show(dataDir: string, target: Target): { state: ProfileState; pairing: Pairing; profile: TerminalProfile | undefined; unsettled: string[] };
  /** Accepts a profile file (an update delivered by hand). */
  accept(dataDir: string, target: Target, profile: unknown): { changed: boolean; version: number };
  /** Fetches a pending endorsement and the newest profile. */
  refresh(dataDir: string, target: Target): Promise<{ changed: boolean; version: number }>;
  rotateKey(dataDir: string, target: Target): Promise<{ keyId: string; seq: number; endorsed: boolean; pendingReason?: string }>;
  reset(dataDir: string, target: Target, release?: unknown): ResetResult;
  decommission(dataDir: string, target: Target): Promise<ResetResult & { release: Release }>;
}

export interface TargetOptions {
  configFile?: string;
  rootKey?: string;
  acquirerUrl?: string;
}

export interface Target {
  rootKey?: string;
  acquirerUrl?: string;
}

function resolveTarget(options: TargetOptions): Target {
  const config = options.configFile !== undefined ? loadConfig(options.configFile) : undefined;
  const rootKey = options.rootKey ?? config?.provisioning?.acquirerRootKey;
  const acquirerUrl = options.acquirerUrl ?? config?.provisioning?.acquirerUrl ?? config?.acquirer?.url;
  return { ...(rootKey !== undefined ? { rootKey } : {}), ...(acquirerUrl !== undefined ? { acquirerUrl } : {}) };
}

function need(target: Target, what: 'rootKey' | 'acquirerUrl'): string {
  const value = target[what];
  if (value === undefined) {
    throw new ProvisioningFailure('not_configured', what === 'rootKey' ? 'the acquirer root key pinned at install is needed: give --config posd.json or --root-key HEX' : "the acquirer's URL is needed: give --acquirer URL or --config posd.json");
  }
  return value;
}

function requireJournal(dataDir: string): void {
  if (!existsSync(join(dataDir, 'journal.db'))) throw new NoJournalError('no_journal', `no journal in ${dataDir}`);
}

async function withProvisioning<T>(dataDir: string, options: { rootKey?: string; acquirerUrl?: string; readOnly?: boolean }, work: (p: Provisioning, journal: Journal) => Promise<T> | T): Promise<T> {
  const journal = Journal.open(dataDir, options.readOnly ? { readOnly: true } : {});
  const provisioning = new Provisioning({
    journal,
    ...(options.rootKey !== undefined ? { acquirerRootKey: fromHex(options.rootKey, 32) } : {}),
    ...(options.acquirerUrl !== undefined ? { acquirerUrl: options.acquirerUrl } : {}),
    software: SOFTWARE,
  });
  try {
    return await work(provisioning, journal);
  } finally {
    provisioning.close();
    journal.close();
  }
}

/** Synchronous variant for the read-only and local steps. */
function withProvisioningSync<T>(dataDir: string, options: { rootKey?: string; readOnly?: boolean }, work: (p: Provisioning, journal: Journal) => T): T {
  const journal = Journal.open(dataDir, options.readOnly ? { readOnly: true } : {});
  const provisioning = new Provisioning({ journal, ...(options.rootKey !== undefined ? { acquirerRootKey: fromHex(options.rootKey, 32) } : {}), software: SOFTWARE });
  try {
    return work(provisioning, journal);
  } finally {
    provisioning.close();
    journal.close();
  }
}

export const provisioningTools: ProvisioningTools = {
  target: resolveTarget,
  provision: (dataDir, target, code) =>
    withProvisioning(dataDir, { rootKey: need(target, 'rootKey'), acquirerUrl: need(target, 'acquirerUrl') }, async (p) => {
      const profile = await p.enrol(code);
      return { state: p.profileState(), profile };
    }),
  show: (dataDir, target) => {
    requireJournal(dataDir);
    return withProvisioningSync(dataDir, { ...(target.rootKey !== undefined ? { rootKey: target.rootKey } : {}), readOnly: true }, (p, journal) => ({
      state: p.profileState(),
      pairing: p.pairing(),
      profile: p.currentProfile(),
      unsettled: unsettledReasons(journal),
    }));
  },
  accept: (dataDir, target, profile) => {
    requireJournal(dataDir);
    return withProvisioningSync(dataDir, { rootKey: need(target, 'rootKey') }, (p) => {
      const result = p.accept(profile);
      return { changed: result.changed, version: result.profile.version };
    });
  },
  refresh: (dataDir, target) => {
    requireJournal(dataDir);
    return withProvisioning(dataDir, { rootKey: need(target, 'rootKey'), acquirerUrl: need(target, 'acquirerUrl') }, (p) => p.refresh());
  },
  rotateKey: (dataDir, target) => {
    requireJournal(dataDir);
    return withProvisioning(dataDir, target, (p) => p.rotateKey());
  },
  reset: (dataDir, target, release) => {
    requireJournal(dataDir);
    return resetTerminal(dataDir, { ...(target.rootKey !== undefined ? { rootKey: fromHex(target.rootKey, 32) } : {}), ...(release !== undefined ? { release } : {}) });
  },
  decommission: (dataDir, target) => {
    requireJournal(dataDir);
    return decommissionTerminal(dataDir, { rootKey: fromHex(need(target, 'rootKey'), 32), acquirerUrl: need(target, 'acquirerUrl') });
  },
};
