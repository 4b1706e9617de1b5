import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CodedError } from '../../../errors/coded-error.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { accepts, errorResponses } from '../route-kit.js';
import { ConfigAnswer, DevicesAnswer, LogAnswer, LogQuery, QueueAnswer, SelfTestAnswer, SettleAnswer, SettleBody, WaitBody } from '../service-schemas.js';

const TECHNICIAN = accepts('technician');
const TAGS = ['service'];
/** The printer test page and the GPIO round are short; the acquirer gets 5 s. */
const PRINT_TIMEOUT_MS = 20_000;
const ACQUIRER_TIMEOUT_MS = 5_000;

/** posd's log and configuration, which the facade does not hold: posd hands them in (src/bin/posd.ts). */
export interface ServiceSources {
  /** The newest lines of posd's log (journald, or a file). */
  log?: (lines: number) => Promise<{ source: string; lines: string[] }>;
  /** The configuration in force, already redacted. */
  config?: () => { file: string | null; config: unknown };
}

/**
 * The technician's routes (posctl console): device report, self-tests, the settlement queue, a
 * forced settlement, posd's log and its configuration with every secret replaced. Technician
 * tokens only. A self-test that ran answers 200 with ok true or false and the reason; only a
 * request that cannot run is an error (busy while a payment is in progress, or a test of the same
 * input already waiting).
 */
export function serviceRoutes(app: FastifyInstance, ctx: ApiContext, sources: ServiceSources = {}): void {
  const { terminal } = ctx;
  const route = (summary: string, description: string, extra: Record<string, unknown>, ...statuses: number[]) => ({
    config: TECHNICIAN.config,
    schema: { summary, description: `${TECHNICIAN.scopesNote} ${description}`, tags: TAGS, security: TECHNICIAN.security, ...extra, response: { ...(extra.response as object), ...errorResponses(...statuses) } },
  });
  const selfTest = (name: string) => ({ response: { 200: SelfTestAnswer }, ...(name === 'scanner' || name === 'nfc' ? { body: WaitBody } : {}) });
  const logTest = (result: { test: string; ok: boolean; code: string | null }, by: string) => ctx.log.info({ test: result.test, ok: result.ok, code: result.code, by }, 'self-test');

  app.get('/v1/service/devices', route('Every device: state, reason, link, firmware, paper', 'The health model of each configured device, with what a technician can act on.', { response: { 200: DevicesAnswer } }), async () => ({
    devices: terminal.service.devices(),
  }));

  app.post('/v1/service/tests/printer', { ...route('Self-test: print a test page', `Refused by the printer's state at once (paper_out, not_ready) or after ${PRINT_TIMEOUT_MS / 1000} s (timeout).`, selfTest('printer')), config: { ...TECHNICIAN.config, optionalBody: true } }, async (request) => {
    const result = await terminal.service.printTestPage(PRINT_TIMEOUT_MS);
    logTest(result, request.client!.name);
    return result;
  });

  app.post('/v1/service/tests/scanner', { ...route('Self-test: wait for one scan and show it', 'The scan does not reach the sale. 409 busy while a payment is in progress or another scan test waits.', selfTest('scanner'), 409), config: { ...TECHNICIAN.config, optionalBody: true } }, async (request) => {
    const { timeoutS } = request.body as Static<typeof WaitBody>;
    const result = await terminal.service.scanTest((timeoutS ?? 30) * 1000);
    logTest(result, request.client!.name);
    return result;
  });

  app.post('/v1/service/tests/nfc', { ...route('Self-test: wait for a card and show its UID and type', 'The card does not pay. 409 busy while a payment is in progress or another tap test waits.', selfTest('nfc'), 409), config: { ...TECHNICIAN.config, optionalBody: true } }, async (request) => {
    const { timeoutS } = request.body as Static<typeof WaitBody>;
    const result = await terminal.service.nfcTest((timeoutS ?? 30) * 1000);
    logTest(result, request.client!.name);
    return result;
  });

  app.post('/v1/service/tests/gpio', { ...route('Self-test: each status light, the buzzer, the drawer', 'Each light is lit for a moment and put back; the buzzer plays; the drawer opens (logged).', selfTest('gpio')), config: { ...TECHNICIAN.config, optionalBody: true } }, async (request) => {
    const result = await terminal.service.gpioTest();
    logTest(result, request.client!.name);
    return result;
  });

  app.post('/v1/service/tests/acquirer', { ...route("Self-test: reach the acquirer's base URL and time it", `An HTTP round trip (any answer below 500 counts as reachable); ${ACQUIRER_TIMEOUT_MS / 1000} s at most.`, selfTest('acquirer')), config: { ...TECHNICIAN.config, optionalBody: true } }, async (request) => {
    const result = await terminal.service.acquirerTest(ACQUIRER_TIMEOUT_MS);
    logTest(result, request.client!.name);
    return result;
  });

  app.get('/v1/service/queue', route('The settlement queue: unsettled, dead letters, pending reversals', 'Unsettled count and amount per asset, the oldest, the records the acquirer refused (with its reasons), and the reversals waiting to be sent.', { response: { 200: QueueAnswer } }), async () =>
    terminal.service.queue(),
  );

  app.post('/v1/service/settle', { ...route('Settle now', 'Forwards and settles everything now (retrying up to attempts failures in a row). ok false with the code and reason when settlement stopped; no_acquirer when none is configured. GET /v1/service/queue shows the progress meanwhile.', { body: SettleBody, response: { 200: SettleAnswer } }), config: { ...TECHNICIAN.config, optionalBody: true } }, async (request) => {
    const { attempts } = request.body as Static<typeof SettleBody>;
    const settlement = terminal.settlement;
    if (!settlement) return { ok: false, code: 'no_acquirer', reason: 'no acquirer is configured: nothing can be settled', report: null, queue: terminal.service.queue() };
    ctx.log.info({ by: request.client!.name }, 'settlement forced by a technician');
    try {
      const report = await settlement.settleNow(attempts ?? 3);
      return { ok: true, code: null, reason: null, report, queue: terminal.service.queue() };
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      return { ok: false, code: err.code, reason: err.message, report: null, queue: terminal.service.queue() };
    }
  });

  app.get('/v1/service/log', route("posd's newest log lines", 'From journald (journalctl -u posd) where posd runs under systemd, otherwise the log file posd was told of (POSD_LOG_FILE). 422 not_configured when there is neither, 404 when the file is missing; 501 when posd was started without a log source.', { querystring: LogQuery, response: { 200: LogAnswer } }, 404, 422, 501), async (request) => {
    const { lines } = request.query as Static<typeof LogQuery>;
    if (!sources.log) throw new ApiError('not_implemented', 'posd was started without a log source');
    return sources.log(lines ?? 100);
  });

  app.get('/v1/service/config', route('The configuration in force, redacted', 'posd.json as posd runs it (defaults filled in); keys, tokens, PINs and secrets are replaced by "[redacted]".', { response: { 200: ConfigAnswer } }, 501), async () => {
    if (!sources.config) throw new ApiError('not_implemented', 'posd was started without its configuration at hand');
    return sources.config();
  });
}
