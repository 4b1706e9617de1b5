/**
 * Runs tasks one at a time, in the order they were handed in. A task that throws or rejects
 * fails only its own promise: the next task starts all the same, so one failure never wedges
 * the tasks behind it.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /** Runs `task` once every task handed in before it has settled; settles as `task` does. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(() => task());
    this.tail = result.then(
      () => void this.waiting--,
      () => void this.waiting--,
    );
    return result;
  }

  /** Resolves once every task handed in so far has settled (never rejects). */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Tasks handed in and not yet settled, the running one included. */
  get pending(): number {
    return this.waiting;
  }
}
