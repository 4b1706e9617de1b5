import { CliError, EXIT } from '../exit.js';
import { interactiveConsole } from './menu.js';
import { progressBar } from './progress.js';
import { failure, type ConsoleEnv, type ScreenResult } from './screens.js';
import { describeMode, findPosd, loginForCommand, type ConsoleIo, type ConsoleSetup } from './session.js';

export interface ScreenOptions {
  json?: boolean;
}

/** Where a screen's output goes: stdout for the result, stderr for the mode line and progress bars. */
export interface ConsoleOutput {
  out: (line: string) => void;
  err: (line: string) => void;
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/**
 * One console screen as a scriptable subcommand (`posctl console queue --json`): finds posd
 * (live, or read-only on the data directory), logs in with the PIN when live and the screen
 * needs posd, runs it, prints one JSON object (--json) or the lines for people, and returns the
 * exit status: 0 ok, 1 a test or check failed, 2 usage or could not run, 3 posd not running,
 * busy, or locked out.
 */
export async function runScreen(
  name: string,
  setup: ConsoleSetup,
  io: ConsoleIo,
  output: ConsoleOutput,
  options: ScreenOptions & { needsLogin?: boolean },
  screen: (env: ConsoleEnv, bar: (label: string) => ReturnType<typeof progressBar> | undefined) => Promise<ScreenResult> | ScreenResult,
): Promise<number> {
  const env = await findPosd(setup);
  if (!options.json) output.err(`posctl console: ${describeMode(env, setup.apiUrl)}`);
  let result: ScreenResult;
  try {
    if (options.needsLogin !== false) await loginForCommand(env, io);
    // The bars go to stderr, so stdout keeps only the result (one JSON object with --json).
    result = await screen(env, (label) => (options.json ? undefined : progressBar(label, output.stderr)));
  } catch (err) {
    result = failure(env, name, err);
  } finally {
    await env.api?.logout();
  }
  if (options.json) output.out(JSON.stringify(result.json));
  else for (const line of result.text) (result.exit === EXIT.ok || result.exit === EXIT.failed ? output.out : output.err)(line);
  return result.exit;
}

export async function runInteractive(setup: ConsoleSetup, io: ConsoleIo): Promise<number> {
  if (!io.input.isTTY) {
    throw new CliError('posctl console is interactive: run it on a terminal, or use its subcommands (posctl console --help) with --json in scripts');
  }
  const env = await findPosd(setup);
  return interactiveConsole(env, setup, io);
}

/** Reads the PINs for `console set-pin`: asked on the terminal (hidden), or lines on stdin for scripts. */
export async function readPinLines(io: ConsoleIo, prompts: readonly string[]): Promise<string[]> {
  if (io.input.isTTY) {
    const { keyboard } = await import('./keyboard.js');
    const keys = keyboard(io.input, io.write);
    try {
      const answers: string[] = [];
      for (const prompt of prompts) answers.push(await keys.line(prompt, { hidden: true, maxLength: 16 }));
      return answers;
    } finally {
      keys.close();
    }
  }
  let text = '';
  for await (const chunk of io.input) {
    text += String(chunk);
    if (text.length > 4096) break;
  }
  const lines = text.split(/\r?\n/);
  if (lines.length < prompts.length || lines.slice(0, prompts.length).some((l) => l === '')) {
    throw new CliError(`set-pin reads ${prompts.length} lines on stdin (${prompts.map((p) => p.replace(/: $/, '')).join(', ')})`);
  }
  return lines.slice(0, prompts.length);
}
