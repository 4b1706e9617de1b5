import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CodedError } from '../../errors/coded-error.js';

/** host:port, an IPv6 host in brackets, the port 1..65535 (the same rule as the service's config schema). */
const PORT = '(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const LISTEN = `^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):${PORT}$`;

export const DEFAULT_API_LISTEN = '127.0.0.1:8737';

/**
 * The `api` section of posd.json: where the local API listens and, for a LAN address, its TLS
 * certificate. (The service work composes every section into one TypeBox schema; this one has the
 * same keys, so it merges as is.)
 */
export const ApiSettingsSchema = Type.Object(
  {
    listen: Type.Optional(
      Type.String({
        pattern: LISTEN,
        default: DEFAULT_API_LISTEN,
        description: 'Address and port of the local API (registers, the counter screen, the technician). Loopback by default; a LAN address needs tls.',
      }),
    ),
    tls: Type.Optional(
      Type.Object(
        {
          cert: Type.String({ minLength: 1, description: "The API's certificate chain (PEM file); a relative path is taken from the configuration file's folder." }),
          key: Type.String({ minLength: 1, description: "The certificate's private key (PEM file, readable by the posd user only); relative as cert." }),
        },
        { additionalProperties: false, description: 'Serve the API over HTTPS with this certificate. Without it the API speaks plain HTTP, on loopback only.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'The local API (docs/ecr-api.md).' },
);

export type ApiSettingsFile = Static<typeof ApiSettingsSchema>;

export interface ApiSettings {
  host: string;
  port: number;
  /** Absolute paths. */
  tls?: { cert: string; key: string };
}

export class ApiConfigError extends CodedError<'bad_config'> {
  override readonly name = 'ApiConfigError';
  constructor(message: string) {
    super('bad_config', message);
  }
}

/** Whether `host` is this machine only: the API may speak plain HTTP there and nowhere else. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Checks the api section (absent: the defaults); relative TLS paths are taken from `baseDir`. */
export function parseApiSettings(value: unknown, baseDir: string): ApiSettings {
  const section = value ?? {};
  const first = Value.Errors(ApiSettingsSchema, section).First();
  if (first) {
    const field = `api${first.path.replaceAll('/', '.')}`;
    throw new ApiConfigError(`${field === 'api' ? 'api' : field}: ${first.message}${first.schema.description ? ` (${first.schema.description})` : ''}`);
  }
  const file = section as ApiSettingsFile;
  const listen = file.listen ?? DEFAULT_API_LISTEN;
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(at + 1));
  if (!isLoopbackHost(host) && !file.tls) {
    throw new ApiConfigError(`api.listen: ${listen} is not a loopback address: the API serves the LAN only over TLS (set api.tls.cert and api.tls.key)`);
  }
  return { host, port, ...(file.tls ? { tls: { cert: resolve(baseDir, file.tls.cert), key: resolve(baseDir, file.tls.key) } } : {}) };
}
