import { Mutex } from '../../concurrency/mutex.js';
import type { ByteLink } from '../transport/link.js';
import { PrinterError } from './errors.js';

/**
 * One write at a time, in order, so a status query never lands inside a command. A write the
 * link leaves hanging (serialport does not always call back when the port closes under a pending
 * write) can be abandoned: when the link goes down, the printer stops, or a write makes no
 * progress in time. Its promise then rejects with PrinterError('disconnected') and the next write
 * goes, so the queue cannot wedge.
 */
export class AbandonableWriter {
  private readonly order = new Mutex();
  private readonly pending = new Set<(reason: string) => void>();

  constructor(private readonly link: ByteLink) {}

  /** Writes `bytes` once every earlier write has settled; `onStart` is called when this write's turn comes. */
  write(bytes: Uint8Array, onStart?: () => void): Promise<void> {
    return this.order.run(
      () =>
        new Promise<void>((resolve, reject) => {
          onStart?.();
          const abandon = (reason: string): void => {
            this.pending.delete(abandon);
            reject(new PrinterError('disconnected', `write abandoned: ${reason}`));
          };
          this.pending.add(abandon);
          this.link.write(bytes).then(
            () => {
              this.pending.delete(abandon);
              resolve();
            },
            (err: unknown) => {
              this.pending.delete(abandon);
              reject(err);
            },
          );
        }),
    );
  }

  /** A write that makes no progress within `ms` (flow control held, a wedged port) is abandoned, not waited on forever. */
  async writeWithin(bytes: Uint8Array, ms: number): Promise<void> {
    const write = this.write(bytes);
    const timer = setTimeout(() => this.abandonAll(`no progress in ${ms} ms`), ms);
    try {
      await write;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fails every write under way now; later writes go as usual. */
  abandonAll(reason: string): void {
    for (const abandon of [...this.pending]) abandon(reason);
  }
}
