#!/usr/bin/env node
import { Command } from 'commander';
import { CliError } from '../cli/exit.js';
import { CodedError } from '../errors/coded-error.js';
import { dispositionOf } from '../errors/error-table.js';
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

/** Opens the terminal's records read-only (through the app, as every face does), runs, closes. */
async function withRecords(dataDir: string, action: (records: TerminalRecords) => Promise<number> | number): Promise<number> {
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
  const config = o.config !== undefined ? app.loadConfig(o.config) : { dataDir: o.dataDir!, merchant: { name: 'posctl' }, devices: {} };
  const printerOnly = { ...config, devices: config.devices.printer ? { printer: config.devices.printer } : {} };
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

const program = new Command('posctl').description('posd service console: journal, settlement, status').showHelpAfterError();

const journal = program.command('journal').description('export, verify and prove the signed journal');
journal
  .command('export')
  .description('write the journal as JSON Lines (header, then one canonical record per line)')
  .requiredOption('--data-dir <dir>', 'posd data directory')
  .requiredOption('--out <file>', 'export file')
  .action((o: { dataDir: string; out: string }) => run(async () => {
    const { exportCommand } = await import('../cli/journal-commands.js');
    return withRecords(o.dataDir, (records) => exportCommand(records, o, out));
  }));
journal
  .command('verify <file>')
  .description('check every signature, the chain, seq continuity, grand totals and checkpoints; exit 1 at the first bad record')
  .option('--public-key <hex>', "pin the terminal's genesis public key")
  .option('--acquirer-key <hex>', "the acquirer's public key, to check countersigned checkpoints")
  .option('--anchor <file>', 'a countersigned checkpoint held by the acquirer (detects a truncated or rewritten tail)')
  .option('--json', 'one JSON object on stdout: ok, reason, line, seq, message, summary (exit status as without it)')
  .action((file: string, o: { publicKey?: string; acquirerKey?: string; anchor?: string; json?: boolean }) =>
    run(async () => (await import('../cli/journal-commands.js')).verifyCommand(file, o, out, err)),
  );
journal
  .command('prove')
  .description('print an RFC 9162 proof: --seq N, that a record is in a checkpoint; --from N --to M, that checkpoint M extends checkpoint N')
  .requiredOption('--data-dir <dir>', 'posd data directory')
  .option('--seq <n>', 'inclusion: the record to prove')
  .option('--checkpoint <n>', 'inclusion: the checkpoint to prove against (default: the first one after the record)')
  .option('--from <n>', 'consistency: the older checkpoint (seq)')
  .option('--to <n>', 'consistency: the newer checkpoint (seq)')
  .action((o: { dataDir: string; seq?: string; checkpoint?: string; from?: string; to?: string }) =>
    run(async () => {
      const { proveCommand } = await import('../cli/proof-commands.js');
      return withRecords(o.dataDir, (records) => proveCommand(records.journal, o, out));
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
  .requiredOption('--data-dir <dir>', 'posd data directory')
  .option('--json', 'one JSON object')
  .option('--dead', 'list the dead letters with their reasons')
  .action((o: { dataDir: string; json?: boolean; dead?: boolean }) => run(async () => {
    const { statusCommand } = await import('../cli/status-commands.js');
    return withRecords(o.dataDir, (records) => statusCommand(records, o, out));
  }));

program
  .command('settle')
  .description('forward and settle everything now (when posd is not running)')
  .requiredOption('--data-dir <dir>', 'posd data directory')
  .requiredOption('--acquirer <url>', 'acquirer base URL')
  .requiredOption('--acquirer-key <hex>', "acquirer's public key")
  .option('--attempts <n>', 'give up after this many failures in a row', '5')
  .action((o: { dataDir: string; acquirer: string; acquirerKey: string; attempts?: string }) =>
    run(async () => {
      const [{ settleCommand }, { assemble }, { parseHexKey }] = await Promise.all([import('../cli/status-commands.js'), import('../app/index.js'), import('../cli/exit.js')]);
      parseHexKey(o.acquirerKey, '--acquirer-key');
      if (!/^https?:\/\/[^/\s]+/.test(o.acquirer)) throw new CliError(`--acquirer must be the acquirer's http(s) URL, such as http://127.0.0.1:8080 (got ${JSON.stringify(o.acquirer)})`);
      const terminal = await assemble(
        { dataDir: o.dataDir, merchant: { name: 'posctl' }, acquirer: { url: o.acquirer, publicKey: o.acquirerKey }, devices: {} },
        { settleInBackground: false, products: [] },
      );
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
  .option('--json', 'one JSON object on stdout: ok, reason, message, receipt (exit status as without it)')
  .action((text: string | undefined, o: { image?: string; publicKey?: string; json?: boolean }) =>
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
      if ((o.config === undefined) === (o.dataDir === undefined)) throw new CliError('give --data-dir DIR or --config FILE, not both');
      const dataDir = o.dataDir ?? (await import('../app/index.js')).loadConfig(o.config!).dataDir;
      return withRecords(dataDir, (records) => xReportCommand(records.xReport(), o, out));
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

await program.parseAsync(process.argv);
