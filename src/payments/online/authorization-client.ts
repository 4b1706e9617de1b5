import { Agent, request, type IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  AnswerError,
  signRequest,
  verifyOrderAnswer,
  verifyRefundAnswer,
  type AuthorizationRequest,
  type AuthorizeRequest,
  type CloseOrderRequest,
  type CreateQrRequest,
  type OrderAnswer,
  type QueryRequest,
  type RefundAnswer,
  type RefundRequest,
  type RequestContent,
  type ReverseRequest,
  type StatementSigner,
  type VoidRequest,
} from '../../protocol/authorization.js';
import { authorizationPath, type AuthorizationRoute } from '../../protocol/authorization-routes.js';
import { readJsonAnswer } from '../../net/json-answer.js';
import { OnlineError } from './errors.js';

/** What the online tenders and refunds ask the acquirer (docs/authorization-protocol.md section 6). */
export interface OnlineAcquirer {
  authorize(ref: string, order: { scheme: string; code: string; amount: number; asset: string }): Promise<OrderAnswer>;
  query(ref: string, signal?: AbortSignal): Promise<OrderAnswer>;
  reverse(ref: string): Promise<OrderAnswer>;
  close(ref: string): Promise<OrderAnswer>;
  createQr(ref: string, order: { amount: number; asset: string; payload: string; expiresAt: number }): Promise<OrderAnswer>;
  void(ref: string, payment: { of: number; amount: number; asset: string; method: 'code' | 'merchant_qr' }): Promise<OrderAnswer>;
  refund(ref: string, key: string, refund: { of: number; amount: number; asset: string; method: RefundRequest['method']; reason: string }): Promise<RefundAnswer>;
}

export interface AuthorizationClientOptions {
  url: string;
  acquirerPublicKey: Uint8Array;
  terminalId: string;
  /** The terminal key's public key in hex, as it signs now (it may rotate). */
  publicKey: () => string;
  sign: StatementSigner;
  /** One request's deadline (the policy's authTimeoutMs). */
  timeoutMs: () => number;
  clock?: () => number;
  maxResponseBytes?: number;
}

/**
 * The terminal's side of the authorisation protocol over HTTP. Every request is signed with the
 * terminal's key; every answer is checked (the acquirer's signature, its shape, and that it
 * answers this very request) before anyone acts on it. Failures are OnlineErrors saying whether
 * the acquirer may have acted.
 */
