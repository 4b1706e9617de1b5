#!/usr/bin/env node
import { Command } from 'commander';

const program = new Command('hw-sim').description('posd hardware and acquirer simulator').showHelpAfterError();

const acquirer = program.command('acquirer').description('the acquirer simulator: run it (the default), or its fleet operations against a running one');
acquirer
  .command('run', { isDefault: true })
  .description('run the acquirer simulator on loopback; prints one JSON line {acquirer, control, token, publicKey}')
  .option('--data-dir <dir>', 'its database and key (default: a temporary directory)')
  .option('--port <n>', 'port (default: any free one)', '0')
  .option('--host <addr>', 'address to listen on', '127.0.0.1')
  .action(async (o: { dataDir?: string; port: string; host: string }) => {
    const { runAcquirer } = await import('../acquirer/run.js');
    await runAcquirer({ ...(o.dataDir ? { dataDir: o.dataDir } : {}), port: Number(o.port), host: o.host });
  });
const { registerFleetCommands } = await import('../acquirer/fleet-cli.js');
registerFleetCommands(acquirer);

program
  .command('render <file>')
  .description('print a captured ESC/POS byte stream on the printer twin; write what came out as text and as PNG')
  .option('--text <out>', 'text rendering (one line per printed line; QR codes, barcodes, images and cuts as [[...]] lines)')
  .option('--png <out>', 'the paper as a PNG image (QR codes as scannable bitmaps)')
  .option('--width <dots>', 'printable width: 384 (58 mm) or 576 (80 mm)', '384')
  .option('--no-chinese', 'a printer without Chinese firmware (single-byte code pages)')
  .action(async (file: string, o: { text?: string; png?: string; width: string; chinese: boolean }) => {
    const { renderCommand } = await import('../printer/render-command.js');
    process.exitCode = renderCommand(file, o);
  });

program
  .command('serve')
  .description('run the twins on pseudo-terminals and the acquirer on loopback; prints one JSON line with every path and URL; stops on SIGINT/SIGTERM')
  .option('--pty', 'serial twins on pseudo-terminals (the default, and the only mode for another process)')
  .option('--wire-timing', 'pace bytes at the devices\' baud rates')
  .option('--host <addr>', 'address for the HTTP servers', '127.0.0.1')
  .option('--data-dir <dir>', 'keep the pty links and the acquirer\'s key and database here across runs (default: a temporary directory)')
  .option('--wallets <n>', 'hardware wallets on cards (POST /nfc/present {"card":"wallet","index":i})', '1')
  .action(async (o: { wireTiming?: boolean; host: string; dataDir?: string; wallets: string }) => {
    const { serve } = await import('../serve/serve.js');
    const serving = await serve({ host: o.host, wireTiming: o.wireTiming ?? false, wallets: Number(o.wallets), ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
    process.stdout.write(`${JSON.stringify(serving.addresses)}\n`);
    const stop = async (): Promise<void> => {
      await serving.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

/** The commands for a running demo (`npm start`): they find it through its folder. */
type DemoCommandOptions = { demoDir?: string };
const demoDirOption = '--demo-dir <dir>';
const demoDirHelp = 'the running demo\'s folder (default $POSD_DEMO_DIR or .posd-demo)';
async function onDemo(o: DemoCommandOptions, act: (client: import('../demo/commands.js').DemoClient) => Promise<void>): Promise<void> {
  const [{ DemoClient }, { demoPaths }] = await Promise.all([import('../demo/commands.js'), import('../demo/demo-dir.js')]);
  try {
    await act(new DemoClient(demoPaths(o.demoDir), (line) => process.stdout.write(`${line}\n`)));
  } catch (err) {
    if (!(err instanceof Error && 'code' in err)) throw err;
    process.stderr.write(`hw-sim: ${err.message}\n`);
    process.exitCode = (err as { code: unknown }).code === 'bad_argument' || (err as { code: unknown }).code === 'no_such_wallet' ? 2 : 1;
  }
}
program
  .command('scan <code>')
  .description("on the running demo: the scanner reads CODE (a product's GTIN rings it up; a customer's payment code pays)")
  .option(demoDirOption, demoDirHelp)
  .action((code: string, o: DemoCommandOptions) => onDemo(o, (demo) => demo.scan(code)));
program
  .command('tap [wallet]')
  .description("on the running demo: a customer's hardware wallet (alice, bob or member; default alice) is held to the NFC reader until its payment is decided")
  .option(demoDirOption, demoDirHelp)
  .action((wallet: string | undefined, o: DemoCommandOptions) => onDemo(o, (demo) => demo.tap(wallet)));
program
  .command('pay-qr')
  .description("on the running demo: the customer's app pays the shop QR shown for the payment in progress")
  .option(demoDirOption, demoDirHelp)
  .action((o: DemoCommandOptions) => onDemo(o, (demo) => demo.payQr()));
program
  .command('paper <state>')
  .description("on the running demo: the printer's paper runs out (out) or a new roll goes in (in)")
  .option(demoDirOption, demoDirHelp)
  .action((state: string, o: DemoCommandOptions) => onDemo(o, (demo) => demo.paper(state)));
program
  .command('shelf')
  .description("the demo's products: GTIN, price, name (scan one with hw-sim scan GTIN)")
  .action(async () => {
    const { shelfLines } = await import('../demo/commands.js');
    for (const line of shelfLines()) process.stdout.write(`${line}\n`);
  });

await program.parseAsync(process.argv);
