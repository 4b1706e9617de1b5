/**
 * A mechanical contact. Moving it can bounce: it reaches the new position, then toggles after
 * each gap in bounceMs, and finally rests in the new position, as a real switch chatters for a
 * few ms when it closes or opens. With an odd number of gaps the last toggle leaves it in the old
 * position, so it returns at once: a zero-length blip, which a driver must survive too.
 */
export class Contact {
  private closed: boolean;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private settleWaiters: (() => void)[] = [];

  constructor(
    initiallyClosed: boolean,
    private readonly changed: () => void,
  ) {
    this.closed = initiallyClosed;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once the contact rests in the new position. A move cancels a bounce still under way. */
  move(closed: boolean, bounceMs: readonly number[] = []): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const settled = new Promise<void>((resolve) => this.settleWaiters.push(resolve));
    this.set(closed);
    const gaps = [...bounceMs];
    const next = (): void => {
      const gap = gaps.shift();
      if (gap === undefined) {
        this.set(closed);
        this.timer = undefined;
        const waiters = this.settleWaiters;
        this.settleWaiters = [];
        for (const resolve of waiters) resolve();
        return;
      }
      this.timer = setTimeout(() => {
        this.set(!this.closed);
        next();
      }, gap);
    };
    next();
    return settled;
  }

  /** Stops any bounce in progress where it is (the twin is shutting down). */
  freeze(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(closed: boolean): void {
    if (this.closed === closed) return;
    this.closed = closed;
    this.changed();
  }
}
