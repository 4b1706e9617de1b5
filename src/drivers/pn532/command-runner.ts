import type { ByteLink, LinkState } from '../transport/link.js';
import { Pn532Error } from './errors.js';
import { ACK_FRAME, NACK_FRAME, TFI_CHIP_TO_HOST, encodeCommandFrame } from './frame.js';
import { Pn532FrameParser, type ParsedFrame } from './frame-parser.js';

export interface RunOptions {
  /** How long to wait for the ACK after each send. */
  ackTimeoutMs: number;
  /** Sends in total (the first one and the resends) before giving up with ack_timeout. */
  ackAttempts: number;
  /** How long to wait for the response after the ACK (restarted after each NACK). */
  responseTimeoutMs: number;
  /** NACKs (requests to send the response again) before giving up with bad_frame. */
  nackAttempts: number;
  /** A frame that stops arriving for this long is treated as corrupted. */
  interByteTimeoutMs: number;
  /** Bytes written before the frame on every send (the HSU wake-up sequence). */
  prefix?: Uint8Array;
}

export interface RunnerStats {
  commands: number;
  resends: number;
  nacksSent: number;
  rejectedFrames: number;
  /** Well-formed responses that answered some earlier command (after an abort) and were dropped. */
  staleFrames: number;
  aborts: number;
}

interface Run {
  readonly responseCode: number;
  readonly bytes: Uint8Array;
  readonly options: RunOptions;
  phase: 'ack' | 'response';
  sends: number;
  nacks: number;
  /** A corrupted frame was seen; NACK once the bytes at hand are parsed, unless a good response was among them. */
  nackDue: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(packet: Uint8Array): void;
  reject(err: Pn532Error): void;
}

/**
 * One command frame at a time over a ByteLink: send, wait for the ACK (resending on silence),
 * wait for the response (NACKing corrupted ones), resolve with the response packet. Everything
 * is driven by the bytes arriving and by one timer; nothing polls or sleeps.
 */
export class CommandRunner {
  readonly stats: RunnerStats = { commands: 0, resends: 0, nacksSent: 0, rejectedFrames: 0, staleFrames: 0, aborts: 0 };
  private readonly parser = new Pn532FrameParser((frame) => this.onFrame(frame));
  private current: Run | undefined;
  private interByteTimer: NodeJS.Timeout | undefined;
  private interByteTimeoutMs = 50;

  private readonly onData = (chunk: Buffer): void => {
    this.parser.push(chunk);
    this.sendDueNack();
    clearTimeout(this.interByteTimer);
    this.interByteTimer = this.parser.midFrame ? setTimeout(this.onStall, this.interByteTimeoutMs) : undefined;
  };

  private readonly onState = (state: LinkState): void => {
    if (state !== 'open') {
      this.parser.reset();
      this.fail(new Pn532Error('link_down', `${this.link.uri}: link ${state} during the command`));
    }
  };

  private readonly onStall = (): void => {
    this.interByteTimer = undefined;
    this.parser.abandonFrame();
    this.sendDueNack();
    if (this.parser.midFrame) this.interByteTimer = setTimeout(this.onStall, this.interByteTimeoutMs);
  };

  private attached = false;

  constructor(private readonly link: ByteLink) {}

  get busy(): boolean {
    return this.current !== undefined;
  }

  get parserStats(): Readonly<Pn532FrameParser['stats']> {
    return this.parser.stats;
  }

  /** Starts listening to the link. */
  attach(): void {
    if (this.attached) return;
    this.attached = true;
    this.parser.reset();
    this.link.on('data', this.onData);
    this.link.on('state', this.onState);
  }

