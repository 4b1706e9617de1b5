import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { join } from 'node:path';
import type { Logger } from '../../app/logger.js';
import type { PosTerminal } from '../../app/terminal.js';
import { CounterTicket } from './auth/counter-ticket.js';
import { installGuard } from './auth/guard.js';
import { AttemptThrottle } from './auth/throttle.js';
import { TokenStore } from './auth/token-store.js';
import { checkJsonBody } from './body-check.js';
import type { ApiContext } from './context.js';
import { ApiError, errorAnswer } from './errors.js';
import { EventLog, type EventLogOptions } from './events/event-log.js';
import { defaultOpenApiFile, OpenApiDocument } from './openapi-document.js';
import { PaymentWatch } from './payment-watch.js';
import { eventRoutes } from './routes/events.js';
import { pairingRoutes } from './routes/pairing.js';
import { counterRoutes } from './routes/counter.js';
import { paymentRoutes } from './routes/payments.js';
import { receiptRoutes } from './routes/receipts.js';
import { returnRoutes } from './routes/returns.js';
import { serviceRoutes, type ServiceSources } from './routes/service.js';
import { terminalRoutes } from './routes/terminal.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { defaultUiDir, staticUiRoutes } from './static-ui.js';
import { validationError, validatorCompiler } from './validation.js';
import { paymentView, returnView } from './views.js';

export const API_VERSION = '1.0.0';
/** The largest request body: a payment with 200 items is about 20 KiB. */
export const BODY_LIMIT = 64 * 1024;

export interface ApiServerOptions {
  /** posd's data directory: the API keeps its tokens and the counter ticket in api/ there. */
  dataDir: string;
  /** Default 127.0.0.1 (loopback); a LAN address only with tls (the config refuses it otherwise). */
  host?: string;
  /** Default 8737; 0 picks a free port (tests). */
  port?: number;
  /** PEM text of the certificate chain and key: serve HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  log?: Logger;
  /** SSE heartbeat (default 15 s). */
  heartbeatMs?: number;
  events?: EventLogOptions;
  /** Long-polls waiting at once (default 64) and SSE streams open at once (default 16). */
  maxWaiters?: number;
  maxStreams?: number;
  /**
   * The console's hook: checks the technician PIN (posd hands in src/app/service/technician-pin.ts;
   * it throws TechnicianPinError for a wrong PIN, a lockout or no PIN set). Without it
   * POST /v1/pairings/technician answers 501 and technician tokens can only be issued by
   * TokenStore.issue on the terminal itself.
   */
  technicianPin?: (pin: string) => boolean;
  /** posd's log and redacted configuration for the technician's routes (GET /v1/service/log, /v1/service/config). */
  service?: ServiceSources;
  /**
   * Host names the API answers to besides IP literals and localhost (a LAN name the TLS
   * certificate carries). A request naming any other host is refused: a web page that rebinds its
   * own domain to this terminal's address gets nothing.
   */
  hostNames?: readonly string[];
  /** The built counter screen (default dist/ui), served at / and /ui/. */
  uiDir?: string;
  /** The OpenAPI document GET /v1/openapi.json answers (default docs/ecr-api.openapi.json). */
  openApiFile?: string;
  /**
   * 'generate': also build the OpenAPI document from the routes' schemas (@fastify/swagger,
   * app.swagger(); openapi.ts). Only the test that keeps docs/ecr-api.openapi.json current does.
   */
  openApi?: 'generate';
}

