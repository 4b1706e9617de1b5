import type { TerminalEventStream } from '../../app/events.js';
import { ApiError } from './errors.js';

/**
 * Long-polls on payments: a request waits until its payment changes, its time is up, or the
 * client goes away, whichever first. One listener on the event stream serves every waiter; the
 * number of waiters is bounded.
 */
export class PaymentWatch {
  private readonly waiters = new Map<string, Set<() => void>>();
  private count = 0;
  private readonly onUpdate = (payment: { id: string }): void => this.wake(payment.id);

  constructor(
    private readonly events: TerminalEventStream,
    private readonly maxWaiters = 64,
  ) {
    events.on('payment.updated', this.onUpdate);
  }

  /** Requests waiting now. */
  get waiting(): number {
    return this.count;
  }

  /** Resolves at the payment's next change, after `ms`, or when `gone` fires (the client left). */
  wait(id: string, ms: number, gone: (stop: () => void) => void): Promise<void> {
    if (this.count >= this.maxWaiters) throw new ApiError('too_many_connections', `${this.maxWaiters} requests are already waiting: poll without wait, or try again shortly`);
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      this.count++;
      const done = (): void => {
        if (!set!.delete(done)) return;
        this.count--;
        if (set!.size === 0 && this.waiters.get(id) === set) this.waiters.delete(id);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      gone(done);
    });
  }

  /** Answers every waiter now (the server is closing). */
  close(): void {
    this.events.off('payment.updated', this.onUpdate);
    for (const id of [...this.waiters.keys()]) this.wake(id);
  }

  private wake(id: string): void {
    const set = this.waiters.get(id);
    if (!set) return;
    for (const done of [...set]) done();
  }
}
