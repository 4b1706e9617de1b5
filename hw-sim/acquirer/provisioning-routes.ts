import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  DecommissionNoticeSchema,
  EndorsementRequestSchema,
  EnrolmentRequestSchema,
  NonceRequestSchema,
  verifyDecommissionNotice,
  verifyEnrolmentRequest,
  type EndorsementRequest,
} from '../../src/protocol/enrolment.js';
import { PROVISIONING_ROUTES } from '../../src/protocol/provisioning-routes.js';
import { ProvisioningError, TerminalId } from '../../src/protocol/provisioning-schemas.js';
import type { Fleet } from './fleet.js';
import { HttpError } from './http.js';

const TerminalParams = Type.Object({ terminal: TerminalId }, { additionalProperties: false });

/**
 * The terminal's side of provisioning (docs/provisioning.md): server nonces, enrolment with a
 * one-time code, the newest profile, a new key's endorsement after a rotation, and leaving
 * service. A document that does not verify is a 400 (or 403 when it is not the terminal's).
 */
export function registerProvisioningRoutes(app: FastifyInstance, fleet: Fleet): void {
  app.post(PROVISIONING_ROUTES.nonce, { schema: { body: NonceRequestSchema } }, async () => fleet.newNonce());
  app.post(PROVISIONING_ROUTES.enrol, { schema: { body: EnrolmentRequestSchema } }, async (req) => {
    const request = checked(() => verifyEnrolmentRequest(req.body));
    return { v: 1, profile: fleet.enrol(request) };
  });
  app.get<{ Params: { terminal: string } }>(PROVISIONING_ROUTES.profile, { schema: { params: TerminalParams } }, async (req) => ({ v: 1, profile: fleet.profileOf(req.params.terminal) }));
  app.post<{ Params: { terminal: string }; Body: EndorsementRequest }>(
    PROVISIONING_ROUTES.endorse,
    { schema: { params: TerminalParams, body: EndorsementRequestSchema } },
    async (req) => {
      if (req.body.terminal !== req.params.terminal) throw new HttpError(400, 'bad_request', 'the terminal in the body must match the path');
      return { v: 1, profile: fleet.endorseRotation(req.params.terminal, req.body.rotations) };
    },
  );
  app.post<{ Params: { terminal: string } }>(PROVISIONING_ROUTES.decommission, { schema: { params: TerminalParams, body: DecommissionNoticeSchema } }, async (req) => {
    const notice = checked(() => verifyDecommissionNotice(req.body));
    if (notice.terminal !== req.params.terminal) throw new HttpError(400, 'bad_request', 'the terminal in the body must match the path');
    return { v: 1, release: fleet.decommission(notice) };
  });
}

function checked<T>(verify: () => T): T {
  try {
    return verify();
  } catch (err) {
    if (!(err instanceof ProvisioningError)) throw err;
    const status = err.code === 'bad_signature' || err.code === 'wrong_terminal' || err.code === 'bad_rotation' ? 403 : 400;
    throw new HttpError(status, err.code === 'malformed' ? 'bad_request' : err.code, err.message);
  }
}
