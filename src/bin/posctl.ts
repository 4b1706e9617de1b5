#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_CONFIG, resolveDataDir } from '../cli/data-dir.js';
import { CliError } from '../cli/exit.js';
import { CodedError } from '../errors/coded-error.js';
import { dispositionOf } from '../errors/error-table.js';
import type { LoadedConfig, PosdConfig } from '../app/config/config.js';
import type { TerminalRecords } from '../app/inspect.js';
import type { PosTerminal } from '../app/terminal.js';

/**
 * Output that outlives its reader: when stdout or stderr is a pipe closed early (`posctl journal
 * verify FILE | head -1`), the rest is dropped instead of crashing on EPIPE, and the exit status
 * stays the command's own.
 */
function writer(stream: NodeJS.WriteStream): (line: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    closed = true;
  });
  return (line) => {
    if (!closed) stream.write(`${line}\n`);
  };
}
const out = writer(process.stdout);
const err = writer(process.stderr);

async function run(action: () => Promise<number> | number): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (e) {
    if (e instanceof CliError) {
      err(`posctl: ${e.message}`);
      process.exitCode = e.exitCode;
      return;
    }
    err(`posctl: ${e instanceof CodedError ? `${e.message} (${e.code})` : (e as Error).message}`);
    process.exitCode = dispositionOf(e).exit;
  }
}

/** How a command names the terminal it works on. */
interface TerminalOptions {
  dataDir?: string;
  config?: string;
}

const DATA_DIR_HELP = "posd's data directory (default: the dataDir of --config)";
const CONFIG_HELP = `posd.json, to find the data directory (default: ${DEFAULT_CONFIG})`;

/** posd.json read as posd reads it; its mistakes are posctl's usage errors (exit 2), one line each. */
async function configReader(): Promise<(file: string) => LoadedConfig> {
  const { ConfigError, loadConfig } = await import('../app/config/config.js');
  return (file) => {
    try {
      return loadConfig(file);
    } catch (e) {
      throw e instanceof ConfigError ? new CliError(e.problems.join('\nposctl: ')) : e;
    }
  };
}

/** The data directory the options name (src/cli/data-dir.ts), through the configuration where they name none. */
async function dataDirOf(options: TerminalOptions): Promise<string> {
  return resolveDataDir(options, await configReader(), err);
}

/** Opens the terminal's records read-only (through the app, as every face does), runs, closes. */
async function withRecords(options: TerminalOptions, action: (records: TerminalRecords) => Promise<number> | number): Promise<number> {
  const dataDir = await dataDirOf(options);
  const { inspect } = await import('../app/inspect.js');
  const records = inspect(dataDir);
  try {
    return await action(records);
  } finally {
    records.close();
  }
}

/**
 * Assembles the terminal (through the app, as posd does) from posd.json or a bare data directory,
 * with the printer alone of its devices, runs, stops. The app takes the journal's single-writer
 * lock: while posd runs, this refuses and says where to go instead.
 */
async function withTerminal(o: { config?: string; dataDir?: string }, command: string, action: (terminal: PosTerminal) => Promise<number>): Promise<number> {
  const [app, { writerRunningAdvice }] = await Promise.all([import('../app/index.js'), import('../cli/report-commands.js')]);
  if ((o.config === undefined) === (o.dataDir === undefined)) throw new CliError('give --config FILE (posd.json, for its printer and acquirer) or --data-dir DIR, not both');
  const config: PosdConfig = o.config !== undefined ? (await configReader())(o.config) : { dataDir: await dataDirOf(o), merchant: { name: 'posctl' }, devices: {} };
  const printerOnly: PosdConfig = { ...config, devices: config.devices.printer ? { printer: config.devices.printer } : {} };
  let terminal: PosTerminal;
  try {
    terminal = await app.assemble(printerOnly, { settleInBackground: false, products: [] });
  } catch (e) {
    if (e instanceof app.WriterLockError) throw writerRunningAdvice(command, e.holder);
    throw e;
  }
  try {
    return await action(terminal);
  } finally {
    await terminal.stop();
  }
}

