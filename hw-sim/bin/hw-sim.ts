#!/usr/bin/env node
import { Command } from 'commander';

const program = new Command('hw-sim').description('posd hardware and acquirer simulator').showHelpAfterError();

program
  .command('acquirer')
  .description('run the acquirer simulator on loopback; prints one JSON line {acquirer, control, publicKey}')
  .option('--data-dir <dir>', 'its database and key (default: a temporary directory)')
  .option('--port <n>', 'port (default: any free one)', '0')
  .option('--host <addr>', 'address to listen on', '127.0.0.1')
  .action(async (o: { dataDir?: string; port: string; host: string }) => {
    const { runAcquirer } = await import('../acquirer/run.js');
    await runAcquirer({ ...(o.dataDir ? { dataDir: o.dataDir } : {}), port: Number(o.port), host: o.host });
  });

await program.parseAsync(process.argv);
