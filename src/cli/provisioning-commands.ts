import { readFileSync } from 'node:fs';
import type { ProvisioningTools, TargetOptions } from '../app/provisioning-tools.js';
import type { ProfileState } from '../provisioning/provisioning.js';
import type { TerminalProfile } from '../protocol/profile.js';
import { formatMoney } from '../protocol/assets.js';
import { CliError, EXIT, unreadable } from './exit.js';

/**
 * posctl's provisioning commands (docs/provisioning.md): provision, profile show/apply/fetch,
 * rotate-key, reset, decommission. They run while posd is stopped (one writer to the journal).
 */

type Out = (line: string) => void;

export interface TargetFlags {
  config?: string;
  rootKey?: string;
  acquirer?: string;
}

function targetOf(tools: ProvisioningTools, flags: TargetFlags): ReturnType<ProvisioningTools['target']> {
  if (flags.rootKey !== undefined && !/^[0-9a-f]{64}$/.test(flags.rootKey)) throw new CliError('--root-key must be 64 lower-case hex digits (the acquirer\'s Ed25519 public key)');
  if (flags.acquirer !== undefined && !/^https?:\/\/[^/\s]+/.test(flags.acquirer)) throw new CliError(`--acquirer must be the acquirer's http(s) URL (got ${JSON.stringify(flags.acquirer)})`);
  const options: TargetOptions = {
    ...(flags.config !== undefined ? { configFile: flags.config } : {}),
    ...(flags.rootKey !== undefined ? { rootKey: flags.rootKey } : {}),
    ...(flags.acquirer !== undefined ? { acquirerUrl: flags.acquirer } : {}),
  };
  return tools.target(options);
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw unreadable(file, err, `${what} file`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`${what} ${file} is not JSON`);
  }
}

export function describeState(state: ProfileState, profile: TerminalProfile | undefined, out: Out): void {
  if (state.state === 'unprovisioned') {
    out(`  UNPROVISIONED: ${state.reason}`);
    out(`  pairing code ${state.pairing.code.slice(0, 4)} ${state.pairing.code.slice(4)}, key fingerprint ${state.pairing.fingerprint}`);
    out('  no payments are taken until the acquirer enrols this terminal');
    return;
  }
  const until = new Date(state.expiresAt).toISOString();
  out(`  profile version ${state.version}: ${state.state === 'active' ? `in force until ${until}` : `EXPIRED at ${until} (offline payments stopped)`}`);
  if (profile) {
    const m = profile.merchant;
    out(`  tid ${profile.tid} at merchant ${m.id}: ${m.name}${m.nameZh ? ` ${m.nameZh}` : ''}, ${m.city} (MCC ${m.mcc})`);
    out(`  assets: ${profile.assets.map((a) => `${a.code} (${a.methods.join(', ')})`).join('; ')}`);
    const limits = Object.entries(profile.offline.perPayment).map(([asset, n]) => `${formatMoney(n, asset)} each, ${formatMoney(profile.offline.cumulative[asset] ?? 0, asset)} in all`);
    out(`  offline: ${profile.offline.enabled ? `on, ${limits.join('; ')}, at most ${profile.offline.maxCount} payments, ${Math.round(profile.offline.maxAgeMs / 3_600_000)} h` : 'off'}`);
    out(`  key ${profile.endorsement.keyId} endorsed by the acquirer (serial ${profile.endorsement.serial})${state.endorsementPending ? '; the terminal has rotated since: endorsement of the new key PENDING' : ''}`);
  }
}

export async function provisionCommand(tools: ProvisioningTools, o: TargetFlags & { dataDir: string; code: string }, out: Out): Promise<number> {
  const { state, profile } = await tools.provision(o.dataDir, targetOf(tools, o), o.code);
  out(`provisioned: terminal ${profile.terminal} is tid ${profile.tid} of merchant ${profile.merchant.id}`);
  describeState(state, profile, out);
  return EXIT.ok;
}

