import { execFile } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

/**
 * How a notification reaches $NOTIFY_SOCKET, a unix datagram socket (sd_notify(3)). Node has no
 * AF_UNIX SOCK_DGRAM of its own, so:
 *  - 'datagram': the unix-dgram addon (an optional dependency). posd itself sends, so systemd
 *    attributes every message to the main PID (NotifyAccess=main suffices) and nothing forks.
 *  - 'systemd-notify': the systemd-notify command, when the addon did not build or the socket is
 *    abstract ('@...', which the addon cannot address). A child sends, so the unit needs
 *    NotifyAccess=all; systemd-notify (>= 246) waits on a barrier until systemd has read the
 *    message, so the child exiting early cannot lose it.
 */
export interface NotifyTransport {
  readonly kind: 'datagram' | 'systemd-notify';
  /** Sends one datagram: newline-separated KEY=VALUE lines. */
  send(message: string): Promise<void>;
  close(): void;
}

interface UnixDgramSocket extends EventEmitter {
  send(buffer: Buffer, offset: number, length: number, path: string, callback: (err?: Error) => void): void;
  close(): void;
}

interface UnixDgram {
  createSocket(type: 'unix_dgram'): UnixDgramSocket;
}

/** The unix-dgram addon, or null when it is not installed or did not build. */
export function loadUnixDgram(): UnixDgram | null {
  try {
    return createRequire(import.meta.url)('unix-dgram') as UnixDgram;
  } catch {
    return null;
  }
}

export function datagramTransport(socketPath: string, unixDgram: UnixDgram): NotifyTransport {
  const socket = unixDgram.createSocket('unix_dgram');
  // Errors also come back through each send's callback; this keeps an unheard 'error' from throwing.
  socket.on('error', () => undefined);
  return {
    kind: 'datagram',
    send: (message) =>
      new Promise((resolve, reject) => {
        const buffer = Buffer.from(message, 'utf8');
        socket.send(buffer, 0, buffer.length, socketPath, (err) => (err ? reject(new Error(`${socketPath}: ${err.message}`)) : resolve()));
      }),
    close: () => socket.close(),
  };
}

export function commandTransport(socketPath: string, command = 'systemd-notify'): NotifyTransport {
  return {
    kind: 'systemd-notify',
    send: (message) =>
      new Promise((resolve, reject) => {
        execFile(command, message.split('\n'), { env: { ...process.env, NOTIFY_SOCKET: socketPath }, timeout: 10_000 }, (err, _stdout, stderr) =>
          err ? reject(new Error(`${command}: ${stderr.trim() || err.message}`)) : resolve(),
        );
      }),
    close: () => undefined,
  };
}

/** The datagram transport where it can work, else the systemd-notify command. */
export function openNotifyTransport(socketPath: string, unixDgram: UnixDgram | null = loadUnixDgram()): NotifyTransport {
  const abstract = socketPath.startsWith('@');
  return unixDgram && !abstract ? datagramTransport(socketPath, unixDgram) : commandTransport(socketPath);
}