export interface ApiServer {
  readonly app: FastifyInstance;
  readonly tokens: TokenStore;
  readonly events: EventLog;
  /** Where the counter ticket is (api/counter-ticket in the data directory). */
  readonly counterTicketFile: string;
  /** Long-polls waiting and event streams open now. */
  stats(): { waiting: number; streams: number };
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
/**
 * Fastify calls these with (shared schemas, options) and expects route compilers back; its types
 * name Ajv's and fast-json-stringify's factories, which these stand in for.
 */
const COMPILERS = {
  buildValidator: () => validatorCompiler(),
  buildSerializer: () => () => (data: unknown) => JSON.stringify(data),
} as unknown as CompilersFactory;

const silent: Logger = { info() {}, warn() {}, error() {} };

/**
 * The local API for cash-register software, the counter screen and the technician: HTTP and JSON
 * over the PosTerminal facade only. docs/ecr-api.md explains it; docs/ecr-api.openapi.json is
 * generated from the same schemas that validate the requests (test/api/openapi.test.ts).
 */
export async function createApiServer(terminal: PosTerminal, options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? silent;
  const apiDir = join(options.dataDir, 'api');
  const tokens = TokenStore.open(apiDir);
  const ticket = new CounterTicket(apiDir);
  const view = (payment: Parameters<typeof paymentView>[0]) => paymentView(payment, (p) => terminal.payments.receipt(p.id));
  const events = new EventLog(terminal, { payment: view, return: (ret) => returnView(ret, terminal) }, options.events);
  const watch = new PaymentWatch(terminal.events, options.maxWaiters ?? 64);

  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    forceCloseConnections: true,
    return503OnClosing: true,
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' as const } } : {}),
    // Given as factories, so fastify never loads its own Ajv compiler nor fast-json-stringify
    // (about 1.5 MB of code an idle terminal would carry). Answers are documented by the schemas
    // (and checked against them in the tests), not filtered by them.
    schemaController: { compilersFactory: COMPILERS },
  });
  app.removeContentTypeParser(['text/plain']);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  if (options.openApi === 'generate') await (await import('./openapi.js')).registerOpenApiGenerator(app, API_VERSION);
  const openApiDocument = new OpenApiDocument(options.openApiFile ?? defaultOpenApiFile());

  const context: ApiContext = {
    terminal,
    tokens,
    ticket,
    events,
    watch,
    log,
    view,
    technicianPin: options.technicianPin,
    technicianThrottle: new AttemptThrottle(),
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxStreams: options.maxStreams ?? 16,
  };

  const hostNames = new Set(['localhost', ...(options.hostNames ?? []).map((h) => h.toLowerCase())]);
  app.addHook('onRequest', async (request) => {
    if (!hostAllowed(request.headers.host, hostNames)) throw new ApiError('bad_host', 'this terminal answers to its IP address (or a configured name) only');
  });
  installGuard(app, tokens);
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.config.optionalBody) request.body = {};
    checkJsonBody(request.body);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 500) log.warn({ method: request.method, url: request.routeOptions.url ?? request.url, status: reply.statusCode }, 'API request failed');
  });
  app.setNotFoundHandler((request) => {
    throw new ApiError('route_not_found', `no route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)} (GET /v1/openapi.json lists them)`);
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = asApiError(err);
    const { status, body } = errorAnswer(known ?? err, { activePaymentId: () => terminal.payments.current()?.id });
    if (status >= 500 && body.error.code === 'internal') log.error({ method: request.method, url: request.routeOptions.url ?? request.url, err: err.message }, 'API: internal error');
    if (body.error.retryAt !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil((body.error.retryAt - Date.now()) / 1000))));
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  app.get('/v1/openapi.json', { config: { scopes: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.type('application/json; charset=utf-8').send(openApiDocument.read()));
  pairingRoutes(app, context);
  paymentRoutes(app, context);
  returnRoutes(app, context);
  receiptRoutes(app, context);
  terminalRoutes(app, context);
  counterRoutes(app, context);
  staticUiRoutes(app, options.uiDir ?? defaultUiDir());
  serviceRoutes(app, context, options.service);
  const streams = eventRoutes(app, context);

  app.addHook('preClose', async () => {
    streams.closeStreams();
    watch.close();
  });
  app.addHook('onClose', async () => events.close());
  await app.ready();

  return {
    app,
    tokens,
    events,
    counterTicketFile: ticket.file,
    stats: () => ({ waiting: watch.waiting, streams: streams.open() }),
    async listen() {
      const host = options.host ?? '127.0.0.1';
      await app.listen({ host, port: options.port ?? 8737 });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
      log.info({ url }, 'local API listening');
      return url;
    },
    close: () => app.close(),
  };
}

/** An IP literal (v4, or v6 in brackets) or an allowed name, with or without a port. */
export function hostAllowed(header: string | undefined, names: ReadonlySet<string>): boolean {
  if (header === undefined) return true;
  const host = header.toLowerCase().replace(/:\d{1,5}$/, '');
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || /^\[[0-9a-f:.]+\]$/.test(host) || names.has(host);
}

/** Fastify's own refusals (content type, size, JSON, schema) as the API's errors; undefined for anything else. */
function asApiError(err: FastifyError): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err.validation) return validationError(err.validation as Parameters<typeof validationError>[0], err.validationContext);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('body_too_large', `the body is larger than ${BODY_LIMIT} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('bad_json', 'the body is empty: send a JSON object (or no Content-Type)');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('bad_json', 'the body is not valid JSON');
    default:
      break;
  }
  // The JSON parser's own errors (syntax, __proto__ or constructor members) carry status 400.
  if (err.statusCode === 400 || err instanceof SyntaxError) return new ApiError('bad_json', `the body is not JSON this API takes: ${String(err.message).slice(0, 120)}`);
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) return new ApiError('invalid_request', String(err.message).slice(0, 200));
  return undefined;
}
