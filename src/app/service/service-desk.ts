import { SETTLEMENT_ROUTES } from '../../protocol/settlement-routes.js';
import { performance } from 'node:perf_hooks';
import type { DeviceHealth, DeviceKind } from '../../drivers/device.js';
import type { CounterGpio, StatusLight } from '../../drivers/gpio/index.js';
import type { LightMode } from '../../drivers/gpio/status-lights.js';
import { isType2Tag, type NfcCard } from '../../drivers/nfc/card.js';
import type { NfcReader } from '../../drivers/nfc/nfc-reader.js';
import type { EscPosPrinter } from '../../drivers/printer/index.js';
import type { Scanner, ScanEvent } from '../../drivers/scanner/scanner.js';
import type { DeviceTypes } from '../../drivers/registry.js';
import type { Receipt } from '../../drivers/escpos/receipt.js';
import type { Payment } from '../../payments/payment.js';
import type { Journal } from '../../terminal/ledger/journal.js';
import type { SettlementStatus } from '../../settlement/drainer.js';
import type { DrawerService } from '../drawer.js';
import { InputHoldError, type InputHold } from './input-hold.js';

export type SelfTestName = 'printer' | 'scanner' | 'nfc' | 'gpio' | 'acquirer';

/** One self-test's outcome: ran and passed, or ran and failed with a code and a reason a technician can act on. */
export interface SelfTestResult {
  test: SelfTestName;
  ok: boolean;
  /** Null when ok; otherwise a stable code: not_configured, not_ready, paper_out, timeout, unreachable, failed. */
  code: string | null;
  reason: string | null;
  /** How long the test took. */
  ms: number;
  detail: Record<string, unknown>;
}

/** A device as the technician reads it: the health model plus the facts that matter at the counter. */
export interface DeviceReport {
  kind: DeviceKind;
  uri: string;
  state: DeviceHealth['state'];
  reason: string | null;
  since: number;
  link: string | null;
  firmware: string | null;
  /** Printers: ok, near_end or out (null before the printer first answered, and for other devices). */
  paper: 'ok' | 'near_end' | 'out' | null;
}

export interface PendingReversal {
  id: string;
  amount: number | null;
  asset: string | null;
  method: string | null;
  createdAt: number;
}

/** The settlement queue: what is owed to the acquirer, what it refused, what waits to be reversed. */
export interface QueueReport {
  state: SettlementStatus['state'] | 'no_acquirer';
  unsettledCount: number;
  unsettled: { asset: string; count: number; net: number }[];
  oldest: { seq: number; ageMs: number } | null;
  pendingUpload: number;
  settledThrough: number;
  lastError: { code: string; message: string; at: number } | null;
  deadLetters: { seq: number; reason: string }[];
  pendingReversals: PendingReversal[];
}

/** The technician's tools on a running terminal (posctl console through the local API). */
export interface ServiceDesk {
  devices(): DeviceReport[];
  queue(): QueueReport;
  printTestPage(timeoutMs: number): Promise<SelfTestResult>;
  /** Waits for one scan (which does not reach the sale) and shows it. */
  scanTest(timeoutMs: number): Promise<SelfTestResult>;
  /** Waits for one card in the field (which does not pay) and shows its UID and type. */
  nfcTest(timeoutMs: number): Promise<SelfTestResult>;
  /** Each status light, the buzzer, the drawer. */
  gpioTest(): Promise<SelfTestResult>;
  /** An HTTP round trip to the acquirer's base URL. */
  acquirerTest(timeoutMs: number): Promise<SelfTestResult>;
  /** The inputs a scan or tap test is waiting on now. */
  waiting(): ('scanner' | 'nfc')[];
}

export interface ServiceDeskParts {
  devices: Partial<DeviceTypes>;
  journal: Journal;
  hold: InputHold;
  drawer: DrawerService;
  settlement: () => SettlementStatus | null;
  acquirerUrl: string | undefined;
  /** The acquirer key posd verifies acknowledgements with (hex); the connectivity test checks the acquirer answers with it. */
  acquirerPublicKey?: string | undefined;
  /** The payment in progress, if any: the scan and tap tests refuse to take the inputs from it. */
  currentPayment: () => Payment | undefined;
  /** What a scanned text is (product, payment code, ...), by the terminal's code tables. */
  classify: (text: string, symbology: string | undefined) => string;
  /** How long each light stays lit in the GPIO test (default 300 ms). */
  lightMs?: number;
}

