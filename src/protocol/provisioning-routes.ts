/**
 * The acquirer's provisioning routes (docs/provisioning.md, section 2): the templates the
 * acquirer simulator registers and the paths the terminal requests, from one table.
 */
export const PROVISIONING_ROUTES = {
  /** POST a NonceRequest: a fresh one-time server nonce for an enrolment or a decommission. */
  nonce: '/v1/enrolment/nonces',
  /** POST an EnrolmentRequest; answered with a ProfileAnswer. */
  enrol: '/v1/enrolment',
  /** GET the newest profile the acquirer issued for the terminal (a ProfileAnswer). */
  profile: '/v1/terminals/:terminal/profile',
  /** POST an EndorsementRequest after a key rotation; answered with a ProfileAnswer carrying the new key's endorsement. */
  endorse: '/v1/terminals/:terminal/endorsements',
  /** POST a DecommissionNotice; answered with a Release. */
  decommission: '/v1/terminals/:terminal/decommission',
} as const;

export type ProvisioningRoute = keyof typeof PROVISIONING_ROUTES;

export function provisioningPath(route: ProvisioningRoute, params: { terminal?: string } = {}): string {
  return PROVISIONING_ROUTES[route].replace(/:terminal/g, () => {
    if (params.terminal === undefined) throw new Error(`route ${route} needs terminal`);
    return encodeURIComponent(params.terminal);
  });
}
