import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What every listener of the acquirer simulator shares: JSON bodies parsed by fastify's own
 * protected parser (no `__proto__` or `constructor.prototype` members) with the raw text kept
 * for idempotency hashing, strings without lone surrogates, error answers that are always
 * `{ error, message }` with a 4xx for anything a client sent wrong, and bearer tokens.
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export type RawBodyRequest = FastifyRequest & { rawBody?: string };

/** The most nested arrays and objects a body may have. */
const MAX_DEPTH = 64;

/**
 * Where a parsed JSON value holds a string or member name with an unpaired UTF-16 surrogate
 * (which no canonical JSON may carry), or is nested deeper than MAX_DEPTH; undefined when fine.
 * Iterative, so no input can exhaust the stack.
 */
export function findBadString(value: unknown): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: 'body', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) return `${path} has a lone surrogate`;
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= MAX_DEPTH) return `${path} is nested deeper than ${MAX_DEPTH}`;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) stack.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      } else {
        for (const [key, member] of Object.entries(v)) {
          if (hasLoneSurrogate(key)) return `a member name in ${path} has a lone surrogate`;
          stack.push({ value: member, path: `${path}.${key.slice(0, 64)}`, depth: depth + 1 });
        }
      }
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Installs the protected JSON parser (raw text kept on the request), the error handler and the not-found answer. */
export function hardenJson(app: FastifyInstance, onBadRequest: () => void = () => undefined): void {
  const protectedParse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    (req as RawBodyRequest).rawBody = text;
    protectedParse(req, text, (err: Error | null, value?: unknown) => {
      if (err) return done(new HttpError(400, 'bad_request', describeParseFailure(text)), undefined);
      const bad = findBadString(value);
      if (bad) return done(new HttpError(400, 'bad_request', bad), undefined);
      done(null, value);
    });
  });
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, _req, reply) => {
    if (err instanceof HttpError) {
      if (err.status === 400) onBadRequest();
      return reply.status(err.status).send({ error: err.error, message: err.message.slice(0, 1000) });
    }
    if (err.validation) {
      onBadRequest();
      return reply.status(400).send({ error: 'bad_request', message: err.message.slice(0, 1000) });
    }
    if (err.statusCode === 413) return reply.status(413).send({ error: 'too_large', message: err.message });
    if (err.statusCode === 415) return reply.status(415).send({ error: 'unsupported_media_type', message: err.message });
    if (err.statusCode && err.statusCode < 500) return reply.status(err.statusCode).send({ error: 'bad_request', message: err.message.slice(0, 1000) });
    return reply.status(500).send({ error: 'internal', message: err.message.slice(0, 1000) });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.slice(0, 200)}` }));
}

function describeParseFailure(text: string): string {
  if (text.length === 0) return 'the body is empty';
  try {
    JSON.parse(text);
  } catch {
    return 'the body is not JSON';
  }
  return 'members named __proto__, or constructor with prototype, are not accepted';
}

/** A hook that answers 401 unless the request carries `authorization: Bearer <token>`. */
export function requireBearer(token: string): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const expected = Buffer.from(`Bearer ${token}`);
  return async (req, reply) => {
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      await reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'this port answers only its operator: send authorization: Bearer <token> (printed when the simulator started)' });
    }
  };
}
