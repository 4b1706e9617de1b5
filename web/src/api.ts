/** The local API as the counter screen uses it: same origin, the counter token in a header. */

export interface ApiMessage {
  en: string;
  zh: string;
}

/** An error answer of the API (its stable code and its message in both languages), or a network failure. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: ApiMessage,
  ) {
    super(`${code}: ${text.en}`);
  }
}

const TOKEN_KEY = 'posd.counterToken';

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function forgetToken(): void {
  localStorage.removeItem(TOKEN_KEY);
}

/** Exchanges the counter ticket (from the page's #ticket=...) for the counter token, and keeps it. */
export async function pairWithTicket(ticket: string): Promise<string> {
  const answer = await send<{ token: string }>('POST', '/v1/pairings/counter', null, { ticket, name: 'counter screen' });
  localStorage.setItem(TOKEN_KEY, answer.token);
  return answer.token;
}

/** A key for a request that must not be done twice: fixed before the first try, kept for retries. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `ui-${Date.now().toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function send<T>(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const all: Record<string, string> = { ...headers };
  if (token) all.authorization = `Bearer ${token}`;
  if (body !== undefined) all['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers: all, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiFailure(0, 'network', { en: 'the terminal did not answer (is posd running?)', zh: '终端没有响应（posd 是否在运行？）' });
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: ApiMessage } } | null)?.error;
    throw new ApiFailure(res.status, error?.code ?? `http_${res.status}`, error?.message ?? { en: `HTTP ${res.status}`, zh: `HTTP ${res.status}` });
  }
  return parsed as T;
}

export class CounterApi {
  constructor(private readonly token: string) {}

  get<T>(path: string): Promise<T> {
    return send<T>('GET', path, this.token);
  }

  post<T>(path: string, body: unknown = {}, idempotencyKey?: string): Promise<T> {
    return send<T>('POST', path, this.token, body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
  }

  delete<T>(path: string): Promise<T> {
    return send<T>('DELETE', path, this.token);
  }

  get bearer(): string {
    return this.token;
  }
}
