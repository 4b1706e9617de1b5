import Fastify, { type FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { FAULT_MODES, type FaultSpec } from './faults.js';
import { registerFleetRoutes } from './fleet-routes.js';
import type { Fleet } from './fleet.js';
import { hardenJson, requireBearer } from './http.js';

/** The longest delay a fault may hold a request for. */
const MAX_FAULT_DELAY_MS = 120_000;

export const FaultSpecSchema = Type.Object(
  {
    mode: Type.Union([...FAULT_MODES, 'random' as const].map((m) => Type.Literal(m))),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS })),
    rate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

/** What the control port needs of the simulator. */
export interface Controlled {
  readonly fleet: Fleet;
  readonly faults: { readonly current: FaultSpec | undefined };
  setFault(spec: FaultSpec | undefined): Promise<void>;
  statsSnapshot(): Record<string, unknown>;
}

/**
 * The operator's port: switch faults, read stats, run the fleet. Every route requires
 * `authorization: Bearer <token>` (the token the simulator printed when it started), so a
 * local process that is not the operator can neither break settlement nor enrol terminals.
 */
export function buildControl(sim: Controlled, token: string): FastifyInstance {
  const control = Fastify({ logger: false, bodyLimit: 1024 * 1024, ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } } });
  hardenJson(control);
  control.addHook('onRequest', requireBearer(token));
  control.post<{ Body: Static<typeof FaultSpecSchema> }>('/faults', { schema: { body: FaultSpecSchema } }, async (req) => {
    await sim.setFault(req.body);
    return { fault: sim.faults.current ?? null };
  });
  control.delete('/faults', async () => {
    await sim.setFault(undefined);
    return { fault: null };
  });
  control.get('/stats', async () => sim.statsSnapshot());
  registerFleetRoutes(control, sim.fleet);
  return control;
}
