import type { Logger } from '../../app/index.js';
import { openNotifyTransport, type NotifyTransport } from './notify-transport.js';

/**
 * The service side of systemd's notify protocol (sd_notify(3)): READY=1 once the terminal is
 * up, STATUS= for `systemctl status`, WATCHDOG=1 while healthy, STOPPING=1 on the way out.
 * Without $NOTIFY_SOCKET (not run by systemd, or not Type=notify) there is no notifier at all.
 */
export class SystemdNotifier {
  private queue: Promise<void> = Promise.resolve();
  private lastFailure: string | undefined;

  constructor(
    private readonly transport: NotifyTransport,
    private readonly log: Logger,
    /** WatchdogSec in ms (WATCHDOG_USEC) when the watchdog is meant for this process, else null. */
    readonly watchdogMs: number | null,
  ) {}

  /** A notifier for this process's environment, or null when systemd is not listening. */
  static fromEnvironment(env: NodeJS.ProcessEnv, log: Logger, pid = process.pid): SystemdNotifier | null {
    const socket = env.NOTIFY_SOCKET;
    if (!socket) return null;
    const transport = openNotifyTransport(socket);
    log.info({ socket, transport: transport.kind, watchdogMs: watchdogInterval(env, pid) }, 'systemd notify socket');
    return new SystemdNotifier(transport, log, watchdogInterval(env, pid));
  }

  ready(status: string): Promise<void> {
    return this.send([['READY', '1'], ['STATUS', status]]);
  }

  status(status: string): Promise<void> {
    return this.send([['STATUS', status]]);
  }

  watchdog(): Promise<void> {
    return this.send([['WATCHDOG', '1']]);
  }

  stopping(status: string): Promise<void> {
    return this.send([['STOPPING', '1'], ['STATUS', status]]);
  }

  /** Waits for what was sent, then lets the socket go. */
  async close(): Promise<void> {
    await this.queue;
    this.transport.close();
  }

  /** In order, one at a time; a failure is logged (once while it repeats) and never thrown at the terminal. */
  private send(fields: readonly [string, string][]): Promise<void> {
    const message = formatNotification(fields);
    this.queue = this.queue.then(
      () =>
        this.transport.send(message).then(
          () => {
            if (this.lastFailure !== undefined) this.log.info({}, 'systemd notify socket works again');
            this.lastFailure = undefined;
          },
          (err: Error) => {
            if (err.message !== this.lastFailure) this.log.warn({ err: err.message, message }, 'systemd did not get a notification');
            this.lastFailure = err.message;
          },
        ),
    );
    return this.queue;
  }
}

/** One datagram: KEY=VALUE lines; a value cannot hold a newline (it would start a new key), so those become spaces. */
export function formatNotification(fields: readonly [string, string][]): string {
  return fields.map(([key, value]) => `${key}=${value.replace(/[\r\n]+/g, ' ')}`).join('\n');
}

/** WATCHDOG_USEC as ms, when set and meant for `pid` (WATCHDOG_PID unset or equal); else null (sd_watchdog_enabled(3)). */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isSafeInteger(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 1000));
}
