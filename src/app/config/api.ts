import { resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { CodedError } from '../../errors/coded-error.js';
import { ApiSection, DEFAULT_API_LISTEN } from './sections/api.js';

/** Where the local API listens, as the server takes it. */
export interface ApiEndpoint {
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

/**
 * The api section (absent: the defaults) as an endpoint; relative TLS paths are taken from
 * `baseDir`. A LAN address without TLS is refused: the API serves plain HTTP on loopback only.
 */
export function parseApiSettings(value: unknown, baseDir: string): ApiEndpoint {
  const section = value ?? {};
  const first = Value.Errors(ApiSection, section).First();
  if (first) {
    const field = `api${first.path.replaceAll('/', '.')}`;
    throw new ApiConfigError(`${field}: ${first.message}${first.schema.description ? ` (${first.schema.description})` : ''}`);
  }
  const file = section as { listen?: string; tls?: { cert: string; key: string } };
  const listen = file.listen ?? DEFAULT_API_LISTEN;
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(at + 1));
  if (!isLoopbackHost(host) && !file.tls) {
    throw new ApiConfigError(`api.listen: ${listen} is not a loopback address: the API serves the LAN only over TLS (set api.tls.cert and api.tls.key)`);
  }
  return { host, port, ...(file.tls ? { tls: { cert: resolve(baseDir, file.tls.cert), key: resolve(baseDir, file.tls.key) } } : {}) };
}
