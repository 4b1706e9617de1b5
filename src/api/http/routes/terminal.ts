import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DayClose } from '../../../terminal/reports/day-close.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { accepts, errorResponses } from '../route-kit.js';
import { DayBody, DrawerAnswer, DrawerBody, HealthAnswer, ReportAnswer, StatusSchema } from '../schemas.js';
import { offlineQueueView } from '../views.js';

const ANY = accepts('register', 'counter', 'technician');
const REGISTER_OR_COUNTER = accepts('register', 'counter');
const TECHNICIAN = accepts('technician');

/**
 * The report calls the receipts work adds to the facade (reports.x(), reports.z()): until it is
 * merged the X report answers 501 and the Z report runs the day close main has (closeDay(day)).
 */
interface ReportsAfterTheReceiptsMerge {
  x?: () => object;
  z?: (options?: { day?: string }) => object;
}

export function terminalRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { terminal } = ctx;

  app.get(
    '/v1/health',
    { config: { scopes: 'public' }, schema: { summary: 'Is posd up (no token: for the kiosk and service checks)', tags: ['terminal'], response: { 200: HealthAnswer } } },
    async () => ({ ok: true, terminal: terminal.id }),
  );

  app.get(
    '/v1/status',
    {
      config: ANY.config,
      schema: {
        summary: 'Terminal status: devices, the payment in progress, the offline queue, pairing',
        description: `${ANY.scopesNote} The pairing code itself only for counter and technician tokens (the counter screen shows it).`,
        tags: ['terminal'],
        security: ANY.security,
        response: { 200: StatusSchema, ...errorResponses() },
      },
    },
    async (request) => {
      const status = terminal.status();
      const current = terminal.payments.current();
      const staff = request.client!.scope !== 'register';
      const shown = status.pairing.shown;
      return {
        terminal: status.terminal,
        publicKey: terminal.publicKey,
        headSeq: status.headSeq,
        inService: status.integrity.state === 'ok',
        devices: status.devices,
        payment: current ? { id: current.id, state: current.state, deadline: current.deadline } : null,
        methods: terminal.payments.methods(),
        offlineQueue: offlineQueueView(status.settlement),
        integrity: { state: status.integrity.state, failure: status.integrity.failure },
        pairing: { ...(staff ? { code: shown?.code ?? null } : {}), expiresAt: shown?.expiresAt ?? null, lockedUntil: status.pairing.lockedUntil },
        provisioning: status.provisioning,
        offline: status.offline,
      };
    },
  );

  app.post(
    '/v1/drawer/open',
    {
      config: { ...REGISTER_OR_COUNTER.config, optionalBody: true },
      schema: {
        summary: 'Open the cash drawer (no sale)',
        description: `${REGISTER_OR_COUNTER.scopesNote} Logged with the token's name and the reason. 503 no_drawer on a terminal without one.`,
        tags: ['terminal'],
        security: REGISTER_OR_COUNTER.security,
        body: DrawerBody,
        response: { 200: DrawerAnswer, ...errorResponses(503) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof DrawerBody>;
      const outcome = await terminal.drawer.open(`${request.client!.name}${body.reason ? `: ${body.reason}` : ''}`);
      return { done: true, outcome };
    },
  );

  app.get(
    '/v1/reports/x',
    {
      config: ANY.config,
      schema: {
        summary: 'X report: running totals since the last Z (resets nothing)',
        description: `${ANY.scopesNote} 501 until the receipts work (issue 8, item 10) adds reports.x() to the terminal.`,
        tags: ['reports'],
        security: ANY.security,
        response: { 200: ReportAnswer, ...errorResponses(501) },
      },
    },
    async () => {
      const reports = terminal.reports as typeof terminal.reports & ReportsAfterTheReceiptsMerge;
      if (typeof reports.x !== 'function') throw new ApiError('not_implemented', 'the X report arrives with the receipts work (reports.x): not on this terminal yet');
      return reports.x();
    },
  );

  app.post(
    '/v1/reports/z',
    {
      config: { ...ANY.config, optionalBody: true },
      schema: {
        summary: 'Z report: close the business day (irreversible)',
        description: `${ANY.scopesNote} Appends the signed day_close record and a checkpoint, then settlement runs. Refused (409 busy) while a payment is in progress. Until the receipts work lands, day is required.`,
        tags: ['reports'],
        security: ANY.security,
        body: DayBody,
        response: { 200: ReportAnswer, ...errorResponses(409) },
      },
    },
    async (request) => {
      const { day } = request.body as Static<typeof DayBody>;
      const active = terminal.payments.current();
      if (active) throw new ApiError('busy', `payment ${active.id} is in progress (${active.state}): finish or cancel it before closing the day`);
      const reports = terminal.reports as typeof terminal.reports & ReportsAfterTheReceiptsMerge;
      ctx.log.info({ day: day ?? null, by: request.client!.name }, 'Z report requested through the API');
      if (typeof reports.z === 'function') return reports.z(day !== undefined ? { day } : {});
      if (day === undefined) throw new ApiError('invalid_request', 'day is required (YYYY-MM-DD) on this terminal', { field: 'day' });
      return zView(day, reports.closeDay(day));
    },
  );

  app.put(
    '/v1/profile',
    {
      config: TECHNICIAN.config,
      schema: {
        summary: "Update the terminal's profile (provisioning)",
        description: `${TECHNICIAN.scopesNote} 501 until provisioning (issue 9) lands: the signed profile then arrives from the acquirer, and this route takes one a technician carries.`,
        tags: ['terminal'],
        security: TECHNICIAN.security,
        response: errorResponses(501),
      },
    },
    async () => {
      throw new ApiError('not_implemented', 'profile updates arrive with provisioning (signed profiles from the acquirer): not on this terminal yet');
    },
  );
}

function zView(day: string, close: DayClose): Record<string, unknown> {
  return { day, from: close.from, through: close.through, totals: close.totals, dayCloseSeq: close.record.seq, checkpointSeq: close.checkpoint.seq };
}
