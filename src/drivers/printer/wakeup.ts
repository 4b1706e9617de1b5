/** Lets a loop sleep until something happened (wake) or a time passed, whichever first. */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const resume of waiters) resume();
  }

  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const resume = (): void => {
        clearTimeout(timer);
        this.waiters.delete(resume);
        resolve();
      };
      this.waiters.add(resume);
      if (timeoutMs !== undefined) timer = setTimeout(resume, Math.max(0, timeoutMs));
    });
  }
}
