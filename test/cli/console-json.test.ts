import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tailLog } from '../../src/app/service/log-tail.js';
import { redactConfig } from '../../src/app/service/redact.js';
import { TechnicianPin } from '../../src/app/service/technician-pin.js';
import { newKey, startApi, type ApiRig } from '../api/support.js';
import { freePort } from '../support/free-port.js';
import { tempDir } from '../support/tmp.js';

const POSCTL = join(process.cwd(), 'dist/src/bin/posctl.js');
const PIN = '482916';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

/** posctl as a child process (the rig's posd keeps serving meanwhile); stdin closed. */
function posctl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [POSCTL, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        // not JSON: the test says what it expected
      }
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr, json });
    });
    child.stdin?.end();
  });
}

/** posd (its API over the assembled terminal on the twins) as posd.ts starts it, with the console PIN set. */
async function posd(): Promise<ApiRig & { live: (args: string[], env?: Record<string, string>) => Promise<Run> }> {
  const dataDir = tempDir('posd-console-');
  const logFile = join(dataDir, 'posd.log');
  writeFileSync(logFile, '{"msg":"posd running"}\n');
  new TechnicianPin(dataDir).set(PIN);
  const rig = await startApi({
    devices: true,
    dataDir,
    api: {
      technicianPin: (pin) => (new TechnicianPin(dataDir).check(pin), true),
      service: {
        log: (lines) => tailLog(lines, { file: logFile, journalctl: '/nonexistent/journalctl' }),
        config: () => ({ file: null, config: redactConfig({ dataDir, api: { tls: { key: 'k.pem', cert: 'c.pem' } } }) }),
      },
    },
  });
  for (const device of Object.values(rig.terminal.devices)) await device.waitReady(5000);
  const live = (args: string[], env: Record<string, string> = {}) => posctl(['console', ...args, '--json', '--api', rig.url, '--data-dir', dataDir], { POSCTL_PIN: PIN, ...env });
  return { ...rig, live };
}

