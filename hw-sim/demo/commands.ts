import { existsSync, readFileSync } from 'node:fs';
import { CodedError } from '../../src/errors/coded-error.js';
import { formatMoney } from '../../src/protocol/assets.js';
import { DemoNotRunningError, readRunning, type DemoPaths, type RunningDemo } from './demo-dir.js';
import { DEMO_PRODUCTS } from './shelf.js';

/**
 * The hw-sim commands a newcomer uses on a running demo (`npm start`): they act on its twins
 * through the simulator's control port (token and port from the demo's running.json), and read
 * the outcome from posd's API with the demo register's token.
 */

export class DemoCommandError extends CodedError<'no_such_wallet' | 'nothing_to_pay' | 'refused' | 'bad_argument'> {
  override readonly name = 'DemoCommandError';
}

/** A payment as the API shows it: the fields these commands print. */
interface PaymentView {
  id: string;
  state: string;
  final: boolean;
  method: string | null;
  amount: number;
  asset: string;
  updatedAt: number;
  version?: number;
  seq?: number | null;
  offlineApproved?: boolean;
  outcome?: { code: string; message: string } | null;
  prompt?: { kind: string; payload?: string } | null;
  facts?: Record<string, unknown>;
}

const PAYMENT_CODE = /^(1[0-5]|2[5-9]|30|62)\d{14,17}$/;
const POLL_MS = 150;
const PRINTER_NOTICE_MS = 8000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class DemoClient {
  private readonly running: RunningDemo;

  constructor(
    private readonly paths: DemoPaths,
    private readonly print: (line: string) => void,
  ) {
    this.running = readRunning(paths);
  }

  /** The scanner twin reads `code`: a product's GTIN rings it up, a customer's payment code pays the basket. */
  async scan(code: string): Promise<void> {
    if (code.length === 0 || code.length > 4096) throw new DemoCommandError('bad_argument', 'a code is 1 to 4096 characters');
    const before = await this.lastPayment();
    await this.control('POST', this.running.control, '/scanner/scan', { code });
    const product = DEMO_PRODUCTS.find((p) => p.gtin === code);
    if (product) return this.print(`scanned ${code}: ${product.name} (${formatMoney(product.price, product.asset)})`);
    if (!PAYMENT_CODE.test(code)) return this.print(`scanned ${code} (not on the demo's shelf: see \`hw-sim shelf\`; the demo's window says what posd made of it)`);
    this.print(`scanned ${code}: a customer's payment code`);
    const payment = await this.outcomeAfter(before, 15_000);
    if (!payment) this.print('no payment took it: ring up a product first (hw-sim scan GTIN), or start a payment on the counter screen or through the API');
  }

  /** A customer holds wallet `name` to the reader until its payment is decided (or nothing takes it), then takes it away. */
  async tap(name: string | undefined): Promise<void> {
    const wallet = name === undefined ? this.running.wallets[0] : this.running.wallets.find((w) => w.name === name.toLowerCase());
    if (!wallet) throw new DemoCommandError('no_such_wallet', `no wallet called ${JSON.stringify(name)}: the demo's customers carry ${this.running.wallets.map((w) => `${w.name} (${w.asset})`).join(', ')}`);
    const before = await this.lastPayment();
    await this.control('POST', this.running.control, '/nfc/present', { card: 'wallet', index: wallet.index });
    this.print(`${wallet.name}'s wallet (${wallet.asset}) is on the reader`);
    try {
      const payment = await this.outcomeAfter(before, 10_000, 3_000);
      if (!payment) this.print('no payment took the tap: ring up a product first (hw-sim scan GTIN), or start a payment on the counter screen or through the API');
    } finally {
      await this.control('POST', this.running.control, '/nfc/remove', {});
      this.print(`${wallet.name}'s wallet is taken away`);
    }
  }

  /** The customer's app pays the shop QR the screen shows for the payment in progress. */
  async payQr(): Promise<void> {
    const payment = await this.lastPayment();
    if (!payment || payment.final || payment.prompt?.kind !== 'show_qr' || !payment.prompt.payload) {
      throw new DemoCommandError(
        'nothing_to_pay',
        'no shop QR is on the screen: start a payment by QR first (on the counter screen, or through the API with "method":"merchant_qr")',
      );
    }
    const paid = (await this.control('POST', this.running.acquirerControl, '/merchant-qr/pay', { payload: payment.prompt.payload })) as { amount: number; ref: string };
    this.print(`the customer's app paid ${formatMoney(paid.amount, payment.asset)} for order ${paid.ref}`);
    await this.outcomeAfter(payment, 20_000);
  }

  /** The printer's paper runs out (`out`), or a new roll goes in (`in`). */
  async paper(state: string): Promise<void> {
    if (state !== 'out' && state !== 'in') throw new DemoCommandError('bad_argument', `paper takes out or in, not ${JSON.stringify(state)}`);
    await this.control('POST', this.running.control, '/printer/fault', { fault: 'paper_out', on: state === 'out' });
    this.print(state === 'out' ? 'the printer is out of paper: receipts wait, and print whole once paper is back' : 'a new roll is in the printer');
    // posd asks the printer for its status every few seconds when idle: wait until it knows.
    const started = Date.now();
    while (Date.now() - started < PRINTER_NOTICE_MS) {
      const printer = await this.printerStatus();
      if (printer && (printer.detail?.conditions?.paperOut ?? false) === (state === 'out')) {
        return this.print(`posd's status: printer ${printer.state}${printer.reason ? ` (${printer.reason})` : ''}`);
      }
      await sleep(POLL_MS);
    }
    this.print(`posd has not noticed yet (it asks the printer every few seconds)`);
  }

  private async printerStatus(): Promise<{ state: string; reason: string | null; detail?: { conditions?: { paperOut?: boolean } } } | undefined> {
    const token = this.registerToken();
    if (!token) return undefined;
    const res = await this.request(`${this.running.api}/v1/status`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) return undefined;
    return ((await res.json()) as { devices?: { printer?: { state: string; reason: string | null } } }).devices?.printer;
  }

  private registerToken(): string | undefined {
    return existsSync(this.paths.registerToken) ? readFileSync(this.paths.registerToken, 'utf8').trim() : undefined;
  }

  /** The payment that changed after `before`, once final (printed), or undefined when none appeared within `quietMs`. */
  private async outcomeAfter(before: PaymentView | undefined, timeoutMs: number, quietMs = timeoutMs): Promise<PaymentView | undefined> {
    const started = Date.now();
    let seen: PaymentView | undefined;
    while (Date.now() - started < timeoutMs) {
      const now = await this.lastPayment();
      const changed = now && (!before || now.id !== before.id || now.updatedAt !== before.updatedAt || now.state !== before.state);
      if (changed) {
        seen = now;
        if (now.final) {
          this.print(describe(now));
          return now;
        }
      } else if (Date.now() - started > quietMs) {
        return undefined;
      }
      await sleep(POLL_MS);
    }
    if (seen) this.print(`payment ${seen.id} is still ${seen.state}`);
    return seen;
  }

  private async lastPayment(): Promise<PaymentView | undefined> {
    const token = this.registerToken();
    if (!token) return undefined;
    const res = await this.request(`${this.running.api}/v1/payments/last`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new DemoCommandError('refused', `posd answered ${res.status} to GET /v1/payments/last: ${await res.text()}`);
    return (await res.json()) as PaymentView;
  }

  private async control(method: string, base: string, path: string, body: unknown): Promise<unknown> {
    const res = await this.request(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.running.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: the text as it came
      }
      throw new DemoCommandError('refused', `the simulator refused ${path}: ${message}`);
    }
    return text.length > 0 ? JSON.parse(text) : undefined;
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new DemoNotRunningError(`the demo in ${this.paths.root} does not answer at ${new URL(url).origin} (${cause}): is it still running? start it with \`npm start\``);
    }
  }
}

function describe(p: PaymentView): string {
  const amount = formatMoney(p.amount, p.asset);
  if (p.state === 'succeeded') {
    const change = p.facts?.change !== undefined ? `, change ${formatMoney(Number(p.facts.change), p.asset)}` : '';
    return `PAID ${amount} by ${p.method}${p.offlineApproved ? ' (offline, settles later)' : ''}${change}: journal record ${p.seq}`;
  }
  return `${p.state.toUpperCase()} ${amount}${p.outcome ? `: ${p.outcome.code}: ${p.outcome.message}` : ''}`;
}

/** The demo's shelf, for `hw-sim shelf`. */
export function shelfLines(): string[] {
  return DEMO_PRODUCTS.map((p) => `${p.gtin}  ${formatMoney(p.price, p.asset).padStart(10)}  ${p.name}`);
}
