/**
 * The acquirer's authorisation routes (docs/authorization-protocol.md section 2): the templates
 * the acquirer simulator registers and the paths the terminal's client requests, from one table.
 * Every route is a POST of a signed request; `:ref` is the merchant's order reference.
 */
export const AUTHORIZATION_ROUTES = {
  authorize: '/v1/terminals/:terminal/orders/:ref/authorize',
  query: '/v1/terminals/:terminal/orders/:ref/query',
  reverse: '/v1/terminals/:terminal/orders/:ref/reverse',
  close: '/v1/terminals/:terminal/orders/:ref/close',
  create_qr: '/v1/terminals/:terminal/orders/:ref/merchant-qr',
  void: '/v1/terminals/:terminal/orders/:ref/void',
  refund: '/v1/terminals/:terminal/orders/:ref/refunds/:key',
} as const;

export type AuthorizationRoute = keyof typeof AUTHORIZATION_ROUTES;

/** A route's path with its parameters filled in (validated ids; encodeURIComponent all the same). */
export function authorizationPath(route: AuthorizationRoute, params: { terminal: string; ref: string; key?: string }): string {
  return AUTHORIZATION_ROUTES[route].replace(/:(terminal|ref|key)/g, (_, name: 'terminal' | 'ref' | 'key') => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${route} needs ${name}`);
    return encodeURIComponent(value);
  });
}