const program = new Command('posctl')
  .description('posd service console: journal, settlement, status, receipts, reports, provisioning, the technician console')
  .showHelpAfterError()
  // A usage mistake commander catches (unknown option, missing argument) exits 2, as posctl's own usage errors do; help exits 0.
  .exitOverride((e) => process.exit(e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version' ? e.exitCode : EXIT_USAGE));
const EXIT_USAGE = 2;

const journal = program.command('journal').description('export, verify and prove the signed journal');
journal
  .command('export')
  .description('write the journal as JSON Lines (header, then one canonical record per line)')
  .option('--data-dir <dir>', DATA_DIR_HELP)
  .option('--config <file>', CONFIG_HELP)
  .requiredOption('--out <file>', 'export file')
  .action((o: TerminalOptions & { out: string }) => run(async () => {
    const { checkExportTarget, exportCommand } = await import('../cli/journal-commands.js');
    checkExportTarget(o.out);
    return withRecords(o, (records) => exportCommand(records, o, out));
  }));
journal
  .command('verify <file>')
  .description('check every signature, the chain, seq continuity, grand totals and checkpoints; exit 1 at the first bad record')
  .option('--public-key <hex>', "pin the terminal's genesis public key")
  .option('--acquirer-key <hex>', "the acquirer's public key, to check countersigned checkpoints")
  .option('--anchor <file>', 'a countersigned checkpoint held by the acquirer (detects a truncated or rewritten tail)')
  .option('--json', 'one JSON object on stdout: ok, reason, line, seq, message, summary (exit status as without it)')
  .option('--issuer-key <asset:hex>', "a wallet issuer's public key (e.g. CNY:64hex), to check offline wallet payments' certificates; repeatable", (v: string, all: string[] = []) => [...all, v])
  .action((file: string, o: { publicKey?: string; acquirerKey?: string; anchor?: string; json?: boolean; issuerKey?: string[] }) =>
    run(async () => (await import('../cli/journal-commands.js')).verifyCommand(file, o, out, err)),
  );
journal
  .command('prove')
  .description('print an RFC 9162 proof: --seq N, that a record is in a checkpoint; --from N --to M, that checkpoint M extends checkpoint N')
  .option('--data-dir <dir>', DATA_DIR_HELP)
  .option('--config <file>', CONFIG_HELP)
  .option('--seq <n>', 'inclusion: the record to prove')
  .option('--checkpoint <n>', 'inclusion: the checkpoint to prove against (default: the first one after the record)')
  .option('--from <n>', 'consistency: the older checkpoint (seq)')
  .option('--to <n>', 'consistency: the newer checkpoint (seq)')
  .action((o: TerminalOptions & { seq?: string; checkpoint?: string; from?: string; to?: string }) =>
    run(async () => {
      const { proveCommand } = await import('../cli/proof-commands.js');
      return withRecords(o, (records) => proveCommand(records.journal, o, out));
    }),
  );
journal
  .command('check-proof <file>')
  .description('check an inclusion or consistency proof printed by `posctl journal prove`')
  .option('--anchor <file>', "a countersigned checkpoint held by the acquirer: the proof's checkpoint must be it")
  .option('--acquirer-key <hex>', "the acquirer's public key, to check the anchor's signature")
  .action((file: string, o: { anchor?: string; acquirerKey?: string }) => run(async () => (await import('../cli/proof-commands.js')).checkProofCommand(file, o, out, err)));

program
  .command('status')
  .description('journal head, grand totals, settlement backlog and dead letters')
  .option('--data-dir <dir>', DATA_DIR_HELP)
  .option('--config <file>', CONFIG_HELP)
  .option('--json', 'one JSON object')
  .option('--dead', 'list the dead letters with their reasons')
  .action((o: TerminalOptions & { json?: boolean; dead?: boolean }) => run(async () => {
    const { statusCommand } = await import('../cli/status-commands.js');
    return withRecords(o, (records) => statusCommand(records, o, out));
  }));

program
  .command('settle')
  .description('forward and settle everything now (when posd is not running)')
  .option('--data-dir <dir>', DATA_DIR_HELP)
  .option('--config <file>', `${CONFIG_HELP}; its acquirer section is used unless --acquirer and --acquirer-key are given`)
  .option('--acquirer <url>', "acquirer base URL (default: the configuration's acquirer.url)")
  .option('--acquirer-key <hex>', "acquirer's public key (default: the configuration's acquirer.publicKey)")
  .option('--attempts <n>', 'give up after this many failures in a row', '5')
  .action((o: TerminalOptions & { acquirer?: string; acquirerKey?: string; attempts?: string }) =>
    run(async () => {
      const [{ settleCommand }, { assemble }, { parseHexKey, parseHttpUrl }, loadConfig] = await Promise.all([
        import('../cli/status-commands.js'),
        import('../app/index.js'),
        import('../cli/exit.js'),
        configReader(),
      ]);
      const configFile = o.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
      const configured = (o.acquirer === undefined || o.acquirerKey === undefined) && configFile !== undefined ? loadConfig(configFile).acquirer : undefined;
      const url = o.acquirer ?? configured?.url;
      const key = o.acquirerKey ?? configured?.publicKey;
      if (url === undefined || key === undefined) {
        throw new CliError('settle needs the acquirer: give --acquirer URL and --acquirer-key HEX, or a configuration (--config) with an acquirer section');
      }
      parseHttpUrl(url, '--acquirer');
      parseHexKey(key, '--acquirer-key');
      positiveInt(o.attempts, '--attempts', 100);
      const dataDir = await dataDirOf(o);
      const { WriterLockError } = await import('../app/index.js');
      const { writerRunningAdvice } = await import('../cli/report-commands.js');
      const terminal = await assemble(
        { dataDir, merchant: { name: 'posctl' }, acquirer: { url, publicKey: key }, devices: {} },
        { settleInBackground: false, products: [] },
      ).catch((e: unknown) => {
        throw e instanceof WriterLockError ? writerRunningAdvice('settle', e.holder) : e;
      });
      try {
        return await settleCommand(terminal.settlement!, o, out, err);
      } finally {
        await terminal.stop();
      }
    }),
  );

const receipt = program.command('receipt').description("verify a receipt's QR code; print a receipt again");
receipt
  .command('verify [text]')
  .description('check the QR code of a receipt (docs/receipt-qr.md), offline: exit 0 valid, 1 invalid (with the reason), 2 could not run')
  .option('--image <file>', 'a PNG of the receipt (a photo, a scan, the printer twin): the QR code is found and read')
  .option('--public-key <hex>', "pin the terminal's signing key (64 hex digits)")
  .option('--acquirer-key <hex>', "the acquirer's public key (64 hex digits): check the key endorsement the QR carries")
  .option('--json', 'one JSON object on stdout: ok, reason, message, receipt (exit status as without it)')
  .action((text: string | undefined, o: { image?: string; publicKey?: string; acquirerKey?: string; json?: boolean }) =>
    run(async () => (await import('../cli/receipt-commands.js')).verifyReceiptCommand(text, o, out, err)),
  );
receipt
  .command('print')
  .description('print a receipt again, marked as a reprint: the last one, or the record --seq N (payment, refund, void); not while posd runs')
  .option('--config <file>', 'posd.json: the printer to print on')
  .option('--data-dir <dir>', 'posd data directory (no printer: fails with no_printer)')
  .option('--seq <n>', 'the record whose receipt to print (default: the last receipt)')
  .option('--copies <which>', 'customer, merchant or both (default: the customer copy)')
  .option('--timeout <s>', 'give up when the printer has not printed within this many seconds', '30')
  .action((o: { config?: string; dataDir?: string; seq?: string; copies?: string; timeout?: string }) =>
    run(async () => {
      const { printReceiptCommand } = await import('../cli/receipt-commands.js');
      return withTerminal(o, 'reprint receipts', (terminal) => printReceiptCommand(terminal, o, out));
    }),
  );

const report = program.command('report').description('end-of-day reports: X (running totals) and Z (the day close)');
report
  .command('x')
  .description('running totals since the last Z, by asset and by method; resets nothing (read-only: works while posd runs)')
  .option('--data-dir <dir>', 'posd data directory')
  .option('--config <file>', "posd.json (its data directory; with --print, its printer)")
  .option('--print', 'print it on the printer too (through the terminal: not while posd runs)')
  .option('--json', 'the report as one JSON object')
  .action((o: { dataDir?: string; config?: string; print?: boolean; json?: boolean }) =>
    run(async () => {
      const { xReportCommand } = await import('../cli/report-commands.js');
      if (o.print) {
        return withTerminal(o, 'print reports', async (terminal) => {
          const report = terminal.reports.x();
          await terminal.reports.print(report);
          return xReportCommand(report, o, out);
        });
      }
      return withRecords(o, (records) => xReportCommand(records.xReport(), o, out));
    }),
  );
report
  .command('z')
  .description('close the business day: irreversible; a signed day_close record with the next Z number and a checkpoint, printed, then settled; not while posd runs')
  .option('--config <file>', 'posd.json: data directory, printer, acquirer')
  .option('--data-dir <dir>', 'posd data directory (no printer, no settlement)')
  .option('--day <yyyy-mm-dd>', "the business day closed (default: the local date of the day's first sale, or today)")
  .option('--no-print', 'do not print the Z report')
  .option('--json', 'the report as one JSON object')
  .action((o: { config?: string; dataDir?: string; day?: string; print?: boolean; json?: boolean }) =>
    run(async () => {
      const { zReportCommand } = await import('../cli/report-commands.js');
      return withTerminal(o, 'close the day', (terminal) => zReportCommand(terminal, o, out, err));
    }),
  );
// ---- provisioning (docs/provisioning.md): with posd stopped, one writer to the journal ----
type Target = { config?: string; rootKey?: string; acquirer?: string };
const withTarget = (command: Command, acquirer = true): Command => {
  command.option('--config <file>', "posd.json: the acquirer root key pinned at install (provisioning.acquirerRootKey) and the acquirer's URL");
  command.option('--root-key <hex>', "the acquirer root key (instead of --config)");
  if (acquirer) command.option('--acquirer <url>', "the acquirer's base URL (instead of --config)");
  return command;
};
const provisioning = async () => {
  const [commands, { provisioningTools }] = await Promise.all([import('../cli/provisioning-commands.js'), import('../app/provisioning-tools.js')]);
  return { commands, tools: provisioningTools };
};

withTarget(
  program
    .command('provision')
    .description('enrol the terminal with a one-time code from the acquirer: proves possession of its key, receives and checks the signed profile')
    .requiredOption('--data-dir <dir>', 'posd data directory')
    .requiredOption('--code <code>', 'the enrolment code the acquirer issued (XXXX-XXXX-XXXX)'),
).action((o: Target & { dataDir: string; code: string }) =>
  run(async () => {
    const { commands, tools } = await provisioning();
    return commands.provisionCommand(tools, o, out);
  }),
);

const profile = program.command('profile').description("the terminal's signed profile: state, pairing code, updates");
withTarget(
  profile
    .command('show')
    .description('provisioning state, pairing code and fingerprint, the profile held, and whether a reset would be allowed')
    .requiredOption('--data-dir <dir>', 'posd data directory')
    .option('--json', 'one JSON object'),
  false,
).action((o: Target & { dataDir: string; json?: boolean }) =>
  run(async () => {
    const { commands, tools } = await provisioning();
    return commands.profileShowCommand(tools, o, out);
  }),
);
withTarget(profile.command('apply <file>').description('accept a profile delivered by hand (newer than the one held, signed by the acquirer)').requiredOption('--data-dir <dir>', 'posd data directory'), false).action(
  (file: string, o: Target & { dataDir: string }) =>
    run(async () => {
      const { commands, tools } = await provisioning();
      return commands.profileApplyCommand(tools, file, o, out);
    }),
);
withTarget(profile.command('fetch').description('ask the acquirer for a pending key endorsement and the newest profile').requiredOption('--data-dir <dir>', 'posd data directory')).action(
  (o: Target & { dataDir: string }) =>
    run(async () => {
      const { commands, tools } = await provisioning();
      return commands.profileFetchCommand(tools, o, out);
    }),
);
withTarget(program.command('rotate-key').description('make a new key (a rotation record signed by the old key, the new one proving possession) and ask the acquirer to endorse it').requiredOption('--data-dir <dir>', 'posd data directory')).action(
  (o: Target & { dataDir: string }) =>
    run(async () => {
      const { commands, tools } = await provisioning();
      return commands.rotateKeyCommand(tools, o, out);
    }),
);
withTarget(
  program
    .command('reset')
    .description('factory reset: refused while anything is unsettled; moves the journal aside, wipes the keys and the profile')
    .requiredOption('--data-dir <dir>', 'posd data directory')
    .option('--force', 'reset although records are unsettled (needs --release)')
    .option('--release <file>', 'a release for this terminal signed by the acquirer (hw-sim acquirer release)'),
  false,
).action((o: Target & { dataDir: string; force?: boolean; release?: string }) =>
  run(async () => {
    const { commands, tools } = await provisioning();
    return commands.resetCommand(tools, o, out);
  }),
);
withTarget(program.command('decommission').description('take the terminal out of service with the acquirer once everything is settled, then reset it').requiredOption('--data-dir <dir>', 'posd data directory')).action(
  (o: Target & { dataDir: string }) =>
    run(async () => {
      const { commands, tools } = await provisioning();
      return commands.decommissionCommand(tools, o, out);
    }),
);

// ---- the technician console (docs/console.md) ----
type ConsoleFlags = TerminalOptions & { api?: string; json?: boolean };

/** What the console works on: posd's API (from --api, or the config's api.listen) and the data directory, when one can be found. */
async function consoleSetup(o: ConsoleFlags & { logFile?: string }): Promise<import('../cli/console/session.js').ConsoleSetup> {
  const [{ inspect }, { tailLog }, { redactConfig }, { TechnicianPin }, { parseApiSettings }, { parseHttpUrl }, readConfig] = await Promise.all([
    import('../app/inspect.js'),
    import('../app/service/log-tail.js'),
    import('../app/service/redact.js'),
    import('../app/service/technician-pin.js'),
    import('../app/config/api.js'),
    import('../cli/exit.js'),
    configReader(),
  ]);
  const configFile = o.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  const loaded = configFile !== undefined ? readConfig(configFile) : undefined;
  let dataDir: string | undefined;
  try {
    dataDir = await dataDirOf({ ...o, ...(configFile ? { config: configFile } : {}) });
  } catch (e) {
    // Named and wrong is a mistake; nothing named and nothing found leaves the screens that need no data directory.
    if (!(e instanceof CliError) || o.dataDir !== undefined || o.config !== undefined) throw e;
  }
  let apiUrl = 'http://127.0.0.1:8737';
  if (o.api !== undefined) apiUrl = parseHttpUrl(o.api, '--api').replace(/\/+$/, '');
  else if (loaded) {
    const api = parseApiSettings(loaded.api, dirname(configFile!));
    const host = api.host === '0.0.0.0' || api.host === '::' ? '127.0.0.1' : api.host;
    apiUrl = `${api.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${api.port}`;
  }
  const { resetCommand } = await import('../cli/provisioning-commands.js');
  const { provisioningTools } = await import('../app/provisioning-tools.js');
  return {
    apiUrl,
    dataDir,
    pinStore: (dir) => new TechnicianPin(dir),
    tools: {
      inspect,
      tailLog: (lines, file) => tailLog(lines, { ...((file ?? o.logFile) !== undefined ? { file: (file ?? o.logFile)! } : {}) }),
      localConfig: () => (loaded && configFile ? { file: resolve(configFile), config: redactConfig(loaded) } : undefined),
      acquirerKey: loaded?.acquirer?.publicKey,
      reset: async (options, say) => resetCommand(provisioningTools, { dataDir: dataDir!, ...(configFile ? { config: configFile } : {}), ...options }, say),
    },
  };
}

const consoleIo = () => ({ input: process.stdin, write: (text: string) => void process.stdout.write(text), envPin: process.env.POSCTL_PIN || undefined });
const consoleOutput = { out, err, stderr: process.stderr };
const withConsoleOptions = (command: Command, json = true): Command => {
  command.option('--data-dir <dir>', DATA_DIR_HELP).option('--config <file>', CONFIG_HELP).option('--api <url>', "posd's local API (default: the config's api.listen, else http://127.0.0.1:8737)");
  if (json) command.option('--json', 'one JSON object on stdout (docs/console.md has the shapes)');
  return command;
};
/** Runs one screen as a subcommand; the options of the console command (before the screen's name) count too. */
const screen = (name: string, o: ConsoleFlags & { logFile?: string }, run: Parameters<typeof import('../cli/console/command.js').runScreen>[5], needsLogin = true) =>
  run_(async () => {
    const merged = { ...consoleCommand.opts<ConsoleFlags>(), ...o };
    const { runScreen } = await import('../cli/console/command.js');
    return runScreen(name, await consoleSetup(merged), consoleIo(), consoleOutput, { ...(merged.json ? { json: true } : {}), needsLogin }, run);
  });
const run_ = run;
const screens = () => import('../cli/console/screens.js');
const positiveInt = (text: string | undefined, what: string, max: number): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${what} must be a whole number from 1 to ${max} (got ${JSON.stringify(text)})`);
  return n;
};

const consoleCommand = withConsoleOptions(
  program
    .command('console')
    .description("the technician's console: interactive (PIN, menu) on a terminal; each screen also a subcommand with --json (docs/console.md)")
    .option('--log-file <file>', "posd's log file, where it does not run under systemd (journald)"),
  false,
).action((o: ConsoleFlags & { logFile?: string }) =>
  run(async () => {
    const { runInteractive } = await import('../cli/console/command.js');
    return runInteractive(await consoleSetup(o), consoleIo());
  }),
);
withConsoleOptions(consoleCommand.command('health').description('every device: state, paper, link, firmware and the reason (exit 1 when one is not ready)')).action((o: ConsoleFlags) =>
  screen('health', o, async (env) => (await screens()).healthScreen(env)),
);
withConsoleOptions(
  consoleCommand
    .command('test <name>')
    .description('a self-test through posd: printer (a test page), scanner (wait for a scan), nfc (wait for a card), gpio (lights, buzzer, drawer), acquirer (reachable, latency); exit 1 when it fails')
    .option('--timeout <s>', 'scanner and nfc: how long to wait (1-120 s, default 30)'),
).action((name: string, o: ConsoleFlags & { timeout?: string }) => {
  if (!['printer', 'scanner', 'nfc', 'gpio', 'acquirer'].includes(name)) consoleCommand.commands.find((c) => c.name() === 'test')!.error(`error: no self-test called ${JSON.stringify(name)}: printer, scanner, nfc, gpio or acquirer`, { exitCode: EXIT_USAGE });
  return screen('test', o, async (env) => (await screens()).selfTestScreen(env, name as 'printer', positiveInt(o.timeout, '--timeout', 120)));
});
withConsoleOptions(consoleCommand.command('queue').description('unsettled records (count, amount per asset, oldest), dead letters with reasons, pending reversals')).action((o: ConsoleFlags) =>
  screen('queue', o, async (env) => (await screens()).queueScreen(env)),
);
withConsoleOptions(consoleCommand.command('settle').description('settle now through posd, with a progress bar (exit 1 when settlement stopped)').option('--attempts <n>', 'failures in a row before giving up (1-20, default 3)')).action(
  (o: ConsoleFlags & { attempts?: string }) => screen('settle', o, async (env, bar) => (await screens()).settleScreen(env, bar('settling'), positiveInt(o.attempts, '--attempts', 20) ?? 3)),
);
withConsoleOptions(consoleCommand.command('verify [file]').description("verify an export file, or the data directory's journal, with progress bars (exit 1 when it fails)")).action((file: string | undefined, o: ConsoleFlags) =>
  screen('verify', o, async (env, bar) => (await screens()).verifyScreen(env, file, { export: bar('reading  '), verify: bar('verifying') }), false),
);
withConsoleOptions(consoleCommand.command('export').description("export the data directory's journal with a progress bar").requiredOption('--out <file>', 'export file')).action((o: ConsoleFlags & { out: string }) =>
  screen('export', o, async (env, bar) => (await screens()).exportScreen(env, o.out, bar('exporting')), false),
);
withConsoleOptions(
  consoleCommand
    .command('log')
    .description("posd's newest log lines: journald (journalctl -u posd -o cat), else --log-file")
    .option('--lines <n>', 'how many (1-2000, default 100)')
    .option('--log-file <file>', "posd's log file, where it does not run under systemd"),
).action((o: ConsoleFlags & { lines?: string; logFile?: string }) => screen('log', o, async (env) => (await screens()).logScreen(env, positiveInt(o.lines, '--lines', 2000) ?? 100, o.logFile)));
withConsoleOptions(consoleCommand.command('config').description('the configuration in force, with keys, tokens, PINs and secrets replaced')).action((o: ConsoleFlags) =>
  screen('config', o, async (env) => (await screens()).configScreen(env)),
);
withConsoleOptions(
  consoleCommand
    .command('reset')
    .description('factory reset under the provisioning rules (posctl reset): posd stopped; refused while anything is unsettled')
    .option('--force', 'reset although records are unsettled (needs --release)')
    .option('--release <file>', 'a release for this terminal signed by the acquirer'),
).action((o: ConsoleFlags & { force?: boolean; release?: string }) =>
  screen('reset', o, async (env) => (await screens()).resetScreen(env, { ...(o.force ? { force: true } : {}), ...(o.release !== undefined ? { release: o.release } : {}) }), false),
);
withConsoleOptions(consoleCommand.command('set-pin').description('set the console PIN (6-12 digits), or change it with the current one; asked on the terminal, or read as lines on stdin'), false).action((o: ConsoleFlags) =>
  run(async () => {
    const setup = await consoleSetup({ ...consoleCommand.opts<ConsoleFlags>(), ...o });
    if (!setup.dataDir) throw new CliError('set-pin writes the PIN into the data directory: give --data-dir DIR or --config FILE');
    const { readPinLines } = await import('../cli/console/command.js');
    const store = setup.pinStore!(setup.dataDir);
    const had = store.isSet();
    const [current, pin, again] = had ? await readPinLines(consoleIo(), ['current PIN: ', 'new PIN: ', 'new PIN again: ']) : ['', ...(await readPinLines(consoleIo(), ['new PIN: ', 'new PIN again: ']))];
    if (pin !== again) throw new CliError('the two new PINs differ');
    try {
      store.set(pin!, had ? current : undefined);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new CliError((e as Error).message, code === 'too_many_attempts' ? 3 : code === 'bad_technician_pin' ? 1 : 2);
    }
    out(`console PIN ${had ? 'changed' : 'set'} (${store.file}; posd checks it at the next attempt)`);
    return 0;
  }),
);

await program.parseAsync(process.argv);
