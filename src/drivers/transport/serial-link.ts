import { SerialPortStream } from '@serialport/stream';
import type { BindingInterface } from '@serialport/bindings-cpp';
import type { OpenTarget } from './open-error.js';
import { ReconnectingLink, type LinkSession, type SessionCallbacks } from './reconnecting-link.js';
import type { ReopenPolicy } from './reconnect.js';

export interface SerialLinkOptions {
  uri: string;
  path: string;
  baudRate: number;
  /** The native binding for a real port or a pseudo-terminal; SimBus.binding for an in-process twin. */
  binding: BindingInterface;
  reopen?: ReopenPolicy;
  /** The path names a hw-sim twin on the SimBus, not a port. */
  simulated?: boolean;
}

/** A serial device through serialport, whatever binding carries the bytes. */
export class SerialLink extends ReconnectingLink {
  protected readonly openTarget: OpenTarget;

  constructor(private readonly options: SerialLinkOptions) {
    super(options.uri, options.reopen);
    this.openTarget = { transport: 'serial', what: options.path, simulated: options.simulated ?? false };
  }

  get baudRate(): number {
    return this.options.baudRate;
  }

  protected openSession(callbacks: SessionCallbacks): Promise<LinkSession> {
    const port = new SerialPortStream({
      binding: this.options.binding,
      path: this.options.path,
      baudRate: this.options.baudRate,
      autoOpen: false,
    });
    return new Promise((resolve, reject) => {
      port.on('error', () => {
        /* surfaced through 'close' or the open callback */
      });
      port.open((err) => {
        if (err) {
          port.removeAllListeners();
          reject(err);
          return;
        }
        // A write in flight when the port closes never calls back on the native binding:
        // fail it here, so no caller waits forever on a device that is gone.
        const pending = new Set<(err: Error) => void>();
        const failPending = (err: Error): void => {
          for (const fail of pending) fail(err);
          pending.clear();
        };
        port.on('data', (chunk: Buffer) => callbacks.data(chunk));
        port.on('close', (closeErr?: Error) => {
          port.removeAllListeners();
          port.on('error', () => undefined);
          failPending(closeErr ?? new Error('port closed'));
          callbacks.lost(closeErr ?? new Error('port closed'));
        });
        resolve({
          write: (bytes) =>
            new Promise<void>((done, fail) => {
              const settle = (err: Error | null | undefined): void => {
                if (!pending.delete(fail)) return;
                if (err) fail(err);
                else done();
              };
              pending.add(fail);
              port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (writeErr) => {
                if (writeErr) settle(writeErr);
                else port.drain((drainErr) => settle(drainErr));
              });
            }),
          close: () =>
            new Promise<void>((done) => {
              port.removeAllListeners('close');
              failPending(new Error('port closed'));
              if (!port.isOpen) return done();
              port.close(() => done());
            }),
        });
      });
    });
  }
}
