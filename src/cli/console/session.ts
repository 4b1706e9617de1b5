import { CliError, EXIT } from '../exit.js';
import { ApiClient, ApiClientError } from './api-client.js';
import { Interrupted, keyboard, type Keyboard } from './keyboard.js';
import type { ConsoleEnv, ConsoleTools } from './screens.js';
import { EXIT_UNAVAILABLE, ScreenError } from './screens.js';

/** The console PIN in the data directory (src/app/service/technician-pin.ts, handed in by bin). */
export interface PinStore {
  /** Where the PIN is kept. */
  readonly file: string;
  isSet(): boolean;
  /** Throws a coded error: bad_technician_pin, too_many_attempts (with retryAt), not_configured. */
  check(pin: string): void;
  set(pin: string, current?: string): void;
}

export interface ConsoleSetup {
  apiUrl: string;
  dataDir: string | undefined;
  tools: ConsoleTools;
  pinStore: ((dataDir: string) => PinStore) | undefined;
}

export interface ConsoleIo {
  input: NodeJS.ReadStream;
  write: (text: string) => void;
  /** The PIN from the environment (POSCTL_PIN), for scripts. */
  envPin: string | undefined;
}

/** Finds posd: live when its API answers at apiUrl, read-only otherwise. */
export async function findPosd(setup: ConsoleSetup): Promise<ConsoleEnv> {
  const api = new ApiClient(setup.apiUrl);
  const terminal = await api.probe();
  if (terminal !== undefined) return { mode: 'live', api, terminal, dataDir: setup.dataDir, tools: setup.tools };
  return { mode: 'read-only', api: undefined, terminal: undefined, dataDir: setup.dataDir, tools: setup.tools };
}

export function describeMode(env: ConsoleEnv, apiUrl: string): string {
  return env.mode === 'live'
    ? `live: posd is running at ${apiUrl} (terminal ${env.terminal}); the screens ask posd`
    : `read-only: posd is not running at ${apiUrl}; only the data directory's tools work (queue, journal verify and export, log, configuration, factory reset)${env.dataDir ? `; data directory ${env.dataDir}` : ''}`;
}

const retryNote = (err: unknown): string => {
  const at = (err as { retryAt?: number | null }).retryAt;
  return typeof at === 'number' ? ` (try again after ${new Date(at).toISOString().slice(11, 19)} UTC)` : '';
};

/**
 * A technician token for a scripted subcommand: the PIN from POSCTL_PIN, or asked on the
 * terminal. A wrong PIN ends the command (exit 1), a lockout too (exit 3).
 */
export async function loginForCommand(env: ConsoleEnv, io: ConsoleIo): Promise<void> {
  if (env.mode !== 'live' || !env.api) return;
  let pin = io.envPin;
  if (pin === undefined) {
    if (!io.input.isTTY) throw new CliError('the console PIN: set POSCTL_PIN in the environment (no terminal to ask on)');
    const keys = keyboard(io.input, io.write);
    try {
      pin = await keys.line('console PIN: ', { hidden: true, maxLength: 16 });
    } finally {
      keys.close();
    }
  }
  try {
    await env.api.login(pin);
  } catch (err) {
    if (!(err instanceof ApiClientError)) throw err;
    if (err.code === 'too_many_attempts') throw new ScreenError(err.code, `${err.message}${retryNote(err)}`, EXIT_UNAVAILABLE);
    if (err.code === 'bad_technician_pin') throw new ScreenError(err.code, err.message, EXIT.failed);
    throw new ScreenError(err.code, err.message, err.status === 501 || err.status === 422 ? EXIT.error : EXIT_UNAVAILABLE);
  }
}

/**
 * The interactive console's door: a PIN is set on first use (asked twice), then asked until it
 * is right or the lockout starts. Live, posd checks it (and issues the token); read-only, the
 * PIN file in the data directory does. Returns false when the technician is locked out.
 */
export async function unlock(env: ConsoleEnv, setup: ConsoleSetup, keys: Keyboard, write: (text: string) => void): Promise<boolean> {
  const store = env.dataDir !== undefined && setup.pinStore ? setup.pinStore(env.dataDir) : undefined;
  if (store && !store.isSet()) {
    write('No console PIN is set on this terminal yet. Choose one: 6 to 12 digits, not 123456 or 111111.\r\n');
    for (;;) {
      const pin = await keys.line('new PIN: ', { hidden: true, maxLength: 16 });
      const again = await keys.line('new PIN again: ', { hidden: true, maxLength: 16 });
      if (pin !== again) {
        write('the two PINs differ; again\r\n');
        continue;
      }
      try {
        store.set(pin);
        write('PIN set.\r\n');
        break;
      } catch (err) {
        write(`${(err as Error).message}; again\r\n`);
      }
    }
  } else if (!store && env.mode === 'read-only') {
    throw new CliError('the console needs the data directory (for its PIN): give --data-dir DIR or --config FILE');
  }
  for (;;) {
    const pin = await keys.line('PIN: ', { hidden: true, maxLength: 16 });
    try {
      if (env.mode === 'live' && env.api) await env.api.login(pin);
      else store!.check(pin);
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'too_many_attempts') {
        write(`${(err as Error).message}${retryNote(err)}\r\n`);
        return false;
      }
      if (code === 'bad_technician_pin') {
        write(`${(err as Error).message}\r\n`);
        continue;
      }
      throw err;
    }
  }
}

export { Interrupted };
