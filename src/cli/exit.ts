import { CodedError } from '../errors/coded-error.js';
/** posctl exit codes: 0 ok, 1 the thing checked is bad (verification failed), 2 the command could not run. */
export const EXIT = { ok: 0, failed: 1, error: 2 } as const;

/** A command that cannot run as asked (usage, a missing file) or whose check failed: carries its exit status. */
export class CliError extends CodedError<'usage'> {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super('usage', message);
  }
}

export function parseHexKey(text: string | undefined, what: string): Uint8Array | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9a-f]{64}$/.test(text)) throw new CliError(`${what} must be 64 lower-case hex digits (a raw Ed25519 public key)`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function parseSeq(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new CliError(`${what} must be a record seq (a whole number >= 0)`);
  return n;
}

/** An acquirer's base URL: http(s), with a host. */
export function parseHttpUrl(text: string, what: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') {
    throw new CliError(`${what} must be an http(s) URL such as http://127.0.0.1:8080 (got ${JSON.stringify(text)})`);
  }
  return text;
}

/** Why a file named on the command line could not be read, in words (not a raw ENOENT): `what` names its role. */
export function unreadable(file: string, e: unknown, what = 'file'): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CliError(`no such ${what}: ${file}`);
  if (code === 'EISDIR') return new CliError(`${file} is a folder; give the ${what} itself`);
  if (code === 'EACCES' || code === 'EPERM') return new CliError(`cannot read the ${what} ${file}: permission denied`);
  if (e instanceof SyntaxError) return new CliError(`the ${what} ${file} is not JSON (${e.message})`);
  return new CliError(`cannot read the ${what} ${file}: ${(e as Error).message}`);
}
