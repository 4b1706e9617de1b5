import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { Hex32, KeyId, PairingCode, TerminalId, Text } from '../../src/protocol/provisioning-schemas.js';
import type { Fleet } from './fleet.js';
import { SettingsChangesSchema, type SettingsChanges } from './profiles.js';

/**
 * The acquirer's fleet operations over HTTP, on the operator's port (its bearer token is
 * checked before any of these run). `hw-sim acquirer <subcommand>` calls them.
 */
export const FLEET_ROUTES = {
  codes: '/fleet/codes',
  enrolments: '/fleet/enrolments',
  terminals: '/fleet/terminals',
  terminal: '/fleet/terminals/:terminal',
  batches: '/fleet/terminals/:terminal/batches',
  deadLetters: '/fleet/terminals/:terminal/dead-letters',
  profile: '/fleet/terminals/:terminal/profile',
  endorse: '/fleet/terminals/:terminal/endorse',
  revoke: '/fleet/terminals/:terminal/revoke',
  release: '/fleet/terminals/:terminal/release',
} as const;

const TerminalParams = Type.Object({ terminal: TerminalId }, { additionalProperties: false });
const ListQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) }, { additionalProperties: false });
const Ttl = Type.Integer({ minimum: 1000, maximum: 7 * 86_400_000 });

export const IssueCodeSchema = Type.Object({ changes: Type.Optional(SettingsChangesSchema), ttlMs: Type.Optional(Ttl), pairing: Type.Optional(PairingCode) }, { additionalProperties: false });
export const PreEnrolSchema = Type.Object({ publicKey: Hex32, currentKey: Type.Optional(Hex32), changes: Type.Optional(SettingsChangesSchema) }, { additionalProperties: false });
export const SetProfileSchema = Type.Object({ changes: SettingsChangesSchema }, { additionalProperties: false });
export const RevokeSchema = Type.Object({ keyId: KeyId }, { additionalProperties: false });
export const ReleaseRequestSchema = Type.Object({ reason: Type.Optional(Text(200)), ttlMs: Type.Optional(Ttl) }, { additionalProperties: false });
const EmptySchema = Type.Object({}, { additionalProperties: false });

type Params = { Params: Static<typeof TerminalParams> };

export function registerFleetRoutes(app: FastifyInstance, fleet: Fleet): void {
  app.post<{ Body: Static<typeof IssueCodeSchema> }>(FLEET_ROUTES.codes, { schema: { body: IssueCodeSchema } }, async (req) =>
    fleet.issueCode((req.body.changes ?? {}) as SettingsChanges, { ...(req.body.ttlMs !== undefined ? { ttlMs: req.body.ttlMs } : {}), ...(req.body.pairing !== undefined ? { pairing: req.body.pairing } : {}) }),
  );
  app.post<{ Body: Static<typeof PreEnrolSchema> }>(FLEET_ROUTES.enrolments, { schema: { body: PreEnrolSchema } }, async (req) => {
    const profile = fleet.preEnrol(req.body.publicKey, (req.body.changes ?? {}) as SettingsChanges, req.body.currentKey ?? req.body.publicKey);
    return { terminal: profile.terminal, profile };
  });
  app.get(FLEET_ROUTES.terminals, async () => ({ terminals: fleet.terminals() }));
  app.get<Params>(FLEET_ROUTES.terminal, { schema: { params: TerminalParams } }, async (req) => fleet.terminal(req.params.terminal));
  app.get<Params & { Querystring: Static<typeof ListQuery> }>(FLEET_ROUTES.batches, { schema: { params: TerminalParams, querystring: ListQuery } }, async (req) => ({
    batches: fleet.batches(req.params.terminal, Number(req.query.limit ?? 100)),
  }));
  app.get<Params & { Querystring: Static<typeof ListQuery> }>(FLEET_ROUTES.deadLetters, { schema: { params: TerminalParams, querystring: ListQuery } }, async (req) => ({
    deadLetters: fleet.deadLetters(req.params.terminal, Number(req.query.limit ?? 100)),
  }));
  app.put<Params & { Body: Static<typeof SetProfileSchema> }>(FLEET_ROUTES.profile, { schema: { params: TerminalParams, body: SetProfileSchema } }, async (req) => ({
    profile: fleet.setProfile(req.params.terminal, req.body.changes as SettingsChanges),
  }));
  app.post<Params>(FLEET_ROUTES.endorse, { schema: { params: TerminalParams, body: EmptySchema } }, async (req) => ({ profile: fleet.endorse(req.params.terminal) }));
  app.post<Params & { Body: Static<typeof RevokeSchema> }>(FLEET_ROUTES.revoke, { schema: { params: TerminalParams, body: RevokeSchema } }, async (req) => fleet.revoke(req.params.terminal, req.body.keyId));
  app.post<Params & { Body: Static<typeof ReleaseRequestSchema> }>(FLEET_ROUTES.release, { schema: { params: TerminalParams, body: ReleaseRequestSchema } }, async (req) => ({
    release: fleet.release(req.params.terminal, { ...(req.body.reason !== undefined ? { reason: req.body.reason } : {}), ...(req.body.ttlMs !== undefined ? { ttlMs: req.body.ttlMs } : {}) }),
  }));
}
