import { readFileSync } from 'node:fs';
import { createApiServer, type ApiServer } from '../../api/http/index.js';
import { parseApiSettings } from '../../app/config/api.js';
import { tailLog } from '../../app/service/log-tail.js';
import { redactConfig } from '../../app/service/redact.js';
import { TechnicianPin } from '../../app/service/technician-pin.js';
import { assemble, type AssembleOptions, type LoadedConfig, type Logger, type PosTerminal } from '../../app/index.js';

export interface StartPosdOptions {
  log: Logger;
  /** Where posd.json is: relative paths in its api section are taken from here. */
  configDir: string;
  /** posd.json's absolute path, for the technician's redacted config dump; default: none shown. */
  configFile?: string;
  /** Simulated devices (the demo): hw-sim's buses and IO plugins. posd on real hardware passes none. */
  env?: AssembleOptions['env'];
}

/** posd up: the terminal assembled (journal open and checked, devices started) and the local API listening. */
export interface RunningPosd {
  readonly terminal: PosTerminal;
  readonly api: ApiServer;
  /** The base URL the API listens on. */
  readonly url: string;
  /** The API closes first (no new payment starts), then the terminal finishes what is in flight and stops. */
  stop(): Promise<void>;
}

/**
 * posd's start, shared by the daemon (src/bin/posd.ts) and the demo (`npm start`): assemble the
 * terminal from the configuration, then serve the local API. When the API cannot start, the
 * terminal is stopped again before the error is thrown.
 */
export async function startPosd(config: LoadedConfig, options: StartPosdOptions): Promise<RunningPosd> {
  const settings = parseApiSettings(config.api, options.configDir);
  const terminal = await assemble(config, { log: options.log, ...(options.env ? { env: options.env } : {}) });
  const technicianPin = new TechnicianPin(config.dataDir);
  let api: ApiServer | undefined;
  try {
    api = await createApiServer(terminal, {
      dataDir: config.dataDir,
      host: settings.host,
      port: settings.port,
      log: options.log,
      ...(settings.tls ? { tls: { cert: readFileSync(settings.tls.cert), key: readFileSync(settings.tls.key) } } : {}),
      // The console's PIN (posctl console set-pin), read from the data directory at each attempt; its lockout is kept there too.
      technicianPin: (pin) => (technicianPin.check(pin), true),
      service: {
        log: (lines) => tailLog(lines, process.env.POSD_LOG_FILE ? { file: process.env.POSD_LOG_FILE } : {}),
        config: () => ({ file: options.configFile ?? null, config: redactConfig(config) }),
      },
    });
    const url = await api.listen();
    // A terminal no register has paired with shows a pairing code (and logs it) at once.
    if (!api.tokens.has('register')) terminal.pairing.open();
    const server = api;
    return {
      terminal,
      api: server,
      url,
      stop: async () => {
        await server.close();
        await terminal.stop();
      },
    };
  } catch (err) {
    await api?.close().catch(() => undefined);
    await terminal.stop().catch(() => undefined);
    throw err;
  }
}
