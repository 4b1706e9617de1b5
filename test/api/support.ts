import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { afterEach, expect } from 'vitest';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../src/api/http/index.js';
import { SHARED_SCHEMAS } from '../../src/api/http/schemas.js';
import { assemble, type AssembleOptions, type PosdConfig, type PosTerminal } from '../../src/app/index.js';
import { toHex } from '../../src/encoding/hex.js';
import type { Payment } from '../../src/payments/payment.js';
import { startSimulatedTerminal, type SimulatedTerminal, type SimulatedTerminalOptions } from '../../hw-sim/terminal/simulated-terminal.js';
import { enrolledDataDir } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiRig {
  url: string;
  api: ApiServer;
  terminal: PosTerminal;
  sim: SimulatedTerminal | undefined;
  dataDir: string;
  token: { register: string; counter: string; technician: string };
  /** One request: JSON body (or raw text), a token (default the register's), extra headers. */
  call<T = Record<string, unknown>>(method: string, path: string, options?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<Answer<T>>;
}

/**
 * posd's local API over an assembled terminal, listening on a free loopback port: with the
 * simulated devices and acquirer (`devices: true`) or with none. A token of each scope is issued
 * on the terminal itself (as the console would); pairing is tested through the API elsewhere.
 * With the simulator the terminal's key is enrolled at its acquirer and its wallet issuers trusted;
 * `provisioning: true` configures provisioning against it (the terminal starts unprovisioned).
 */
export async function startApi(
  options: { devices?: boolean; api?: Partial<ApiServerOptions>; assemble?: AssembleOptions; dataDir?: string; sim?: SimulatedTerminalOptions; config?: Partial<PosdConfig>; provisioning?: boolean } = {},
): Promise<ApiRig> {
  let sim: SimulatedTerminal | undefined;
  if (options.devices) {
    sim = await startSimulatedTerminal({ scanner: { mode: 'serial' }, ...options.sim });
    running.push({ stop: () => sim!.close() });
  }
  // With the simulator: the terminal's key enrolled at its acquirer (it settles) and its wallet issuers trusted.
  const dataDir = sim?.acquirer ? enrolledDataDir(sim.acquirer, options.dataDir ?? tempDir('posd-api-')) : (options.dataDir ?? tempDir('posd-api-'));
  const config: PosdConfig = {
    dataDir,
    merchant: { name: 'Test shop', city: 'Hangzhou' },
    devices: sim ? sim.devices : {},
    ...(sim?.acquirer ? { acquirer: { url: sim.acquirer.url, publicKey: toHex(sim.acquirer.publicKey) } } : {}),
    ...(sim ? { payments: { issuerKeys: sim.issuerKeys } } : {}),
    // Provisioning with the simulator as the acquirer: the terminal starts unprovisioned.
    ...(options.provisioning && sim?.acquirer ? { provisioning: { acquirerRootKey: toHex(sim.acquirer.publicKey), acquirerUrl: sim.acquirer.url } } : {}),
    ...options.config,
  };
  const terminal = await assemble(config, { ...(sim ? { env: sim.env } : {}), ...options.assemble });
  running.push(terminal);
  const api = await createApiServer(terminal, { dataDir, port: 0, ...options.api });
  running.push({ stop: () => api.close() });
  const url = await api.listen();
  const token = {
    register: api.tokens.issue('register', 'test register').token,
    counter: api.tokens.issue('counter', 'test counter').token,
    technician: api.tokens.issue('technician', 'test technician').token,
  };
  const call: ApiRig['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    const bearer = o.token === undefined ? token.register : o.token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: left as text for the test to see
    }
    return { status: res.status, headers: res.headers, body: parsed as never };
  };
  return { url, api, terminal, sim, dataDir, token, call };
}

/** Fails unless `value` follows `schema` (with the API's shared schemas for $ref). */
export function expectSchema(schema: TSchema, value: unknown): void {
  const errors = [...Value.Errors(schema, [...SHARED_SCHEMAS], value)].slice(0, 3).map((e) => `${e.path}: ${e.message}`);
  expect(errors, JSON.stringify(value).slice(0, 400)).toEqual([]);
}

/** The error answer's code (and that it is the one envelope). */
export function errorCode(answer: Answer): string {
  const error = (answer.body as { error?: { code?: unknown; message?: { en?: unknown; zh?: unknown }; retryable?: unknown } }).error;
  expect(error, `an error answer: ${JSON.stringify(answer.body).slice(0, 300)}`).toBeDefined();
  expect(typeof error!.message?.en).toBe('string');
  expect(typeof error!.message?.zh).toBe('string');
  expect(typeof error!.retryable).toBe('boolean');
  return String(error!.code);
}

let keys = 0;
/** A fresh idempotency key. */
export function newKey(): string {
  return `test-${process.pid}-${Date.now().toString(36)}-${keys++}`;
}

/** Long-polls GET /v1/payments/{id} until the payment is final (as a register would). */
export async function untilFinal(rig: ApiRig, id: string): Promise<Payment & { final: boolean }> {
  let version = 0;
  for (let i = 0; i < 50; i++) {
    const answer = await rig.call<Payment & { final: boolean }>('GET', `/v1/payments/${id}?wait=10000&version=${version}`);
    if (answer.body.final) return answer.body;
    version = answer.body.version;
  }
  throw new Error(`payment ${id} not final`);
}
