import { emitKeypressEvents, type Key } from 'node:readline';

/** Ctrl-C, or the input closed: the console ends cleanly wherever it was. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

export interface Keyboard {
  /** The next key. */
  key(): Promise<Key & { sequence: string }>;
  /** A line, echoed as typed (or as * when hidden); Backspace edits, Enter ends. */
  line(prompt: string, options?: { hidden?: boolean; maxLength?: number }): Promise<string>;
  close(): void;
}

const MAX_LINE = 256;

/**
 * Keys from the terminal through node:readline's keypress events, in raw mode when the input is
 * a TTY (so the PIN is never echoed and arrow keys arrive as keys), as plain characters otherwise.
 * Works over a dumb terminal: nothing here moves the cursor except a backspace.
 */
export function keyboard(input: NodeJS.ReadStream, write: (text: string) => void): Keyboard {
  emitKeypressEvents(input);
  const raw = input.isTTY === true;
  if (raw) input.setRawMode(true);
  input.resume();
  const queue: (Key & { sequence: string })[] = [];
  const waiters: { resolve: (key: Key & { sequence: string }) => void; reject: (err: Error) => void }[] = [];
  let ended = false;
  const onKey = (sequence: string | undefined, key: Key | undefined): void => {
    const k = { ...(key ?? {}), sequence: sequence ?? key?.sequence ?? '' };
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(k);
    else if (queue.length < 1024) queue.push(k);
  };
  const onEnd = (): void => {
    ended = true;
    for (const waiter of waiters.splice(0)) waiter.reject(new Interrupted('the input ended'));
  };
  input.on('keypress', onKey);
  input.on('end', onEnd);
  input.on('close', onEnd);

  const key = async (): Promise<Key & { sequence: string }> => {
    const queued = queue.shift();
    const k = queued ?? (ended ? undefined : await new Promise<Key & { sequence: string }>((resolve, reject) => waiters.push({ resolve, reject })));
    if (!k) throw new Interrupted('the input ended');
    if (k.ctrl && k.name === 'c') throw new Interrupted('Ctrl-C');
    if (k.ctrl && k.name === 'd') throw new Interrupted('Ctrl-D');
    return k;
  };

  return {
    key,
    async line(prompt, options = {}) {
      write(prompt);
      let text = '';
      const max = options.maxLength ?? MAX_LINE;
      for (;;) {
        const k = await key();
        if (k.name === 'return' || k.name === 'enter') {
          write('\r\n');
          return text;
        }
        if (k.name === 'backspace') {
          if (text.length > 0) {
            text = text.slice(0, -1);
            write('\b \b');
          }
          continue;
        }
        const ch = k.sequence;
        if (ch.length !== 1 || ch < ' ' || text.length >= max) continue;
        text += ch;
        write(options.hidden ? '*' : ch);
      }
    },
    close() {
      input.off('keypress', onKey);
      input.off('end', onEnd);
      input.off('close', onEnd);
      if (raw) input.setRawMode(false);
      input.pause();
    },
  };
}
