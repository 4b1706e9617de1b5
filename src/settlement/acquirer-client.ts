import { Agent, request, type IncomingMessage } from 'node:http';
import { readJsonAnswer } from '../net/json-answer.js';
import { SettlementError } from './errors.js';

export interface AcquirerClientOptions {
  /** Whole-request deadline. */
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/**
 * HTTP to the acquirer. Every failure is a SettlementError; a failed request destroys its socket, so
 * a flapping network never leaves the client wedged on a dead keep-alive connection.
 */
export class AcquirerClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(baseUrl: string, options: AcquirerClientOptions = {}) {
    this.base = new URL(baseUrl);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
  }

  get url(): string {
    return this.base.origin;
  }

  async post(path: string, body: string): Promise<unknown> {
    const url = new URL(path, this.base);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => this.readResponse(res, () => req.destroy()).then(resolve, reject),
      );
      const deadline = setTimeout(() => req.destroy(new SettlementError('timeout', `no answer from ${url.origin} within ${this.timeoutMs} ms`)), this.timeoutMs);
      req.on('close', () => clearTimeout(deadline));
      req.on('error', (err: Error & { code?: string }) => {
        clearTimeout(deadline);
        if (err instanceof SettlementError) return reject(err);
        reject(new SettlementError('unreachable', `${url.origin}: ${err.code ?? err.message}`, { cause: err }));
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private async readResponse(res: IncomingMessage, destroy: () => void): Promise<unknown> {
    const answer = await readJsonAnswer(res, this.maxResponseBytes, destroy);
    switch (answer.kind) {
      case 'too_large':
        throw new SettlementError('malformed_response', `response larger than ${answer.limit} bytes`);
      case 'broke_off':
        throw new SettlementError('unreachable', answer.reason, answer.cause ? { cause: answer.cause } : undefined);
      case 'not_json':
        throw new SettlementError(answer.status >= 500 ? 'server_error' : 'malformed_response', `HTTP ${answer.status}: the body is not JSON`);
      case 'json':
        break;
    }
    const { status, body } = answer;
    if (status === 200) return body;
    const error = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; message?: unknown };
    const message = String(error.message ?? '');
    if (status >= 500) throw new SettlementError('server_error', `HTTP ${status}: ${message}`);
    if (status === 409) throw new SettlementError('idempotency_conflict', `HTTP 409: ${message}`);
    throw new SettlementError('rejected', `HTTP ${status} ${String(error.error ?? '')}: ${message}`);
  }
}
