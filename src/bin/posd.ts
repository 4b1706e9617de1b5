#!/usr/bin/env node
import { Command } from 'commander';
import { pino } from 'pino';
import { readFileSync } from 'node:fs';
import { createApiServer } from '../api/http/index.js';
import { assemble, ConfigError, loadConfig } from '../app/index.js';

const program = new Command('posd')
  .description('posd: the point-of-sale terminal runtime')
  .requiredOption('--config <file>', 'posd.json: data directory, merchant, acquirer, device URIs (docs/hardware.md)')
  .option('--log-level <level>', 'pino log level', 'info')
  .showHelpAfterError();

program.parse(process.argv);
const options = program.opts<{ config: string; logLevel: string }>();
// Structured logs (JSON lines on stdout) for journald or a log shipper: pino is fast and
// never blocks the payment path on a slow terminal.
const log = pino({ name: 'posd', level: options.logLevel });

try {
  const config = loadConfig(options.config);
  const terminal = await assemble(config, { log });
  const settings = config.api ?? { host: '127.0.0.1', port: 8737 };
  const api = await createApiServer(terminal, {
    dataDir: config.dataDir,
    host: settings.host,
    port: settings.port,
    log,
    ...(settings.tls ? { tls: { cert: readFileSync(settings.tls.cert), key: readFileSync(settings.tls.key) } } : {}),
  });
  await api.listen();
  // A terminal no register has paired with shows a pairing code (and logs it) at once.
  if (!api.tokens.has('register')) terminal.pairing.open();
  log.info(terminal.status(), 'posd running');
  // A terminal with nothing configured yet still runs until stopped.
  const keepAlive = setInterval(() => undefined, 3_600_000);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    clearInterval(keepAlive);
    await api.close();
    await terminal.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  log.fatal({ err: (err as Error).message }, err instanceof ConfigError ? 'bad configuration' : 'cannot start');
  process.exitCode = 2;
}
