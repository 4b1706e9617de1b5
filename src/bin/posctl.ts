#!/usr/bin/env node
import { Command } from 'commander';
import { CliError } from '../cli/exit.js';
import { CodedError } from '../errors/coded-error.js';
import { dispositionOf } from '../errors/error-table.js';
import type { TerminalRecords } from '../app/inspect.js';

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
  .option('--issuer-key <asset:hex>', "a wallet issuer's public key (e.g. CNY:64hex), to check offline wallet payments' certificates; repeatable", (v: string, all: string[] = []) => [...all, v])
  .action((file: string, o: { publicKey?: string; acquirerKey?: string; anchor?: string; json?: boolean; issuerKey?: string[] }) =>
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

await program.parseAsync(process.argv);
