import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A program on a pseudo-terminal, driven like a person at the keyboard: python3's pty module
 * (node-pty is not installed) forks it on a pty and copies our stdin to the pty and the pty to
 * our stdout. `expect` waits for text on the screen, `type` sends keys.
 */
const RELAY = `
import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
stdin_open = True
while True:
    fds = [fd] + ([0] if stdin_open else [])
    r, _, _ = select.select(fds, [], [], 0.2)
    if 0 in r:
        data = os.read(0, 1024)
        if data:
            os.write(fd, data)
        else:
            stdin_open = False
    if fd in r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b''
        if not data:
            break
        os.write(1, data)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        try:
            while True:
                data = os.read(fd, 4096)
                if not data:
                    break
                os.write(1, data)
        except OSError:
            pass
        sys.exit(os.waitstatus_to_exitcode(status) % 256)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) % 256)
`;

export interface PtySession {
  /** Everything the program has written so far. */
  readonly screen: string;
  /** Waits until the screen (after what was seen by the last expect) shows the text. */
  expect(text: string | RegExp, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  /** The exit status once it ends. */
  exited(): Promise<number>;
  kill(): void;
}

export function onPty(command: string, args: readonly string[], env: Record<string, string> = {}): PtySession {
  const child: ChildProcess = spawn('python3', ['-c', RELAY, command, ...args], { env: { ...process.env, TERM: 'dumb', ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  let screen = '';
  let from = 0;
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    for (const l of listeners) l();
  });
  const exit = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return {
    get screen() {
      return screen;
    },
    expect(text, timeoutMs = 20_000) {
      const found = (): number => {
        const rest = screen.slice(from);
        if (typeof text === 'string') {
          const at = rest.indexOf(text);
          return at === -1 ? -1 : from + at + text.length;
        }
        const match = text.exec(rest);
        return match ? from + match.index + match[0].length : -1;
      };
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const end = found();
          if (end === -1) return;
          from = end;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`not on the screen within ${timeoutMs} ms: ${String(text)}\n--- screen since the last match:\n${screen.slice(from)}`));
        }, timeoutMs);
        const onExit = (): void => {
          setTimeout(() => {
            if (found() !== -1) return check();
            cleanup();
            reject(new Error(`the program ended before showing ${String(text)}\n--- screen since the last match:\n${screen.slice(from)}`));
          }, 50);
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.on('exit', onExit);
        check();
      });
    },
    type(keys) {
      child.stdin!.write(keys);
    },
    exited: () => exit,
    kill: () => child.kill('SIGKILL'),
  };
}
