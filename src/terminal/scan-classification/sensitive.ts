import { inspect } from 'node:util';

const MAX_STARS = 16;

/**
 * A payment code as it may appear in a log: the first 4 and last 4 characters, the rest as `*`.
 * Codes of 12 characters or fewer are masked entirely (4 + 4 would show most of them). Past 16
 * hidden characters the stars are capped and the length is written out.
 */
export function maskPaymentCode(code: string): string {
  const n = code.length;
  if (n <= 12) return '*'.repeat(n);
  const hidden = n - 8;
  const stars = '*'.repeat(Math.min(hidden, MAX_STARS));
  const masked = `${code.slice(0, 4)}${stars}${code.slice(-4)}`;
  return hidden > MAX_STARS ? `${masked} (${n} chars)` : masked;
}

/**
 * A code that can pay. It prints, stringifies and JSON-serialises as its mask, so handing a
 * classification to a logger cannot leak it; `reveal()` is the one way to the full text, for
 * the payment request itself.
 */
export class SensitiveCode {
  readonly #value: string;
  readonly masked: string;

  constructor(value: string) {
    this.#value = value;
    this.masked = maskPaymentCode(value);
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  [inspect.custom](): string {
    return `SensitiveCode(${this.masked})`;
  }
}
