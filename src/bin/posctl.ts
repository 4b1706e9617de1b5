#!/usr/bin/env node
import { Command } from 'commander';
import { CliError, EXIT } from '../cli/exit.js';

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
    err(`posctl: ${e instanceof CliError ? e.message : (e as Error).message}`);
    process.exitCode = e instanceof CliError ? e.exitCode : EXIT.error;
  }
}

const program = new Command('posctl').description('posd service console: journal, settlement, status').showHelpAfterError();

const journal = program.command('journal').description('export, verify and prove the signed journal');
journal
  .command('export')
  .description('write the journal as JSON Lines (header, then one canonical record per line)')
  .requiredOption('--data-dir <dir>', 'posd data directory')
  .requiredOption('--out <file>', 'export file')
  .action((o: { dataDir: string; out: string }) => run(async () => (await import('../cli/journal-commands.js')).exportCommand(o, out)));
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
  .description('print an RFC 9162 inclusion proof of one record against a checkpoint')
  .requiredOption('--data-dir <dir>', 'posd data directory')
  .requiredOption('--seq <n>', 'the record to prove')
  .option('--checkpoint <n>', 'the checkpoint to prove against (default: the first one after the record)')
  .action((o: { dataDir: string; seq: string; checkpoint?: string }) => run(async () => (await import('../cli/journal-commands.js')).proveCommand(o, out)));
journal
  .command('check-proof <file>')
  .description('check an inclusion proof printed by `posctl journal prove`')
  .action((file: string) => run(async () => (await import('../cli/journal-commands.js')).checkProofCommand(file, out, err)));

program
  .command('status')
  .description('journal head, grand totals, settlement backlog and dead letters')
  .requiredOption('--data-dir <dir>', 'posd data directory')
  .option('--json', 'one JSON object')
  .option('--dead', 'list the dead letters with their reasons')
  .action((o: { dataDir: string; json?: boolean; dead?: boolean }) => run(async () => (await import('../cli/status-commands.js')).statusCommand(o, out)));

program
  .command('settle')
  .description('forward and settle everything now (when posd is not running)')
  .requiredOption('--data-dir <dir>', 'posd data directory')
  .requiredOption('--acquirer <url>', 'acquirer base URL')
  .requiredOption('--acquirer-key <hex>', "acquirer's public key")
  .option('--attempts <n>', 'give up after this many failures in a row', '5')
  .action((o: { dataDir: string; acquirer: string; acquirerKey: string; attempts?: string }) =>
    run(async () => (await import('../cli/status-commands.js')).settleCommand(o, out, err)),
  );

await program.parseAsync(process.argv);
