/**
 * The acquirer's settlement routes (docs/settlement-protocol.md): the templates the acquirer
 * simulator registers and the paths the terminal's client requests, from one table.
 */
export const SETTLEMENT_ROUTES = {
  /** POST an UploadRequest; the key is the batch id. */
  upload: '/v1/terminals/:terminal/uploads/:key',
  /** POST a CloseRequest; the key is the close id. */
  close: '/v1/terminals/:terminal/settlements/:key',
  /** GET the latest balanced close ack: the countersigned checkpoint to anchor a journal against. */
  checkpoint: '/v1/terminals/:terminal/checkpoint',
  /** GET the acquirer's key. */
  acquirer: '/v1/acquirer',
} as const;

export type SettlementRoute = keyof typeof SETTLEMENT_ROUTES;

/** A route's path with its parameters filled in (they are validated ids, so no escaping is needed beyond encodeURIComponent). */
export function settlementPath(route: SettlementRoute, params: { terminal?: string; key?: string } = {}): string {
  return SETTLEMENT_ROUTES[route].replace(/:(terminal|key)/g, (_, name: 'terminal' | 'key') => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${route} needs ${name}`);
    return encodeURIComponent(value);
  });
}
