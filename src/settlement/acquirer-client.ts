import { Agent, request, type IncomingMessage } from 'node:http';
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
        (res) => this.readResponse(res, req.destroy.bind(req)).then(resolve, reject),
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

  private readResponse(res: IncomingMessage, destroy: (err?: Error) => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxResponseBytes) {
          destroy();
          reject(new SettlementError('malformed_response', `response larger than ${this.maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => reject(new SettlementError('unreachable', `response broke off: ${err.message}`, { cause: err })));
      res.on('aborted', () => reject(new SettlementError('unreachable', 'response broke off')));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          if (!res.complete) return reject(new SettlementError('unreachable', 'response broke off'));
          return reject(new SettlementError(res.statusCode && res.statusCode >= 500 ? 'server_error' : 'malformed_response', `HTTP ${res.statusCode}: the body is not JSON`));
        }
        const status = res.statusCode ?? 0;
        if (status === 200) return resolve(json);
        const error = (json as { error?: string; message?: string }) ?? {};
        if (status >= 500) return reject(new SettlementError('server_error', `HTTP ${status}: ${error.message ?? ''}`));
        if (status === 409) return reject(new SettlementError('idempotency_conflict', `HTTP 409: ${error.message ?? ''}`));
        reject(new SettlementError('rejected', `HTTP ${status} ${error.error ?? ''}: ${error.message ?? ''}`));
      });
    });
  }
}