export class AuthorizationClient implements OnlineAcquirer {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  private readonly base: URL;
  private readonly clock: () => number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: AuthorizationClientOptions) {
    this.base = new URL(options.url);
    this.clock = options.clock ?? Date.now;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  }

  authorize(ref: string, order: { scheme: string; code: string; amount: number; asset: string }): Promise<OrderAnswer> {
    return this.order<AuthorizeRequest>('authorize', ref, { op: 'authorize', ref, method: 'code', ...order });
  }

  query(ref: string, signal?: AbortSignal): Promise<OrderAnswer> {
    return this.order<QueryRequest>('query', ref, { op: 'query', ref, nonce: randomBytes(16).toString('hex') }, signal);
  }

  reverse(ref: string): Promise<OrderAnswer> {
    return this.order<ReverseRequest>('reverse', ref, { op: 'reverse', ref });
  }

  close(ref: string): Promise<OrderAnswer> {
    return this.order<CloseOrderRequest>('close', ref, { op: 'close', ref });
  }

  createQr(ref: string, order: { amount: number; asset: string; payload: string; expiresAt: number }): Promise<OrderAnswer> {
    return this.order<CreateQrRequest>('create_qr', ref, { op: 'create_qr', ref, method: 'merchant_qr', ...order });
  }

  void(ref: string, payment: { of: number; amount: number; asset: string; method: 'code' | 'merchant_qr' }): Promise<OrderAnswer> {
    return this.order<VoidRequest>('void', ref, { op: 'void', ref, ...payment });
  }

  async refund(ref: string, key: string, refund: { of: number; amount: number; asset: string; method: RefundRequest['method']; reason: string }): Promise<RefundAnswer> {
    const { body, request } = this.sign<RefundRequest>({ op: 'refund', ref, refund: key, ...refund });
    const answer = await this.post(authorizationPath('refund', { terminal: this.options.terminalId, ref, key }), body);
    return this.checked(() => verifyRefundAnswer(answer, this.options.acquirerPublicKey, request));
  }

  /** Closes idle connections; the client stays usable. */
  stop(): void {
    this.agent.destroy();
  }

  private async order<R extends AuthorizationRequest>(route: AuthorizationRoute, ref: string, content: RequestContent<R>, signal?: AbortSignal): Promise<OrderAnswer> {
    const { body, request } = this.sign<R>(content);
    const answer = await this.post(authorizationPath(route, { terminal: this.options.terminalId, ref }), body, signal);
    return this.checked(() => verifyOrderAnswer(answer, this.options.acquirerPublicKey, request));
  }

  private sign<R extends AuthorizationRequest>(content: RequestContent<R>): { body: string; request: R } {
    return signRequest<R>(content, { terminal: this.options.terminalId, publicKey: this.options.publicKey(), sign: this.options.sign, now: this.clock() });
  }

  private checked<T>(check: () => T): T {
    try {
      return check();
    } catch (err) {
      if (err instanceof AnswerError) throw new OnlineError('bad_answer', `the acquirer's answer was refused: ${err.message}`, null, { cause: err });
      throw err;
    }
  }

  private post(path: string, body: string, signal?: AbortSignal): Promise<unknown> {
    const url = new URL(path, this.base);
    const timeoutMs = this.options.timeoutMs();
    return new Promise((resolve, reject) => {
      let sent = false;
      const req = request(url, { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) =>
        this.read(res, () => req.destroy()).then(resolve, reject),
      );
      const fail = (error: OnlineError): void => {
        req.destroy(error);
      };
      const deadline = setTimeout(() => fail(new OnlineError('timeout', `no answer from ${url.origin} within ${timeoutMs} ms`, null)), timeoutMs);
      const onAbort = (): void => fail(new OnlineError('lost_answer', 'the request was abandoned', null));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('finish', () => (sent = true));
      req.on('close', () => {
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
      });
      req.on('error', (err: Error & { code?: string }) => {
        if (err instanceof OnlineError) return reject(err);
        // A refused connection never carried the request; anything later may have.
        if (!sent && (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EHOSTUNREACH')) {
          return reject(new OnlineError('unreachable', `${url.origin}: ${err.code}`, false, { cause: err }));
        }
        reject(new OnlineError('lost_answer', `${url.origin}: ${err.code ?? err.message}`, null, { cause: err }));
      });
      if (signal?.aborted) return onAbort();
      req.end(body);
    });
  }

  private async read(res: IncomingMessage, destroy: () => void): Promise<unknown> {
    const answer = await readJsonAnswer(res, this.maxResponseBytes, destroy);
    switch (answer.kind) {
      case 'too_large':
        throw new OnlineError('bad_answer', `answer larger than ${answer.limit} bytes`, null);
      case 'broke_off':
        throw new OnlineError('lost_answer', answer.reason, null, answer.cause ? { cause: answer.cause } : undefined);
      case 'not_json':
        throw new OnlineError(answer.status >= 500 ? 'server_error' : 'bad_answer', `HTTP ${answer.status}: the body is not JSON`, null);
      case 'json':
        break;
    }
    const { status, body } = answer;
    if (status === 200) return body;
    const error = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; message?: unknown };
    const text = `HTTP ${status} ${String(error.error ?? '')}: ${String(error.message ?? '')}`;
    if (status === 503 && error.error === 'system_error') throw new OnlineError('system_error', text, null);
    if (status >= 500) throw new OnlineError('server_error', text, null);
    if (status === 409) throw new OnlineError('idempotency_conflict', text, false);
    throw new OnlineError('rejected', text, false);
  }
}
