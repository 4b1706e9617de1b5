import { transmitPaperStatus } from '../escpos/commands.js';
import type { AbandonableWriter } from './abandonable-writer.js';
import type { StatusProbe } from './status-probe.js';
import type { Wakeup } from './wakeup.js';

/** One job's fence: whether GS r 1 went out after it, and whether its reply came back. */
export interface FenceTicket {
  written: boolean;
  arrived: boolean;
}

/** Set by whoever notices first (a fault, an unplug); the job then ends interrupted with that reason. */
export interface ActiveJob {
  interrupted: string | undefined;
}

export interface FenceContext {
  writer: AbandonableWriter;
  probe: StatusProbe;
  wake: Wakeup;
  linkOpen(): boolean;
  stopped(): boolean;
  timing: { settleMs: number; jobTimeoutMs: number; pollIntervalMs: number };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The completion fence: a GS r 1 after a job's last byte, processed in buffer order, so its reply
 * says the job has left the printer's buffer. Replies are matched to the job that waits for one;
 * a reply nobody waits for (a fence of an abandoned attempt) is stray, and strays still owed are
 * drained before the next job so they cannot be taken for its answer.
 */
export class CompletionFence {
  private waiter: (() => void) | undefined;
  private unanswered = 0;
  private stray = 0;

  constructor(private readonly context: FenceContext) {}

  /** GS r replies that belonged to no waiting job (stale, after an interruption). */
  get strayReplies(): number {
    return this.stray;
  }

  /** Fences of earlier attempts went unanswered: drainStray() before the next job. */
  get owed(): boolean {
    return this.unanswered > 0;
  }

  /** A GS r reply arrived. */
  onReply(): void {
    if (this.waiter) this.waiter();
    else this.stray++;
  }

  /** Starts waiting for this job's fence reply (before the job's bytes go, so no reply is missed). */
  arm(): FenceTicket {
    const ticket: FenceTicket = { written: false, arrived: false };
    this.waiter = () => {
      ticket.arrived = true;
      this.unanswered--;
      this.waiter = undefined;
      this.context.wake.wake();
    };
    return ticket;
  }

  /** Writes the fence after the job's last byte. */
  async send(ticket: FenceTicket): Promise<void> {
    this.unanswered++;
    ticket.written = true;
    await this.context.writer.writeWithin(transmitPaperStatus(), this.context.timing.jobTimeoutMs);
  }

  disarm(): void {
    this.waiter = undefined;
  }

  /** Waits for the fence reply, a fault, an unplug or the job timeout; polls status when there is no ASB. */
  async watch(ticket: FenceTicket, active: ActiveJob): Promise<void> {
    if (!ticket.written) return;
    const { probe, wake, timing } = this.context;
    const deadline = performance.now() + timing.jobTimeoutMs;
    let nextPoll = performance.now() + timing.pollIntervalMs;
    while (!ticket.arrived && active.interrupted === undefined && !this.context.stopped()) {
      if (!this.context.linkOpen()) {
        active.interrupted = 'disconnected';
        break;
      }
      const now = performance.now();
      if (now >= deadline) {
        active.interrupted = 'no_completion';
        break;
      }
      if (!probe.asbConfirmed && now >= nextPoll) {
        await probe.probe();
        nextPoll = performance.now() + timing.pollIntervalMs;
        continue;
      }
      await wake.wait(Math.min(deadline, probe.asbConfirmed ? deadline : nextPoll) - now);
    }
  }

  /**
   * After an interruption, fences of abandoned jobs may still be answered (a printer that kept
   * its buffer) or never (one that lost it). Send one more and wait for quiet, so the next job's
   * reply cannot be confused with a stale one. If not even the new fence is answered within
   * jobTimeoutMs, nothing is pending any more either: the slate is clean all the same.
   * False only when the link went down or the printer stopped.
   */
  async drainStray(): Promise<boolean> {
    const { writer, wake, timing } = this.context;
    let replies = 0;
    this.waiter = () => {
      replies++;
      wake.wake();
    };
    try {
      await writer.write(transmitPaperStatus());
    } catch {
      this.waiter = undefined;
      return false;
    }
    const deadline = performance.now() + timing.jobTimeoutMs;
    while (replies === 0) {
      if (!this.context.linkOpen() || this.context.stopped()) {
        this.waiter = undefined;
        return false;
      }
      const left = deadline - performance.now();
      if (left <= 0) break;
      await wake.wait(left);
    }
    let seen = -1;
    while (seen !== replies) {
      seen = replies;
      await delay(timing.settleMs);
    }
    this.waiter = undefined;
    this.unanswered = 0;
    return true;
  }
}