export function profileShowCommand(tools: ProvisioningTools, o: TargetFlags & { dataDir: string; json?: boolean }, out: Out): number {
  const shown = tools.show(o.dataDir, targetOf(tools, o));
  if (o.json) {
    out(JSON.stringify({ state: shown.state, pairing: shown.pairing, profile: shown.profile ?? null, resettable: shown.unsettled.length === 0, unsettled: shown.unsettled }));
    return EXIT.ok;
  }
  out(`terminal ${shown.pairing.terminal}, signing with key ${shown.pairing.keyId}`);
  if (o.rootKey === undefined && o.config === undefined) out('  (no root key given: the profile on disk cannot be checked, so it counts as none; give --config or --root-key)');
  describeState(shown.state, shown.profile, out);
  out(shown.unsettled.length === 0 ? '  nothing unsettled: a reset would be allowed' : `  a reset is refused now: ${shown.unsettled.join('; ')}`);
  return EXIT.ok;
}

export function profileApplyCommand(tools: ProvisioningTools, file: string, o: TargetFlags & { dataDir: string }, out: Out): number {
  const value = readJson(file, 'profile');
  const profile = typeof value === 'object' && value !== null && 'profile' in value ? (value as { profile: unknown }).profile : value;
  const result = tools.accept(o.dataDir, targetOf(tools, o), profile);
  out(result.changed ? `profile version ${result.version} accepted and journaled` : `profile version ${result.version} is the one held: nothing changed`);
  return EXIT.ok;
}

export async function profileFetchCommand(tools: ProvisioningTools, o: TargetFlags & { dataDir: string }, out: Out): Promise<number> {
  const result = await tools.refresh(o.dataDir, targetOf(tools, o));
  out(result.changed ? `profile version ${result.version} accepted and journaled` : `profile version ${result.version} is the newest: nothing changed`);
  return EXIT.ok;
}

export async function rotateKeyCommand(tools: ProvisioningTools, o: TargetFlags & { dataDir: string }, out: Out): Promise<number> {
  const rotated = await tools.rotateKey(o.dataDir, targetOf(tools, o));
  out(`key rotated at seq ${rotated.seq}: the terminal now signs with key ${rotated.keyId}; records and receipts made before still verify with the old key`);
  out(rotated.endorsed ? '  the acquirer endorsed the new key' : `  endorsement of the new key pending (${rotated.pendingReason ?? 'asked at the next settlement'})`);
  return EXIT.ok;
}

export function resetCommand(tools: ProvisioningTools, o: TargetFlags & { dataDir: string; force?: boolean; release?: string }, out: Out): number {
  if (Boolean(o.force) !== (o.release !== undefined)) throw new CliError('--force and --release FILE go together: a forced reset needs a release signed by the acquirer');
  const release = o.release !== undefined ? readJson(o.release, 'release') : undefined;
  const unwrapped = typeof release === 'object' && release !== null && 'release' in release ? (release as { release: unknown }).release : release;
  const result = tools.reset(o.dataDir, targetOf(tools, o), unwrapped);
  out(`reset: terminal ${result.terminal}'s journal moved to ${result.retiredTo}; its keys wiped; its profile removed`);
  if (result.forced) out(`  forced with the acquirer's release, although: ${result.unsettled.join('; ')}`);
  out('  the next start makes a new key (a new terminal id) and shows a new pairing code');
  return EXIT.ok;
}

export async function decommissionCommand(tools: ProvisioningTools, o: TargetFlags & { dataDir: string }, out: Out): Promise<number> {
  const result = await tools.decommission(o.dataDir, targetOf(tools, o));
  out(`decommissioned: the acquirer took terminal ${result.terminal} out of service (release serial ${result.release.serial})`);
  out(`  journal moved to ${result.retiredTo}; keys wiped; profile removed`);
  return EXIT.ok;
}
