import { CodedError } from '../../errors/coded-error.js';

export type ApiClientErrorCode = 'unreachable' | 'timeout' | 'bad_answer' | 'refused';

/** posd's answer was an error, or posd could not be reached: the API's code and message, or the transport's. */
export class ApiClientError extends CodedError<string> {
  override readonly name = 'ApiClientError';
  constructor(
    code: string,
    message: string,
    readonly status: number | null = null,
    readonly retryAt: number | null = null,
  ) {
    super(code, message);
  }
}

/**
 * The console's side of posd's local API (docs/ecr-api.md): the technician token from the PIN,
 * then JSON calls with it. Loopback only by design: the console runs on the terminal.
 */
export class ApiClient {
  private token: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** Whether posd answers here: its terminal id, or undefined. */
  async probe(timeoutMs = 1500): Promise<string | undefined> {
    try {
      const res = await fetch(`${this.baseUrl}/v1/health`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) return undefined;
      const body = (await res.json()) as { terminal?: unknown };
      return typeof body.terminal === 'string' ? body.terminal : undefined;
    } catch {
      return undefined;
    }
  }

  /** Exchanges the PIN for a technician token (throws the API's error: bad_technician_pin, too_many_attempts, not_configured). */
  async login(pin: string, name = 'posctl console'): Promise<void> {
    const answer = await this.call<{ token: string }>('POST', '/v1/pairings/technician', { pin, name }, { auth: false });
    this.token = answer.token;
  }

  get loggedIn(): boolean {
    return this.token !== undefined;
  }

  /** Revokes the token (at the end of a session); never throws. */
  async logout(): Promise<void> {
    if (!this.token) return;
    await this.call('DELETE', '/v1/tokens/self').catch(() => undefined);
    this.token = undefined;
  }

  get<T>(path: string, timeoutMs?: number): Promise<T> {
    return this.call<T>('GET', path, undefined, timeoutMs !== undefined ? { timeoutMs } : {});
  }

  post<T>(path: string, body: unknown = {}, timeoutMs?: number): Promise<T> {
    return this.call<T>('POST', path, body, timeoutMs !== undefined ? { timeoutMs } : {});
  }

  private async call<T>(method: string, path: string, body?: unknown, options: { auth?: boolean; timeoutMs?: number } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') throw new ApiClientError('timeout', `posd did not answer ${method} ${path} in time`);
      throw new ApiClientError('unreachable', `posd cannot be reached at ${this.baseUrl} (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message})`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new ApiClientError('bad_answer', `posd answered ${method} ${path} with something that is not JSON (HTTP ${res.status})`, res.status);
    }
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: { en?: string }; retryAt?: number } }).error;
      throw new ApiClientError(error?.code ?? 'refused', error?.message?.en ?? `HTTP ${res.status}`, res.status, error?.retryAt ?? null);
    }
    return parsed as T;
  }
}