async function until(check: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('posctl console subcommands with --json, against a running posd on the twins', () => {
  it('health, and the printer test: passed, then failed with paper out', async () => {
    const rig = await posd();
    const health = await rig.live(['health']);
    expect(health.code).toBe(0);
    expect(health.json).toMatchObject({ screen: 'health', mode: 'live', terminal: rig.terminal.id, ok: true });
    expect((health.json.devices as { kind: string }[]).map((d) => d.kind).sort()).toEqual(['gpio', 'nfc', 'printer', 'scanner']);

    const printed = await rig.live(['test', 'printer']);
    expect(printed.code).toBe(0);
    expect(printed.json).toMatchObject({ screen: 'test', test: 'printer', ok: true, code: null });

    rig.sim!.twins.printer!.setFault('paper_out', true);
    await until(() => rig.terminal.deviceHealth().printer?.state === 'failed');
    const failed = await rig.live(['test', 'printer']);
    expect(failed.code).toBe(1);
    expect(failed.json).toMatchObject({ test: 'printer', ok: false, code: 'paper_out' });
    const unhealthy = await rig.live(['health']);
    expect(unhealthy.code).toBe(1);
    expect((unhealthy.json.devices as { kind: string; paper: string }[]).find((d) => d.kind === 'printer')).toMatchObject({ paper: 'out' });
  });

  it('the scan and tap tests wait for the twin, and the acquirer test fails when it is down', async () => {
    const rig = await posd();
    const scanning = rig.live(['test', 'scanner', '--timeout', '10']);
    await until(() => rig.terminal.service.waiting().includes('scanner'));
    await rig.sim!.twins.scanner!.scan('6923450657713');
    expect((await scanning).json).toMatchObject({ test: 'scanner', ok: true, detail: { text: '6923450657713', kind: 'product' } });

    const tapping = rig.live(['test', 'nfc', '--timeout', '10']);
    await until(() => rig.terminal.service.waiting().includes('nfc'));
    rig.sim!.twins.nfc!.enterField(rig.sim!.cards.tag);
    const tapped = await tapping;
    expect(tapped.code).toBe(0);
    expect(tapped.json).toMatchObject({ test: 'nfc', ok: true, detail: { type: 'type2' } });

    expect(await rig.live(['test', 'gpio'])).toMatchObject({ code: 0, json: { test: 'gpio', ok: true } });
    const up = await rig.live(['test', 'acquirer']);
    expect(up).toMatchObject({ code: 0, json: { test: 'acquirer', ok: true } });
    await rig.sim!.acquirer!.close();
    const down = await rig.live(['test', 'acquirer']);
    expect(down.code).toBe(1);
    expect(down.json).toMatchObject({ test: 'acquirer', ok: false, code: 'unreachable' });
  });

  it('queue, settle (refused, then done), export, verify, log and config', async () => {
    const rig = await posd();
    // The acquirer answers every request with a server error: the payment waits in the queue.
    await rig.sim!.acquirer!.setFault({ mode: 'error500' });
    const payment = await rig.call<{ id: string }>('POST', '/v1/payments', { body: { idempotencyKey: newKey(), amount: 800, asset: 'CNY', method: 'cash' } });
    await rig.call('POST', `/v1/payments/${payment.body.id}/cash`, { body: { tendered: 1000 } });

    const queue = await rig.live(['queue']);
    expect(queue.code).toBe(0);
    expect(queue.json).toMatchObject({ screen: 'queue', mode: 'live', ok: true, unsettledCount: 1, unsettled: [{ asset: 'CNY', count: 1, net: 800 }], deadLetters: [], pendingReversals: [] });

    const refused = await rig.live(['settle', '--attempts', '1']);
    expect(refused.code).toBe(1);
    expect(refused.json).toMatchObject({ screen: 'settle', ok: false, code: 'server_error' });
    await rig.sim!.acquirer!.setFault(undefined);
    const settled = await rig.live(['settle']);
    expect(settled.code).toBe(0);
    expect(settled.json).toMatchObject({ screen: 'settle', ok: true, queue: { unsettledCount: 0 } });

    const file = join(tempDir(), 'journal.jsonl');
    const exported = await rig.live(['export', '--out', file]);
    expect(exported.code).toBe(0);
    expect(exported.json).toMatchObject({ screen: 'export', ok: true, file, terminal: rig.terminal.id });
    expect(await rig.live(['verify', file])).toMatchObject({ code: 0, json: { screen: 'verify', ok: true, reason: null } });
    const whole = await rig.live(['verify']);
    expect(whole).toMatchObject({ code: 0, json: { screen: 'verify', ok: true, file: null } });
    expect((whole.json.summary as { records: number }).records).toBe(rig.terminal.status().headSeq + 1);

    expect(await rig.live(['log', '--lines', '5'])).toMatchObject({ code: 0, json: { screen: 'log', lines: ['{"msg":"posd running"}'] } });
    expect(await rig.live(['config'])).toMatchObject({ code: 0, json: { screen: 'config', config: { api: { tls: { key: '[redacted]', cert: 'c.pem' } } } } });
    const reset = await rig.live(['reset']);
    expect(reset.code).toBe(3);
    expect(reset.json).toMatchObject({ screen: 'reset', ok: false, error: { code: 'usage' } });
    expect((reset.json.error as { message: string }).message).toContain('stop posd first');
  });

  it('a wrong PIN fails (exit 1), no PIN and no terminal is a usage error (exit 2)', async () => {
    const rig = await posd();
    const wrong = await rig.live(['queue'], { POSCTL_PIN: '000000' });
    expect(wrong.code).toBe(1);
    expect(wrong.json).toMatchObject({ ok: false, error: { code: 'bad_technician_pin' } });
    expect((wrong.json.error as { message: string }).message).toMatch(/wrong PIN \(4 tries before a lockout\)/);
    const none = await posctl(['console', 'queue', '--json', '--api', rig.url], { POSCTL_PIN: '' });
    expect(none.code).toBe(2);
    expect((none.json.error as { message: string }).message).toContain('set POSCTL_PIN');
  });
});

describe('posctl console subcommands without posd: read-only on the data directory', () => {
  it('says so, answers what the data directory holds, and exits 3 for what needs posd', async () => {
    const rig = await posd();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = (args: string[]) => posctl(['console', ...args, '--json', '--api', closed, '--data-dir', rig.dataDir], {});
    const queue = await run(['queue']);
    expect(queue.code).toBe(0);
    expect(queue.json).toMatchObject({ screen: 'queue', mode: 'read-only', ok: true, pendingReversals: null });
    const health = await run(['health']);
    expect(health.code).toBe(3);
    expect(health.json).toMatchObject({ screen: 'health', mode: 'read-only', ok: false });
    expect((health.json.error as { message: string }).message).toContain('needs posd running');
    const people = await posctl(['console', 'queue', '--api', closed, '--data-dir', rig.dataDir]);
    expect(people.stderr).toContain('read-only: posd is not running at');
    expect(people.stdout).toContain('settlement:');
  });
});