const MAX_SCAN_SHOWN = 200;

export function serviceDesk(parts: ServiceDeskParts): ServiceDesk {
  const { devices, journal, hold } = parts;
  const result = (test: SelfTestName, started: number, outcome: { ok: boolean; code?: string; reason?: string; detail?: Record<string, unknown> }): SelfTestResult => ({
    test,
    ok: outcome.ok,
    code: outcome.ok ? null : (outcome.code ?? 'failed'),
    reason: outcome.ok ? null : (outcome.reason ?? 'failed'),
    ms: Math.round(performance.now() - started),
    detail: outcome.detail ?? {},
  });
  const missing = (test: SelfTestName, started: number, what: string): SelfTestResult => result(test, started, { ok: false, code: 'not_configured', reason: `this terminal has no ${what} configured` });
  const takeFromSale = (input: 'scanner' | 'nfc'): (() => void) => {
    const active = parts.currentPayment();
    if (active) throw new InputHoldError('busy', `payment ${active.id} is in progress (${active.state}): test the ${input} when the counter is idle`);
    return hold.take(input);
  };

  return {
    devices: () => (Object.entries(devices) as [DeviceKind, DeviceTypes[DeviceKind]][]).map(([kind, device]) => deviceReport(kind, device)),

    queue: () => queueReport(journal, parts.settlement()),

    waiting: () => hold.list(),

    async printTestPage(timeoutMs) {
      const started = performance.now();
      const printer = devices.printer;
      if (!printer) return missing('printer', started, 'printer');
      const before = deviceReport('printer', printer);
      if (before.state === 'failed' || before.state === 'connecting' || before.state === 'stopped') {
        return result('printer', started, { ok: false, code: before.paper === 'out' ? 'paper_out' : 'not_ready', reason: before.reason ?? `the printer is ${before.state}`, detail: { health: before } });
      }
      const job = printer.print(testPage(printer, new Date()));
      const printed = await within(job.done.then(() => true), timeoutMs);
      const after = deviceReport('printer', printer);
      if (!printed) {
        return result('printer', started, { ok: false, code: after.paper === 'out' ? 'paper_out' : 'timeout', reason: `not printed within ${timeoutMs} ms${after.reason ? `: ${after.reason}` : ''}`, detail: { health: after, job: job.id } });
      }
      return result('printer', started, { ok: true, detail: { job: job.id, health: after } });
    },

    async scanTest(timeoutMs) {
      const started = performance.now();
      const scanner = devices.scanner;
      if (!scanner) return missing('scanner', started, 'scanner');
      const release = takeFromSale('scanner');
      try {
        const scan = await within(nextEvent<ScanEvent>(scanner, 'scan'), timeoutMs);
        if (!scan) return result('scanner', started, { ok: false, code: 'timeout', reason: `nothing scanned within ${Math.round(timeoutMs / 1000)} s${scannerNote(scanner)}` });
        const kind = parts.classify(scan.text, scan.symbology);
        return result('scanner', started, { ok: true, detail: { text: scan.text.slice(0, MAX_SCAN_SHOWN), length: scan.text.length, symbology: scan.symbology ?? null, source: scan.source, kind } });
      } finally {
        release();
      }
    },

    async nfcTest(timeoutMs) {
      const started = performance.now();
      const nfc = devices.nfc;
      if (!nfc) return missing('nfc', started, 'NFC reader');
      const release = takeFromSale('nfc');
      try {
        const present = nfc.card;
        const card = present ?? (await within(nextEvent<NfcCard>(nfc, 'card'), timeoutMs));
        if (!card) return result('nfc', started, { ok: false, code: 'timeout', reason: `no card within ${Math.round(timeoutMs / 1000)} s${readerNote(nfc)}` });
        return result('nfc', started, { ok: true, detail: cardView(card) });
      } finally {
        release();
      }
    },

    async gpioTest() {
      const started = performance.now();
      const gpio = devices.gpio;
      if (!gpio) return missing('gpio', started, 'GPIO board');
      const health = gpio.health();
      if (health.state !== 'ready' && health.state !== 'degraded') return result('gpio', started, { ok: false, code: 'not_ready', reason: health.reason ?? `the GPIO board is ${health.state}` });
      const lights: Record<string, string> = {};
      for (const light of gpio.features.lights) lights[light] = await flash(gpio, light, parts.lightMs ?? 300);
      const buzzer = gpio.features.buzzer ? await gpio.beep('approved') : 'unwired';
      let drawer: string;
      try {
        drawer = await parts.drawer.open('self-test');
      } catch (err) {
        drawer = `failed: ${(err as Error).message}`;
      }
      const failed = ([...Object.entries(lights), ['buzzer', buzzer], ['drawer', drawer]] as [string, string][]).filter(([, outcome]) => outcome.startsWith('failed'));
      const detail = { lights, buzzer, drawer, drawerState: gpio.features.drawerSwitch ? gpio.drawer : null };
      if (failed.length > 0) return result('gpio', started, { ok: false, code: 'failed', reason: failed.map(([what, outcome]) => `${what} ${outcome}`).join('; '), detail });
      return result('gpio', started, { ok: true, detail });
    },

    async acquirerTest(timeoutMs) {
      const started = performance.now();
      const url = parts.acquirerUrl;
      if (!url) return missing('acquirer', started, 'acquirer');
      // The acquirer's own key route (docs/settlement-protocol.md): reachable, and the acquirer whose key posd trusts.
      const probe = new URL(SETTLEMENT_ROUTES.acquirer, url).href;
      try {
        const answer = await fetch(probe, { method: 'GET', signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
        const body = await answer.text().catch(() => '');
        const latencyMs = Math.round(performance.now() - started);
        const detail = { url, latencyMs, status: answer.status };
        if (answer.status >= 500) return result('acquirer', started, { ok: false, code: 'server_error', reason: `${probe} answered HTTP ${answer.status}`, detail });
        if (answer.status !== 200) return result('acquirer', started, { ok: false, code: 'failed', reason: `${probe} answered HTTP ${answer.status}: not an acquirer posd can settle with (check acquirer.url)`, detail });
        const publicKey = acquirerKeyIn(body);
        if (parts.acquirerPublicKey && publicKey !== parts.acquirerPublicKey) {
          return result('acquirer', started, { ok: false, code: 'failed', reason: `${url} answers as acquirer key ${publicKey ?? '(none)'}, not the configured ${parts.acquirerPublicKey}: wrong acquirer or key`, detail });
        }
        return result('acquirer', started, { ok: true, detail });
      } catch (err) {
        const timedOut = (err as Error).name === 'TimeoutError';
        const cause = ((err as { cause?: { code?: string; message?: string } }).cause?.code ?? (err as Error).message) || 'no answer';
        return result('acquirer', started, {
          ok: false,
          code: timedOut ? 'timeout' : 'unreachable',
          reason: timedOut ? `${url} did not answer within ${timeoutMs} ms` : `${url} cannot be reached (${cause})`,
          detail: { url },
        });
      }
    },
  };
}

function deviceReport(kind: DeviceKind, device: { uri: string; health(): DeviceHealth }): DeviceReport {
  const health = device.health();
  const detail = health.detail as Record<string, unknown>;
  const firmware = detail.firmware as { ic?: number; version?: number; revision?: number } | null | undefined;
  const conditions = (detail.conditions ?? null) as { paperOut?: boolean; paperNearEnd?: boolean } | null;
  return {
    kind,
    uri: device.uri,
    state: health.state,
    reason: health.reason,
    since: health.since,
    link: typeof detail.link === 'string' ? detail.link : null,
    firmware: firmware && typeof firmware === 'object' ? `PN5${hex(firmware.ic)} v${firmware.version ?? '?'}.${firmware.revision ?? '?'}` : kind === 'printer' && typeof detail.profile === 'string' ? `profile ${detail.profile}` : null,
    paper: kind !== 'printer' || !conditions ? null : conditions.paperOut ? 'out' : conditions.paperNearEnd ? 'near_end' : 'ok',
  };
}

const hex = (n: number | undefined): string => (n === undefined ? '??' : n.toString(16).padStart(2, '0'));

function queueReport(journal: Journal, status: SettlementStatus | null): QueueReport {
  const counters = status?.counters ?? null;
  const pendingReversals = (journal.payments?.active() ?? [])
    .filter((row) => row.state === 'reversing')
    .map((row) => {
      const snapshot = parseSnapshot(row.snapshot);
      return { id: row.id, amount: snapshot.amount ?? null, asset: snapshot.asset ?? null, method: snapshot.method ?? null, createdAt: row.createdAt };
    });
  return {
    state: status?.state ?? 'no_acquirer',
    unsettledCount: counters?.unsettledCount ?? 0,
    unsettled: Object.entries(counters?.unsettled ?? {}).map(([asset, b]) => ({ asset, count: b.count, net: b.net })),
    oldest: counters && counters.oldestUnsettledSeq !== null && counters.oldestUnsettledAgeMs !== null ? { seq: counters.oldestUnsettledSeq, ageMs: counters.oldestUnsettledAgeMs } : null,
    pendingUpload: counters?.pendingUpload ?? 0,
    settledThrough: counters?.settledThrough ?? journal.settlement?.settledThrough ?? -1,
    lastError: status?.lastError ?? null,
    deadLetters: journal.settlement?.deadLetters() ?? [],
    pendingReversals,
  };
}

function parseSnapshot(text: string): { amount?: number; asset?: string; method?: string } {
  try {
    return JSON.parse(text) as { amount?: number; asset?: string; method?: string };
  } catch {
    return {};
  }
}

function cardView(card: NfcCard): Record<string, unknown> {
  return {
    uid: card.uidHex,
    type: card.isoDep ? 'iso-dep' : isType2Tag(card) ? 'type2' : 'other',
    atqa: Buffer.from(card.atqa).toString('hex'),
    sak: card.sak,
    randomUid: card.randomUid,
  };
}

function scannerNote(scanner: Scanner): string {
  const health = scanner.health();
  return health.state === 'ready' ? '' : ` (the scanner is ${health.state}${health.reason ? `: ${health.reason}` : ''})`;
}

function readerNote(nfc: NfcReader): string {
  const health = nfc.health();
  return health.state === 'ready' ? '' : ` (the reader is ${health.state}${health.reason ? `: ${health.reason}` : ''})`;
}

/** Lights one status light for a moment, then puts back what it showed. */
async function flash(gpio: CounterGpio, light: StatusLight, ms: number): Promise<string> {
  let before: LightMode;
  try {
    before = gpio.lightMode(light);
    gpio.setLight(light, 'on');
    await new Promise((resolve) => setTimeout(resolve, ms));
    gpio.setLight(light, before);
    return 'lit';
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

/** A promise of the next event, and a way to stop listening. */
function nextEvent<T>(emitter: { once(event: string, listener: (value: T) => void): unknown; off(event: string, listener: (value: T) => void): unknown }, event: string): Promise<T> & { cancel(): void } {
  let listener: ((value: T) => void) | undefined;
  const promise = new Promise<T>((resolve) => {
    listener = resolve;
    emitter.once(event, resolve);
  }) as Promise<T> & { cancel(): void };
  promise.cancel = () => listener && emitter.off(event, listener);
  return promise;
}

/** The value, or undefined when it did not come within ms. */
async function within<T>(promise: Promise<T> & { cancel?(): void }, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
    promise.cancel?.();
  }
}

/** A short page that shows the printer prints text, both languages, a barcode and cuts. */
function testPage(printer: EscPosPrinter, at: Date): Receipt {
  const chinese = printer.profile.chineseCommands;
  return {
    blocks: [
      { kind: 'text', text: 'TEST PAGE', align: 'center', bold: true, height: 2 },
      ...(chinese ? [{ kind: 'text' as const, text: '打印测试页', align: 'center' as const }] : []),
      { kind: 'separator' },
      { kind: 'row', left: 'printer', right: printer.profile.id },
      { kind: 'row', left: 'time', right: at.toISOString().slice(0, 19).replace('T', ' ') },
      { kind: 'text', text: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789' },
      { kind: 'separator' },
    ],
  };
}

/** The `publicKey` of the acquirer route's JSON answer, or undefined. */
function acquirerKeyIn(body: string): string | undefined {
  try {
    const value = JSON.parse(body) as { publicKey?: unknown };
    return typeof value.publicKey === 'string' ? value.publicKey : undefined;
  } catch {
    return undefined;
  }
}
