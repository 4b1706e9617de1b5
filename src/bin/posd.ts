#!/usr/bin/env node
import { Command } from 'commander';
import { pino } from 'pino';
import { dirname, resolve } from 'node:path';
import { ConfigError, loadConfig, type LoadedConfig, type Logger, type PosTerminal } from '../app/index.js';
import { CodedError } from '../errors/coded-error.js';
import { dispositionOf } from '../errors/error-table.js';
import { dataDirCheck, eventLoopCheck, journalCheck } from './service/health.js';
import { ServiceMonitor } from './service/monitor.js';
import { SystemdNotifier } from './service/sd-notify.js';
import { handleShutdownSignals, STOP_GRACE_MS } from './service/shutdown.js';
import { startPosd } from './service/start.js';

const program = new Command('posd')
  .description('posd: the point-of-sale terminal runtime')
  .option('--config <file>', 'posd.json (docs/config.md)', '/etc/posd/posd.json')
  .option('--log-level <level>', "pino log level (default: the configuration's log.level)")
  .option('--check', 'check the configuration and exit: 0 when it is good, 2 when it has mistakes')
  .showHelpAfterError();

program.parse(process.argv);
const options = program.opts<{ config: string; logLevel?: string; check?: boolean }>();

let config: LoadedConfig;
try {
  config = loadConfig(options.config);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A person reads this: plain lines on stderr, one per mistake, naming the file and the field.
  process.stderr.write(`${err.message}\nposd: not started: fix ${options.config} (docs/config.md explains every setting)\n`);
  process.exit(2);
}
if (options.check) {
  process.stdout.write(`posd: ${options.config} is a good configuration (data directory ${config.dataDir})\n`);
  process.exit(0);
}
// Structured logs (JSON lines on stdout) for journald or a log shipper: pino is fast and
// never blocks the payment path on a slow terminal.
const log = pino({ name: 'posd', level: options.logLevel ?? config.log.level });
const notifier = SystemdNotifier.fromEnvironment(process.env, log);
let monitor: ServiceMonitor | undefined;

const starting = startPosd(config, { log, configDir: dirname(options.config), configFile: resolve(options.config) });
const shutdown = handleShutdownSignals({
  log,
  graceMs: STOP_GRACE_MS,
  stop: async () => {
    monitor?.stop();
    await notifier?.stopping('stopping: finishing the work in flight');
    // A signal during start-up waits for posd to be up, then takes it down: the API closes
    // first (no new payment starts), then the payment in flight finishes and the terminal stops.
    const running = await starting.catch(() => undefined);
    await running?.stop();
    await notifier?.close();
  },
});

let terminal: PosTerminal;
try {
  terminal = (await starting).terminal;
} catch (err) {
  const message = err instanceof CodedError ? `${(err as Error).message} (${err.code})` : (err as Error).message;
  log.fatal({ err: message }, 'cannot start');
  process.stderr.write(`posd: cannot start: ${message}\n`);
  // 2: fix the configuration or the hardware it names (the unit does not restart for it); 1: anything else.
  process.exit(dispositionOf(err).kind === 'bad_input' ? 2 : 1);
}

if (!shutdown.stopping) {
  watchSettlement(terminal, log);
  monitor = new ServiceMonitor({
    notifier,
    log,
    terminalStatus: () => terminal.status(),
    checks: [
      eventLoopCheck(Math.min(5000, (notifier?.watchdogMs ?? Infinity) / 2)),
      dataDirCheck(config.dataDir),
      journalCheck(() => terminal.status()),
    ],
  });
  for (const event of ['device.health', 'settlement.status', 'payment.updated', 'integrity.failed'] as const) terminal.events.on(event, () => monitor?.statusChanged());
  log.info(terminal.status(), 'posd running');
  // Journal open and checked, devices started, the API listening: systemd may now call posd started.
  await notifier?.ready(monitor.statusLine());
  if (!shutdown.stopping) monitor.start();
}

/** Settlement's state changes in the log: failures as warnings, the rest for debugging. */
function watchSettlement(terminal: PosTerminal, log: Logger & { debug(fields: Record<string, unknown>, message: string): void }): void {
  let last: string | undefined;
  terminal.events.on('settlement.status', (status) => {
    if (status.state === last) return;
    last = status.state;
    const fields = { state: status.state, unsettled: status.counters?.unsettledCount ?? null, lastError: status.lastError?.message ?? null };
    if (status.state === 'waiting') log.warn(fields, 'settlement');
    else log.debug(fields, 'settlement');
  });
}
