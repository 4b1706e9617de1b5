import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/api/http/index.js';
import { defaultUiDir } from '../../src/api/http/static-ui.js';
import { assemble, type PosdConfig, type PosTerminal } from '../../src/app/index.js';
import { withPaymentsConfig } from '../../src/app/config/payments.js';
import { toHex } from '../../src/encoding/hex.js';
import type { PaymentTimings } from '../../src/payments/policy.js';
import { DEMO_PRODUCTS } from '../../hw-sim/demo/shelf.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { enrolledDataDir } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';
import { fastPolicy, SLOW_ANSWER_MS } from '../payments/online/rig.js';

export { wechatCode } from '../payments/online/rig.js';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!().catch(() => undefined);
});

export const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');
/** The Pi's 7" panel. */
export const VIEWPORT = { width: 800, height: 480 };
/** Waits for the page: generous (a busy 2-core machine), never a fixed sleep. */
export const WAIT_MS = 15_000;

export const WATER = DEMO_PRODUCTS[0]!;
export const NOODLES = DEMO_PRODUCTS[2]!;

export interface CounterRig {
  url: string;
  api: ApiServer;
  pos: PosTerminal;
  sim: SimulatedTerminal;
  counterToken: string;
  /** The page the kiosk opens: the address with the counter ticket. */
  ticketUrl(): string;
  scan(text: string): Promise<void>;
  /** An API call with a counter token issued on the terminal (to set the scene, never to check the screen). */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
}

/**
 * posd as it runs on a counter: the terminal assembled over every device twin (printer, scanner,
 * NFC, GPIO) and the acquirer simulator, enrolled there, with the local API serving the built
 * counter screen (dist/ui).
 */
export async function counterRig(options: { provisioning?: boolean; timings?: Partial<PaymentTimings>; slowAnswerMs?: number } = {}): Promise<CounterRig> {
  if (!existsSync(join(defaultUiDir(), 'index.html'))) throw new Error('the counter screen is not built: run npm run build (it builds web/ into dist/ui)');
  const sim = await startSimulatedTerminal({ scanner: { mode: 'serial' }, acquirer: { slowAnswerMs: options.slowAnswerMs ?? SLOW_ANSWER_MS } });
  running.push(() => sim.close());
  const dataDir = options.provisioning ? tempDir('posd-ui-') : enrolledDataDir(sim.acquirer!, tempDir('posd-ui-'));
  const config: PosdConfig = {
    dataDir,
    merchant: { name: 'Corner Shop', city: 'Hangzhou' },
    acquirer: { url: sim.acquirer!.url, publicKey: toHex(sim.acquirer!.publicKey) },
    devices: sim.devices,
    payments: { issuerKeys: sim.issuerKeys },
    ...(options.provisioning ? { provisioning: { acquirerRootKey: toHex(sim.acquirer!.publicKey), acquirerUrl: sim.acquirer!.url } } : {}),
  };
  const pos = await assemble(config, { env: sim.env, products: DEMO_PRODUCTS, policy: withPaymentsConfig(fastPolicy(options.timings), config.payments), settleInBackground: false });
  running.push(() => pos.stop());
  const api = await createApiServer(pos, { dataDir, port: 0 });
  running.push(() => api.close());
  const url = await api.listen();
  await until(() => ['printer', 'scanner', 'nfc'].every((k) => pos.deviceHealth()[k as 'printer']?.state === 'ready'), 'devices ready', WAIT_MS);
  const counterToken = api.tokens.issue('counter', 'test rig').token;
  return {
    url,
    api,
    pos,
    sim,
    counterToken,
    ticketUrl: () => `${url}/#ticket=${readFileSync(api.counterTicketFile, 'utf8').trim()}`,
    scan: async (text) => {
      await sim.twins.scanner.scan(text, { suffix: 'crlf' });
    },
    async call(method, path, body, headers = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${counterToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as never };
    },
  };
}

let browser: Browser | undefined;

/** Debian's chromium (never a downloaded browser), one per test file. */
export async function launchBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

/** A fresh page (its own storage) at the Pi panel's size. */
export async function newPage(lang: 'zh' | 'en' = 'zh'): Promise<Page> {
  const context = await (await launchBrowser()).newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, hasTouch: true, locale: 'zh-CN' });
  running.push(() => context.close());
  if (lang === 'en') await context.addInitScript("localStorage.setItem('posd.lang', 'en')");
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  return page;
}

/** The counter screen opened as the kiosk opens it, logged in and showing the sale. */
export async function openCounter(rig: CounterRig, lang: 'zh' | 'en' = 'zh'): Promise<Page> {
  const page = await newPage(lang);
  await page.goto(rig.ticketUrl());
  await page.getByTestId('sell').waitFor();
  return page;
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** An element with a data-state, once it has that state. */
export function withState(page: Page, testid: string, state: string): Locator {
  return page.locator(`[data-testid="${testid}"][data-state="${state}"]`);
}

export async function tapKeys(page: Page, keys: string, pad = 'keypad'): Promise<void> {
  for (const key of keys) await page.getByTestId(pad).getByTestId(`key-${key}`).click();
}

/** Every visible button's size: the touch targets. */
export async function smallTargets(page: Page): Promise<string[]> {
  // Runs in the page (a string: the tests are compiled without the DOM's types).
  return page.evaluate<string[]>(`[...document.querySelectorAll('button')]
    .map((b) => ({ b, r: b.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 0 && r.height > 0 && (r.width < 48 || r.height < 48))
    .map(({ b, r }) => (b.dataset.testid || b.textContent) + ': ' + Math.round(r.width) + 'x' + Math.round(r.height))`);
}

