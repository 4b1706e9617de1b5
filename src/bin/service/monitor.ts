import type { Logger, TerminalStatus } from '../../app/index.js';
import type { HealthCheck } from './health.js';
import type { SystemdNotifier } from './sd-notify.js';
import { statusLine } from './status-line.js';

export interface ServiceMonitorOptions {
  notifier: SystemdNotifier | null;
  checks: readonly HealthCheck[];
  terminalStatus: () => TerminalStatus;
  log: Logger;
  /** How often to check. Default: a quarter of WatchdogSec, so one bad check is forgiven and a
   * lasting problem is not; 5 s without a watchdog. */
  intervalMs?: number;
}

/**
 * Watches posd's health for systemd: runs the checks on a timer, pings the watchdog only while
 * every check passes (so systemd restarts a posd that cannot do its job), and keeps STATUS= up to
 * date. A change of health is logged once, not on every check.
 */
export class ServiceMonitor {
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private unhealthy: readonly string[] = [];
  private lastStatus: string | undefined;
  readonly intervalMs: number;

  constructor(private readonly options: ServiceMonitorOptions) {
    const watchdogMs = options.notifier?.watchdogMs ?? null;
    this.intervalMs = options.intervalMs ?? (watchdogMs !== null ? Math.max(250, Math.floor(watchdogMs / 4)) : 5000);
  }

  start(): void {
    if (this.timer) return;
    this.check();
    this.timer = setInterval(() => this.check(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    this.timer = undefined;
  }

  /** Runs every check; pings the watchdog if all pass. Returns what is wrong (empty when healthy). */
  check(): readonly string[] {
    const reasons = this.options.checks.flatMap((check) => {
      try {
        const reason = check();
        return reason === null ? [] : [reason];
      } catch (err) {
        return [`health check failed: ${(err as Error).message}`];
      }
    });
    if (reasons.join('\n') !== this.unhealthy.join('\n')) {
      if (reasons.length > 0) this.options.log.error({ reasons }, 'unhealthy: the systemd watchdog is no longer fed');
      else this.options.log.info({}, 'healthy again');
    }
    this.unhealthy = reasons;
    if (reasons.length === 0 && this.options.notifier?.watchdogMs != null) void this.options.notifier.watchdog();
    this.publishStatus();
    return reasons;
  }

  /** Something the status line shows changed (a device, settlement, the head): publish soon, once. */
  statusChanged(): void {
    if (this.debounce || !this.timer) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.publishStatus();
    }, 250);
  }

  /** The line STATUS= carries now. */
  statusLine(): string {
    try {
      return statusLine(this.options.terminalStatus(), this.unhealthy);
    } catch (err) {
      return `status unavailable: ${(err as Error).message}`;
    }
  }

  private publishStatus(): void {
    if (!this.options.notifier) return;
    const line = this.statusLine();
    if (line === this.lastStatus) return;
    this.lastStatus = line;
    void this.options.notifier.status(line);
  }
}
