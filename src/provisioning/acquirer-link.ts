import { request, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readJsonAnswer } from '../net/json-answer.js';
import { ProvisioningFailure } from './errors.js';

export interface AcquirerLinkOptions {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/**
 * JSON over HTTP(S) to the acquirer's provisioning routes. Every failure is a
 * ProvisioningFailure: unreachable, timeout, malformed_response, or rejected (4xx, carrying
 * the acquirer's `{ error, message }`). Answers are size-capped; what they say is verified by
 * the caller (signatures, schemas), never trusted here.
 */
export class AcquirerLink {
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(baseUrl: string, options: AcquirerLinkOptions = {}) {
    try {
      this.base = new URL(baseUrl);
    } catch {
      throw new ProvisioningFailure('not_configured', `the acquirer URL ${JSON.stringify(baseUrl)} is not a URL`);
    }
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw new ProvisioningFailure('not_configured', `the acquirer URL must be http(s), not ${this.base.protocol}`);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  }

  get url(): string {
    return this.base.origin;
  }

  get(path: string): Promise<unknown> {
    return this.send('GET', path, undefined);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.send('POST', path, JSON.stringify(body));
  }

  private send(method: 'GET' | 'POST', path: string, body: string | undefined): Promise<unknown> {
    const url = new URL(path, this.base);
    const open = url.protocol === 'https:' ? httpsRequest : request;
    return new Promise((resolve, reject) => {
      const req = open(
        url,
        { method, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => this.read(res, () => req.destroy()).then(resolve, reject),
      );
      const deadline = setTimeout(() => req.destroy(new ProvisioningFailure('timeout', `no answer from ${url.origin} within ${this.timeoutMs} ms`)), this.timeoutMs);
      req.on('close', () => clearTimeout(deadline));
      req.on('error', (err: Error & { code?: string }) => {
        clearTimeout(deadline);
        reject(err instanceof ProvisioningFailure ? err : new ProvisioningFailure('unreachable', `${url.origin}: ${err.code ?? err.message}`, { cause: err }));
      });
      req.end(body);
    });
  }

  private async read(res: IncomingMessage, abort: () => void): Promise<unknown> {
    const answer = await readJsonAnswer(res, this.maxResponseBytes, abort);
    switch (answer.kind) {
      case 'too_large':
        throw new ProvisioningFailure('malformed_response', `the answer is larger than ${answer.limit} bytes`);
      case 'broke_off':
        throw new ProvisioningFailure('unreachable', answer.reason, answer.cause ? { cause: answer.cause } : {});
      case 'not_json':
        throw new ProvisioningFailure(answer.status >= 500 ? 'unreachable' : 'malformed_response', `HTTP ${answer.status}: the answer is not JSON`);
      case 'json':
        break;
    }
    const { status, body } = answer;
    if (status === 200) return body;
    const wire = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; message?: unknown };
    const error = typeof wire.error === 'string' ? wire.error.slice(0, 64) : 'unknown';
    const message = typeof wire.message === 'string' ? wire.message.slice(0, 500) : '';
    if (status >= 500) throw new ProvisioningFailure('unreachable', `HTTP ${status} ${error}: ${message}`);
    throw new ProvisioningFailure('rejected', `the acquirer refused (HTTP ${status} ${error}): ${message}`, { status, error });
  }
}
