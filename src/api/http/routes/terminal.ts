import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ProvisioningError } from '../../../protocol/provisioning-schemas.js';
import type { EndOfDayReport } from '../../../terminal/reports/end-of-day.js';
import type { ApiContext } from '../context.js';
import { ApiError, RefusedDocument } from '../errors.js';
import { accepts, errorResponses } from '../route-kit.js';
import { DayBody, DrawerAnswer, DrawerBody, HealthAnswer, ProfileAnswer, ReportAnswer, ReportQuery, SignedProfileBody, StatusSchema } from '../schemas.js';
import { offlineQueueView } from '../views.js';
import { REPRINT_ANSWER_MS } from './payments.js';

const ANY = accepts('register', 'counter', 'technician');
const REGISTER_OR_COUNTER = accepts('register', 'counter');
const TECHNICIAN = accepts('technician');

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
        summary: 'Terminal status: devices, the payment in progress, settlement, offline exposure, provisioning, integrity, pairing',
        description: `${ANY.scopesNote} The register pairing code itself only for counter and technician tokens (the counter screen shows it). While the terminal is unprovisioned, provisioning.pairing has the enrolment pairing code and key fingerprint to give the acquirer's operator.`,
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
        offline: status.offline,
        provisioning: status.provisioning,
        integrity: { state: status.integrity.state, failure: status.integrity.failure },
        pairing: { ...(staff ? { code: shown?.code ?? null } : {}), expiresAt: shown?.expiresAt ?? null, lockedUntil: status.pairing.lockedUntil },
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

  /** Prints a report; true once on paper, false when it failed or still waits for the printer after REPRINT_ANSWER_MS (it goes on). */
  const printed = async (report: EndOfDayReport): Promise<boolean> => {
    const printing = terminal.reports.print(report).then(
      () => true,
      (err: Error) => {
        ctx.log.warn({ type: report.type, z: report.z, err: err.message }, 'report not printed');
        return false;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const later = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), REPRINT_ANSWER_MS)));
    try {
      return await Promise.race([printing, later]);
    } finally {
      clearTimeout(timer);
    }
  };

  app.get(
    '/v1/reports/x',
    {
      config: ANY.config,
      schema: {
        summary: 'X report: running totals since the last Z (resets nothing)',
        description: `${ANY.scopesNote} Totals per asset and kind and per method since the last Z; writes nothing. With print=true it is also printed: printed is true once on paper, false when it could not print or still waits for the printer after ${REPRINT_ANSWER_MS / 1000} s (out of paper: it prints once paper is back).`,
        tags: ['reports'],
        security: ANY.security,
        querystring: ReportQuery,
        response: { 200: ReportAnswer, ...errorResponses() },
      },
    },
    async (request) => {
      const { print } = request.query as Static<typeof ReportQuery>;
      const report = terminal.reports.x();
      return print ? { ...report, printed: await printed(report) } : report;
    },
  );

  app.post(
    '/v1/reports/z',
    {
      config: { ...ANY.config, optionalBody: true },
      schema: {
        summary: 'Z report: close the business day (irreversible)',
        description: `${ANY.scopesNote} Appends the signed day_close record (the next Z number) and a checkpoint, then settlement runs. 409 busy while a payment is in progress; 409 day_closed for the day the last Z closed. With print: true it is also printed: printed as for the X report; the day is closed either way.`,
        tags: ['reports'],
        security: ANY.security,
        body: DayBody,
        response: { 200: ReportAnswer, ...errorResponses(409) },
      },
    },
    async (request) => {
      const { day, print } = request.body as Static<typeof DayBody>;
      ctx.log.info({ day: day ?? null, by: request.client!.name }, 'Z report requested through the API');
      const report = terminal.reports.z(day !== undefined ? { day } : {});
      return print ? { ...report, printed: await printed(report) } : report;
    },
  );

  app.put(
    '/v1/profile',
    {
      config: TECHNICIAN.config,
      schema: {
        summary: "Install a signed terminal profile the technician carries (provisioning)",
        description: `${TECHNICIAN.scopesNote} The body is the profile exactly as the acquirer signed it. It is verified against the acquirer root key pinned at install: for this terminal, endorsing one of its keys, newer than the one held (the same one again changes nothing: changed false), not expired; a new version is journaled, then stored. Refusals carry the check's code: 400 malformed (not a profile, or unsigned), 422 wrong_key or bad_signature (not signed by the acquirer), wrong_terminal, rollback (older than the one held), expired, bad_endorsement; 422 not_configured on a terminal without provisioning.`,
        tags: ['terminal'],
        security: TECHNICIAN.security,
        body: SignedProfileBody,
        response: { 200: ProfileAnswer, ...errorResponses(422) },
      },
    },
    async (request) => {
      const provisioning = terminal.provisioning;
      if (!provisioning) throw new ApiError('not_configured', 'this terminal has no acquirer root key configured (provisioning.acquirerRootKey): it cannot verify a profile');
      let result: { changed: boolean; version: number };
      try {
        result = provisioning.acceptProfile(request.body);
      } catch (err) {
        if (err instanceof ProvisioningError && err.code !== 'malformed') throw new RefusedDocument(err.code, err.message);
        throw err;
      }
      ctx.log.info({ ...result, by: request.client!.name }, 'profile pushed through the API');
      return { ...result, provisioning: provisioning.state() };
    },
  );
}
