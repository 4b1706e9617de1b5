import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { IoPlugin } from './io-plugin.js';

/*
 * johnny-five 2.1 is CommonJS with no type declarations. These are the few parts posd uses,
 * typed from its lib/board.js and lib/board.pins.js. It is loaded with createRequire on first
 * use, so posd pays its ~50 ms load only when a GPIO device is configured.
 *
 * With an `io` plugin given, johnny-five never requires serialport or firmata (those are only
 * reached from Board's serial auto-detection, which also needs serialport@8's native build,
 * deliberately not built here: `new Board()` without `io` throws "Could not locate the bindings
 * file").
 */

/** Options that keep johnny-five quiet and out of the process: no REPL, no console output, no SIGINT handler. */
export interface J5BoardOptions {
  io: IoPlugin;
  repl: false;
  debug: false;
  sigint: false;
  /** ms between the plugin's `connect` and `ready` before the Board emits an error (johnny-five default 10 s). */
  timeout?: number;
  id?: string;
}

/** Board.Pins: the plugin's pin table as johnny-five sees it. */
export interface J5Pins {
  readonly length: number;
  isInput(pin: number): boolean;
  isOutput(pin: number): boolean;
  isPwm(pin: number): boolean;
}

/** Events: `connect`, `ready`, and after ready the plugin's `error`, `close`, `disconnect`, forwarded. */
export interface J5Board extends EventEmitter {
  readonly id: string;
  readonly io: IoPlugin;
  readonly isReady: boolean;
  readonly pins: J5Pins;
  /** johnny-five's connect-to-ready watchdog; still pending if the Board is dropped before ready. */
  timer: ReturnType<typeof setTimeout> | null;
}

export interface J5BoardConstructor {
  new (options: J5BoardOptions): J5Board;
  /** The module-level list every Board adds itself to and never leaves. */
  readonly cache: J5Board[];
}

export interface JohnnyFive {
  readonly Board: J5BoardConstructor;
}

let loaded: JohnnyFive | undefined;

export function loadJohnnyFive(): JohnnyFive {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    // Board alone (lib/board.js is what the package exports as Board): the package's index loads
    // every component johnny-five has (motors, LCDs, IMUs, lodash, chalk), about 5 MB posd never uses.
    loaded = { Board: require('johnny-five/lib/board.js') as J5BoardConstructor };
  }
  return loaded;
}

/** A johnny-five Board on an injected IO plugin, with every default that would print or grab a signal turned off. */
export function createBoard(io: IoPlugin, connectToReadyTimeoutMs: number): J5Board {
  const { Board } = loadJohnnyFive();
  return new Board({ io, repl: false, debug: false, sigint: false, timeout: connectToReadyTimeoutMs });
}

/**
 * Lets a Board go: clears johnny-five's pending watchdog, takes it out of the module cache (or
 * every Board made after a reconnect would stay in memory) and keeps an `error` listener, since
 * the Board still forwards the plugin's errors and an unheard `error` event would throw.
 */
export function disposeBoard(board: J5Board): void {
  if (board.timer) clearTimeout(board.timer);
  board.timer = null;
  const cache = loadJohnnyFive().Board.cache;
  const at = cache.indexOf(board);
  if (at >= 0) cache.splice(at, 1);
  board.removeAllListeners();
  board.on('error', () => undefined);
}
