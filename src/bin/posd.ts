#!/usr/bin/env node
import { Command } from 'commander';
import { pino } from 'pino';
import { assemble, ConfigError, loadConfig, type LoadedConfig } from '../app/index.js';

const program = new Command('posd')
  .description('posd: the point-of-sale terminal runtime')
  .option('--config <file>', 'posd.json (docs/config.md)', '/etc/posd/posd.json')
  .option('--log-level <level>', "pino log level (default: the configuration's log.level)")
  .showHelpAfterError();

program.parse(process.argv);
const options = program.opts<{ config: string; logLevel?: string }>();

let config: LoadedConfig;
try {
  config = loadConfig(options.config);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A person reads this: plain lines on stderr, one per mistake, naming the file and the field.
  process.stderr.write(`${err.message}\nposd: not started: fix ${options.config} (docs/config.md explains every setting)\n`);
  process.exit(2);
}
// Structured logs (JSON lines on stdout) for journald or a log shipper: pino is fast and
// never blocks the payment path on a slow terminal.
const log = pino({ name: 'posd', level: options.logLevel ?? config.log.level });

try {
  const terminal = await assemble(config, { log });
  log.info(terminal.status(), 'posd running');
  // A terminal with nothing configured yet still runs until stopped.
  const keepAlive = setInterval(() => undefined, 3_600_000);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    clearInterval(keepAlive);
    await terminal.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  log.fatal({ err: (err as Error).message }, 'cannot start');
  process.exitCode = 2;
}
