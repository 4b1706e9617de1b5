import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { tempDir } from '../../support/tmp.js';

interface Receiver extends EventEmitter {
  bind(path: string): void;
  close(): void;
}

/** A stand-in for systemd's notify socket: a unix datagram socket that keeps every datagram it gets. */
export interface FakeNotifySocket {
  readonly path: string;
  /** Every datagram so far, as text, in arrival order. */
  readonly datagrams: string[];
  /** Resolves with the first datagram (from `from` on) that `match` accepts. */
  next(match: (datagram: string) => boolean, from?: number): Promise<string>;
  close(): void;
}

const open: FakeNotifySocket[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

export function fakeNotifySocket(): FakeNotifySocket {
  const { createSocket } = createRequire(import.meta.url)('unix-dgram') as { createSocket(type: 'unix_dgram'): Receiver };
  const path = join(tempDir('posd-notify-'), 'notify');
  const datagrams: string[] = [];
  const arrived = new EventEmitter();
  const socket = createSocket('unix_dgram');
  socket.on('message', (buffer: Buffer) => {
    datagrams.push(buffer.toString('utf8'));
    arrived.emit('datagram');
  });
  socket.bind(path);
  let closed = false;
  const fake: FakeNotifySocket = {
    path,
    datagrams,
    next: (match, from = 0) =>
      new Promise((resolve) => {
        const look = (): boolean => {
          const found = datagrams.slice(from).find(match);
          if (found === undefined) return false;
          arrived.off('datagram', look);
          resolve(found);
          return true;
        };
        if (!look()) arrived.on('datagram', look);
      }),
    close: () => {
      if (closed) return;
      closed = true;
      socket.close();
    },
  };
  open.push(fake);
  return fake;
}