  /** Stops listening; a command under way fails with `aborted`. */
  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.link.off('data', this.onData);
    this.link.off('state', this.onState);
    clearTimeout(this.interByteTimer);
    this.fail(new Pn532Error('aborted', 'the driver was stopped'));
  }

  /** Send one command packet (code + parameters) and resolve with the response packet. */
  run(packet: Uint8Array, options: RunOptions): Promise<Uint8Array> {
    if (this.current) return Promise.reject(new Pn532Error('bad_argument', 'a command is already under way'));
    if (!this.attached) return Promise.reject(new Pn532Error('not_ready', 'the driver is not started'));
    if (this.link.state !== 'open') {
      return Promise.reject(new Pn532Error('link_down', `${this.link.uri}: link is ${this.link.state}`));
    }
    const frame = encodeCommandFrame(packet);
    const bytes = options.prefix ? concat(options.prefix, frame) : frame;
    this.interByteTimeoutMs = options.interByteTimeoutMs;
    this.parser.reset();
    this.stats.commands++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const run: Run = { responseCode: packet[0]! + 1, bytes, options, phase: 'ack', sends: 0, nacks: 0, nackDue: false, timer: undefined, resolve, reject };
      this.current = run;
      this.send(run);
    });
  }

  /** Abort the command under way: the chip drops it on our ACK; the caller gets `aborted`. */
  abort(reason = 'aborted by the host'): void {
    if (!this.current) return;
    this.stats.aborts++;
    this.write(ACK_FRAME);
    this.fail(new Pn532Error('aborted', reason));
  }

  private send(run: Run): void {
    if (run.sends > 0) this.stats.resends++;
    run.sends++;
    run.phase = 'ack';
    this.arm(run, run.options.ackTimeoutMs);
    this.write(run.bytes);
  }

  private write(bytes: Uint8Array): void {
    this.link.write(bytes).catch((err: unknown) => {
      this.fail(new Pn532Error('link_down', `${this.link.uri}: write failed: ${(err as Error).message}`, { cause: err }));
    });
  }

  private arm(run: Run, ms: number): void {
    clearTimeout(run.timer);
    run.timer = setTimeout(() => this.onTimeout(run), ms);
  }

  private onTimeout(run: Run): void {
    if (this.current !== run) return;
    if (run.phase === 'ack') {
      if (run.sends < run.options.ackAttempts) {
        this.send(run);
        return;
      }
      this.fail(new Pn532Error('ack_timeout', `no ACK from the PN532 after ${run.sends} send(s) of ${run.options.ackTimeoutMs} ms`));
      return;
    }
    // Tell the chip to drop the command, so a late response cannot answer the next one.
    this.stats.aborts++;
    this.write(ACK_FRAME);
    this.fail(new Pn532Error('response_timeout', `no response from the PN532 within ${run.options.responseTimeoutMs} ms of its ACK`));
  }

  private onFrame(frame: ParsedFrame): void {
    const run = this.current;
    if (frame.kind === 'rejected') this.stats.rejectedFrames++;
    if (!run) return;
    switch (frame.kind) {
      case 'ack':
        if (run.phase === 'ack') {
          run.phase = 'response';
          this.arm(run, run.options.responseTimeoutMs);
        }
        return;
      case 'nack':
        return;
      case 'error':
        this.fail(new Pn532Error('error_frame', 'the PN532 answered with its syntax error frame (it rejected the command)'));
        return;
      case 'information':
        if (frame.tfi !== TFI_CHIP_TO_HOST || frame.packet[0] !== run.responseCode) {
          this.stats.staleFrames++;
          return;
        }
        this.finish(run);
        run.resolve(frame.packet);
        return;
      case 'rejected':
        // While waiting for the ACK, a frame with a bad header may have been the ACK itself: NACKing
        // would make the chip repeat its previous response. Wait; silence leads to a resend.
        if (run.phase === 'ack' && frame.reason !== 'bad_data_checksum') return;
        run.nackDue = true;
        return;
    }
  }

  private sendDueNack(): void {
    const run = this.current;
    if (!run || !run.nackDue) return;
    run.nackDue = false;
    if (run.nacks >= run.options.nackAttempts) {
      this.fail(new Pn532Error('bad_frame', `the response stayed corrupted after ${run.nacks} NACK(s)`));
      return;
    }
    run.nacks++;
    run.phase = 'response';
    this.stats.nacksSent++;
    this.arm(run, run.options.responseTimeoutMs);
    this.write(NACK_FRAME);
  }

  private finish(run: Run): void {
    clearTimeout(run.timer);
    if (this.current === run) this.current = undefined;
  }

  private fail(err: Pn532Error): void {
    const run = this.current;
    if (!run) return;
    this.finish(run);
    run.reject(err);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
