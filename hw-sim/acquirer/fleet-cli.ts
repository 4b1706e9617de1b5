import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FLEET_ROUTES } from './fleet-routes.js';

/**
 * `hw-sim acquirer <subcommand>`: the acquirer's fleet operations against a running simulator's
 * control port (`--control URL --token T`, or HW_SIM_CONTROL and HW_SIM_TOKEN: what the
 * simulator printed when it started). Answers are printed as JSON.
 */

interface Connection {
  control?: string;
  token?: string;
}

async function call(c: Connection, method: 'GET' | 'POST' | 'PUT', route: string, body?: unknown): Promise<unknown> {
  const control = c.control ?? process.env.HW_SIM_CONTROL;
  const token = c.token ?? process.env.HW_SIM_TOKEN;
  if (!control || !token) throw new Error('give --control URL and --token TOKEN (or HW_SIM_CONTROL and HW_SIM_TOKEN), as the simulator printed them');
  const res = await fetch(new URL(route, control), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) {
    const e = json as { error?: string; message?: string };
    throw new Error(`HTTP ${res.status} ${e.error ?? ''}: ${e.message ?? ''}`);
  }
  return json;
}

const path = (route: string, terminal: string): string => route.replace(':terminal', encodeURIComponent(terminal));

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    process.stderr.write(`hw-sim acquirer: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

function readSettings(file: string | undefined): Record<string, unknown> {
  if (file === undefined) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Merchant assignment flags of issue-code and set-profile, merged into `--settings FILE` (changes as in docs/provisioning.md). */
function assignment(o: { settings?: string; tid?: string; mid?: string; name?: string; nameZh?: string; city?: string; address?: string; mcc?: string; offline?: string; validityMs?: string }): Record<string, unknown> {
  const changes = readSettings(o.settings);
  const merchant = { ...(changes.merchant as Record<string, unknown> | undefined) };
  if (o.mid !== undefined) merchant.id = o.mid;
  if (o.name !== undefined) merchant.name = o.name;
  if (o.nameZh !== undefined) merchant.nameZh = o.nameZh;
  if (o.city !== undefined) merchant.city = o.city;
  if (o.address !== undefined) merchant.address = o.address;
  if (o.mcc !== undefined) merchant.mcc = o.mcc;
  return {
    ...changes,
    ...(Object.keys(merchant).length > 0 ? { merchant } : {}),
    ...(o.tid !== undefined ? { tid: o.tid } : {}),
    ...(o.offline !== undefined ? { offline: { ...(changes.offline as Record<string, unknown> | undefined), enabled: o.offline === 'on' } } : {}),
    ...(o.validityMs !== undefined ? { validityMs: Number(o.validityMs) } : {}),
  };
}

export function registerFleetCommands(acquirer: Command): void {
  const connected = (command: Command): Command =>
    command.option('--control <url>', "the simulator's control URL (or HW_SIM_CONTROL)").option('--token <token>', "the operator's token (or HW_SIM_TOKEN)");
  const assigned = (command: Command): Command =>
    command
      .option('--settings <file>', 'profile settings to change, as JSON (merchant, assets, offline, codeTable, timings, settlement, receipts, onExpiry, validityMs)')
      .option('--tid <tid>', 'terminal id, 8 characters')
      .option('--mid <mid>', 'merchant id, 15 characters')
      .option('--name <name>', 'merchant name (EMV tag 59, at most 25)')
      .option('--name-zh <name>', 'merchant name in Chinese')
      .option('--city <city>', 'merchant city (at most 15)')
      .option('--address <address>', 'merchant address')
      .option('--mcc <mcc>', 'merchant category code, 4 digits')
      .option('--offline <on|off>', 'offline payments allowed')
      .option('--validity-ms <ms>', 'how long each profile version is valid');

  assigned(connected(acquirer.command('issue-code').description('issue a one-time enrolment code carrying the merchant assignment')))
    .option('--pairing <code>', 'only the terminal showing this pairing code may use it')
    .option('--ttl-ms <ms>', 'valid for this long (default one hour)')
    .action((o: Connection & Parameters<typeof assignment>[0] & { pairing?: string; ttlMs?: string }) =>
      run(async () =>
        print(await call(o, 'POST', FLEET_ROUTES.codes, { changes: assignment(o), ...(o.pairing ? { pairing: o.pairing } : {}), ...(o.ttlMs ? { ttlMs: Number(o.ttlMs) } : {}) })),
      ),
    );
  assigned(connected(acquirer.command('enrol').description('enrol a terminal key known from elsewhere (a factory manifest), without a pairing code')))
    .requiredOption('--public-key <hex>', "the terminal's genesis public key")
    .action((o: Connection & Parameters<typeof assignment>[0] & { publicKey: string }) => run(async () => print(await call(o, 'POST', FLEET_ROUTES.enrolments, { publicKey: o.publicKey, changes: assignment(o) }))));
  connected(acquirer.command('terminals').description('the enrolled terminals: state, tid, mid, key, profile version, last settlement, dead letters')).action((o: Connection) =>
    run(async () => print(await call(o, 'GET', FLEET_ROUTES.terminals))),
  );
  connected(acquirer.command('batches').description("a terminal's uploads and closes, newest first"))
    .requiredOption('--terminal <id>', 'terminal id')
    .option('--limit <n>', 'at most this many', '100')
    .action((o: Connection & { terminal: string; limit: string }) => run(async () => print(await call(o, 'GET', `${path(FLEET_ROUTES.batches, o.terminal)}?limit=${encodeURIComponent(o.limit)}`))));
  connected(acquirer.command('dead-letters').description("a terminal's records the acquirer refused, with the reasons"))
    .requiredOption('--terminal <id>', 'terminal id')
    .option('--limit <n>', 'at most this many', '100')
    .action((o: Connection & { terminal: string; limit: string }) => run(async () => print(await call(o, 'GET', `${path(FLEET_ROUTES.deadLetters, o.terminal)}?limit=${encodeURIComponent(o.limit)}`))));
  assigned(connected(acquirer.command('set-profile').description("change a terminal's settings (limits, assets, merchant data); issues the next profile version")))
    .requiredOption('--terminal <id>', 'terminal id')
    .action((o: Connection & Parameters<typeof assignment>[0] & { terminal: string }) => run(async () => print(await call(o, 'PUT', path(FLEET_ROUTES.profile, o.terminal), { changes: assignment(o) }))));
  connected(acquirer.command('endorse').description('endorse the key the terminal signs with now, in a new profile version'))
    .requiredOption('--terminal <id>', 'terminal id')
    .action((o: Connection & { terminal: string }) => run(async () => print(await call(o, 'POST', path(FLEET_ROUTES.endorse, o.terminal), {}))));
  connected(acquirer.command('revoke').description("revoke one of a terminal's keys: records it signs after the highest held seq are refused"))
    .requiredOption('--terminal <id>', 'terminal id')
    .requiredOption('--key <keyId>', 'key id')
    .action((o: Connection & { terminal: string; key: string }) => run(async () => print(await call(o, 'POST', path(FLEET_ROUTES.revoke, o.terminal), { keyId: o.key }))));
  connected(acquirer.command('release').description('sign a release for a forced reset of one terminal (which leaves service)'))
    .requiredOption('--terminal <id>', 'terminal id')
    .option('--reason <text>', 'why')
    .option('--ttl-ms <ms>', 'valid for this long (default one hour, at most seven days)')
    .option('--out <file>', 'write the release here (default: print it)')
    .action((o: Connection & { terminal: string; reason?: string; ttlMs?: string; out?: string }) =>
      run(async () => {
        const answer = (await call(o, 'POST', path(FLEET_ROUTES.release, o.terminal), { ...(o.reason ? { reason: o.reason } : {}), ...(o.ttlMs ? { ttlMs: Number(o.ttlMs) } : {}) })) as { release: unknown };
        if (o.out) writeFileSync(o.out, `${JSON.stringify(answer.release)}\n`);
        else print(answer.release);
      }),
    );
}
