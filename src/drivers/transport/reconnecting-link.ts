import { EventEmitter } from 'node:events';
import { LinkError, waitForState, type ByteLink, type LinkEvents, type LinkFailure, type LinkState } from './link.js';
import { errnoOf, explainLoss, explainOpenError, type OpenTarget } from './open-error.js';
import { defaultReopenPolicy, reopenDelay, type ReopenPolicy } from './reconnect.js';

/** One open connection to a device; a new one is made after each unplug. */
export interface LinkSession {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface SessionCallbacks {
  data(chunk: Buffer): void;
  /** The device went away (read error, port vanished). */
  lost(cause: Error): void;
}

/**
 * The state machine every device link shares: connecting -> open -> disconnected -> open ...
 * -> closed. Subclasses only know how to open one session on their transport, and what they
 * open (for the words of a failure).
 */
export abstract class ReconnectingLink extends EventEmitter<LinkEvents> implements ByteLink {
  private currentState: LinkState = 'closed';
  private session: LinkSession | undefined;
  private reopenTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = true;
  private generation = 0;
  private lastFailure: LinkFailure | undefined;

  constructor(
    readonly uri: string,
    private readonly reopen: ReopenPolicy = defaultReopenPolicy,
  ) {
    super();
  }

  protected abstract openSession(callbacks: SessionCallbacks): Promise<LinkSession>;

  /** What this link opens, as a technician names it. */
  protected abstract readonly openTarget: OpenTarget;

  get state(): LinkState {
    return this.currentState;
  }

  get failure(): LinkFailure | undefined {
    return this.lastFailure;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.setState('connecting');
    void this.tryOpen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.reopenTimer);
    const session = this.session;
    this.session = undefined;
    this.lastFailure = undefined;
    await session?.close().catch(() => undefined);
    this.setState('closed');
  }

  waitOpen(timeoutMs: number): Promise<void> {
    return waitForState(this, 'open', timeoutMs);
  }

  async write(bytes: Uint8Array): Promise<void> {
    const session = this.session;
    if (this.currentState !== 'open' || !session) {
      throw new LinkError('not_open', `${this.uri}: cannot write, link is ${this.currentState}`);
    }
    try {
      await session.write(bytes);
    } catch (err) {
      throw new LinkError('write_failed', `${this.uri}: write failed: ${(err as Error).message}`, { cause: err });
    }
  }

  private async tryOpen(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    let session: LinkSession;
    try {
      session = await this.openSession({
        data: (chunk) => {
          if (generation === this.generation) this.emit('data', chunk);
        },
        lost: (cause) => {
          if (generation !== this.generation) return;
          this.session = undefined;
          this.recordFailure(cause, 'lost');
          this.scheduleReopen(cause);
        },
      });
    } catch (err) {
      if (generation !== this.generation) return;
      const error = err instanceof Error ? err : new Error(String(err));
      this.recordFailure(error, 'open');
      this.scheduleReopen(error);
      return;
    }
    if (generation !== this.generation || this.stopped) {
      await session.close().catch(() => undefined);
      return;
    }
    this.session = session;
    this.attempt = 0;
    this.lastFailure = undefined;
    this.setState('open');
  }

  private scheduleReopen(cause: Error): void {
    if (this.stopped) return;
    this.generation++;
    this.setState(this.currentState === 'connecting' ? 'connecting' : 'disconnected', cause);
    const delay = reopenDelay(this.attempt++, this.reopen.minMs, this.reopen.maxMs);
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => void this.tryOpen(), delay);
  }

  private recordFailure(error: Error, during: LinkFailure['during']): void {
    if (this.stopped) return;
    const reason = during === 'open' ? explainOpenError(error, this.openTarget) : explainLoss(error, this.openTarget);
    this.lastFailure = Object.freeze({ error, errno: errnoOf(error), reason, during });
    this.emit('failure', this.lastFailure);
  }

  private setState(state: LinkState, cause?: Error): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state, cause);
  }
}
