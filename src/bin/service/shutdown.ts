import type { Logger } from '../../app/index.js';

/** How long a stop may wait for work in flight (a settlement request) before posd leaves anyway; below the unit's TimeoutStopSec. */
export const STOP_GRACE_MS = 5000;

export interface ShutdownOptions {
  log: Logger;
  /** Stops everything in order; resolves when the terminal is down. */
  stop: (signal: NodeJS.Signals) => Promise<void>;
  /** How long the stop may take before posd leaves anyway. */
  graceMs: number;
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}

/**
 * SIGTERM (systemd stop) and SIGINT (Ctrl-C) stop posd cleanly and exit 0. A signal handler only
 * ever runs between two callbacks, and a journal append is one synchronous transaction, so no
 * append is ever cut in half: stopping waits for the work in flight (a settlement request) up to
 * `graceMs`, then leaves anyway: everything journaled is durable already, and a batch that was on
 * its way to the acquirer is stored and sent again, under the same key, at the next start.
 * A second signal exits at once (status 1).
 */
export function handleShutdownSignals(options: ShutdownOptions): { readonly stopping: boolean; dispose(): void } {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      options.log.warn({ signal }, 'second signal: leaving now, without waiting for the stop to finish');
      exit(1);
      return;
    }
    stopping = true;
    options.log.info({ signal }, 'stopping');
    const grace = setTimeout(() => {
      options.log.warn({ graceMs: options.graceMs }, 'stopping takes too long: leaving now (every journaled record is durable; an unfinished settlement batch is sent again at the next start)');
      exit(0);
    }, options.graceMs);
    options.stop(signal).then(
      () => {
        clearTimeout(grace);
        options.log.info({}, 'stopped');
        exit(0);
      },
      (err: Error) => {
        clearTimeout(grace);
        options.log.error({ err: err.message }, 'stopping failed');
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return {
    get stopping() {
      return stopping;
    },
    dispose: () => {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
