import { EXIT } from '../exit.js';
import { keyboard, type Keyboard } from './keyboard.js';
import { progressBar } from './progress.js';
import {
  configScreen,
  exportScreen,
  failure,
  healthScreen,
  logScreen,
  queueScreen,
  resetScreen,
  selfTestScreen,
  settleScreen,
  verifyScreen,
  EXIT_UNAVAILABLE,
  SELF_TESTS,
  type ConsoleEnv,
  type ScreenResult,
  type SelfTest,
} from './screens.js';
import { describeMode, Interrupted, unlock, type ConsoleIo, type ConsoleSetup } from './session.js';

interface Entry {
  label: string;
  run: () => Promise<ScreenResult | 'back' | 'quit'>;
}

/**
 * The interactive console: a numbered menu (digits pick, arrow keys and Enter too), one screen
 * at a time, over any terminal including a dumb one (the menu is printed again rather than
 * redrawn in place). Ctrl-C or Ctrl-D anywhere ends it cleanly: the technician token is revoked.
 */
export async function interactiveConsole(env: ConsoleEnv, setup: ConsoleSetup, io: ConsoleIo): Promise<number> {
  const write = (text: string): void => io.write(text.replace(/(?<!\r)\n/g, '\r\n'));
  const keys = keyboard(io.input, write);
  const stdout = { write, isTTY: io.input.isTTY === true };
  try {
    write(`posctl console: the technician's console of posd\n${describeMode(env, setup.apiUrl)}\n`);
    if (!(await unlock(env, setup, keys, write))) return EXIT_UNAVAILABLE;
    write('unlocked.\n');
    const bar = (label: string) => progressBar(label, stdout);
    const show = async (result: ScreenResult | 'back' | 'quit'): Promise<boolean> => {
      if (result === 'quit') return false;
      if (result === 'back') return true;
      write(`\n${result.text.join('\n')}\n`);
      await pause(keys, write);
      return true;
    };
    const guarded = (screen: string, run: () => Promise<ScreenResult>) => async (): Promise<ScreenResult> => {
      try {
        return await run();
      } catch (err) {
        if (err instanceof Interrupted) throw err;
        return failure(env, screen, err);
      }
    };
    const tests: Entry[] = SELF_TESTS.map((test: SelfTest) => ({
      label: `${test} test${test === 'scanner' ? ' (scan something within 30 s)' : test === 'nfc' ? ' (tap a card within 30 s)' : ''}`,
      run: guarded('test', async () => {
        if (test === 'scanner' || test === 'nfc') write(`waiting for ${test === 'scanner' ? 'a scan' : 'a card'} (30 s)...\n`);
        return selfTestScreen(env, test, 30);
      }),
    }));
    const entries: Entry[] = [
      { label: 'Device health', run: guarded('health', () => healthScreen(env)) },
      { label: 'Self-tests', run: async () => ((await menu(keys, write, 'Self-tests', tests)) ?? 'back') },
      { label: 'Queue: unsettled, dead letters, pending reversals', run: guarded('queue', () => queueScreen(env)) },
      { label: 'Settle now', run: guarded('settle', () => settleScreen(env, bar('settling'))) },
      { label: 'Verify the journal', run: guarded('verify', () => verifyScreen(env, undefined, { export: bar('reading '), verify: bar('verifying') })) },
      {
        label: 'Export the journal',
        run: guarded('export', async () => {
          const out = (await keys.line('export to file: ')).trim();
          return exportScreen(env, out === '' ? 'journal.jsonl' : out, bar('exporting'));
        }),
      },
      { label: "posd's log (last 40 lines)", run: guarded('log', () => logScreen(env, 40, undefined)) },
      { label: 'Configuration (secrets redacted)', run: guarded('config', () => configScreen(env)) },
      {
        label: 'Factory reset',
        run: guarded('reset', async () => {
          write('A factory reset moves the journal aside and wipes the keys and the profile. It is refused while anything is unsettled.\n');
          if ((await keys.line('type RESET to go on: ')).trim() !== 'RESET') return { exit: EXIT.ok, json: {}, text: ['not reset'] };
          return resetScreen(env, {});
        }),
      },
    ];
    for (;;) {
      const chosen = await menu(keys, write, 'posctl console', entries);
      if (chosen === undefined || chosen === 'quit') break;
      if (!(await show(chosen))) break;
    }
    write('bye\n');
    return EXIT.ok;
  } catch (err) {
    if (err instanceof Interrupted) {
      write('\ninterrupted: bye\n');
      return 130;
    }
    throw err;
  } finally {
    keys.close();
    await env.api?.logout();
  }
}

/** Shows the entries and runs the one chosen; undefined for 0 (back, or quit at the top). */
async function menu(keys: Keyboard, write: (text: string) => void, title: string, entries: Entry[]): Promise<ScreenResult | 'back' | 'quit' | undefined> {
  let selected = 0;
  for (;;) {
    write(`\n${title}\n`);
    entries.forEach((e, i) => write(`${i === selected ? '>' : ' '} ${i + 1}  ${e.label}\n`));
    write(`  0  ${title === 'posctl console' ? 'Quit' : 'Back'}\nchoose 0-${entries.length} (or arrows and Enter): `);
    for (;;) {
      const key = await keys.key();
      if (key.name === 'up' || key.name === 'down') {
        selected = (selected + (key.name === 'up' ? entries.length - 1 : 1)) % entries.length;
        write('\n');
        break;
      }
      let pick: number | undefined;
      if (key.name === 'return' || key.name === 'enter') pick = selected + 1;
      else if (/^[0-9]$/.test(key.sequence)) pick = Number(key.sequence);
      else if (key.name === 'q' || key.name === 'escape') pick = 0;
      if (pick === undefined || pick > entries.length) continue;
      write(`${pick}\n`);
      if (pick === 0) return undefined;
      selected = pick - 1;
      const result = await entries[pick - 1]!.run();
      if (result === 'back') break;
      return result;
    }
  }
}

async function pause(keys: Keyboard, write: (text: string) => void): Promise<void> {
  write('press Enter for the menu ');
  for (;;) {
    const key = await keys.key();
    if (key.name === 'return' || key.name === 'enter' || key.name === 'q') break;
  }
  write('\n');
}
