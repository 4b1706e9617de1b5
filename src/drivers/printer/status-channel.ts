import { Mutex } from '../../concurrency/mutex.js';
import { concatBytes } from '../../encoding/bytes.js';
import { realTimeStatus, type StatusRequest } from '../escpos/commands.js';
import { StatusDemux } from '../escpos/status-demux.js';
import type { AsbStatus } from '../escpos/status.js';
import { PrinterError } from './errors.js';

export interface StatusChannelHandlers {
  asb(status: AsbStatus): void;
  /** A GS r reply (the job fence). */
  transmit(byte: number): void;
  /** Bytes that were no status message, or a reply nobody asked for. */
  noise(bytes: number): void;
  /** The query's own write made no progress within the timeout: abandon it so later writes can go. */
  writeStalled(): void;
}

interface PendingReply {
  resolve(byte: number): void;
}

/**
 * The printer-to-host direction: splits it into status messages and matches DLE EOT replies to
 * the queries, in order. One query batch is out at a time; a batch that gets no answer fails
 * with PrinterError('status_timeout'), and replies that straggle in shortly after are dropped
 * instead of being taken for the answers to the next batch.
 */
export class StatusChannel {
  private readonly demux = new StatusDemux();
  private pending: PendingReply[] = [];
  private readonly queries = new Mutex();
  private quietUntil = 0;

  constructor(
    /** Serialised write; `onStart` is called when this write's turn comes (the status clock starts there). */
    private readonly write: (bytes: Uint8Array, onStart: () => void) => Promise<void>,
    private readonly timing: { timeoutMs: number; settleMs: number },
    private readonly handlers: StatusChannelHandlers,
  ) {}

  onData(chunk: Uint8Array): void {
    for (const message of this.demux.push(chunk)) {
      switch (message.kind) {
        case 'realtime': {
          const waiter = this.pending.shift();
          if (waiter) waiter.resolve(message.byte);
          else this.handlers.noise(1);
          break;
        }
        case 'asb':
          this.handlers.asb(message.status);
          break;
        case 'transmit':
          this.handlers.transmit(message.byte);
          break;
        case 'garbage':
          this.handlers.noise(message.bytes.length);
          break;
        case 'flow':
          break;
      }
    }
  }

  /** The line went away: pending queries fail, a partial ASB message is dropped. */
  disconnected(): void {
    this.demux.reset();
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) p.resolve(-1);
  }

  /** Sends DLE EOT n for each request in one write; resolves with the reply bytes in order. */
  read(requests: readonly StatusRequest[]): Promise<number[]> {
    return this.queries.run(() => this.readNow(requests));
  }

  private async readNow(requests: readonly StatusRequest[]): Promise<number[]> {
    const wait = this.quietUntil - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const replies: Promise<number>[] = [];
    const batch: PendingReply[] = [];
    for (let i = 0; i < requests.length; i++) {
      replies.push(
        new Promise<number>((resolve) => {
          const entry = { resolve };
          batch.push(entry);
          this.pending.push(entry);
        }),
      );
    }
    const drop = (): void => {
      this.pending = this.pending.filter((p) => !batch.includes(p));
    };
    // The clock starts when this write's turn comes, not when the answer is awaited: a write that
    // never completes (flow control held by an offline printer, a port closing underneath) times out
    // like a reply that never comes; time spent queued behind a long job write does not count.
    let timer: NodeJS.Timeout | undefined;
    let expire!: () => void;
    const timeout = new Promise<'timeout'>((resolve) => {
      expire = () => resolve('timeout');
    });
    const startClock = (): void => {
      timer = setTimeout(expire, this.timing.timeoutMs);
    };
    let written = false;
    const exchange = this.write(concatBytes(requests.map((n) => realTimeStatus(n))), startClock).then(
      () => {
        written = true;
        return Promise.all(replies);
      },
      (err: unknown) => {
        throw new PrinterError('disconnected', `status query not sent: ${(err as Error).message}`, { cause: err });
      },
    );
    try {
      const outcome = await Promise.race([exchange, timeout]);
      if (outcome === 'timeout') {
        exchange.catch(() => undefined);
        if (!written) this.handlers.writeStalled();
        this.quietUntil = performance.now() + this.timing.settleMs;
        throw new PrinterError('status_timeout', `no answer to DLE EOT ${requests.join(', ')} within ${this.timing.timeoutMs} ms`);
      }
      if (outcome.includes(-1)) throw new PrinterError('disconnected', 'the printer went away during a status query');
      return outcome;
    } finally {
      clearTimeout(timer);
      drop();
    }
  }
}
