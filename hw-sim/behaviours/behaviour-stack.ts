/**
 * Composable device behaviours, in the manner of zwave-js's mock controller: a twin asks its
 * behaviours, front first, how to handle each event (a command, a frame on its way out...). The
 * first one that handles it wins; the twin's own defaults sit at the back. A test adds behaviours
 * in front (a lost ACK, a garbled answer, a delay) and removes them again.
 */
export interface Behaviour {
  /** Shown in diagnostics; say what the behaviour does ("drop 2 ACKs"). */
  readonly name: string;
  /** A behaviour that has done all it was asked to (e.g. "the next 3 ACKs") is dropped from the stack. */
  readonly spent?: boolean;
}

/** Removes the behaviours it was returned for (again: nothing). */
export type RemoveBehaviour = () => void;

export class BehaviourStack<B extends Behaviour> {
  private added: B[] = [];

  constructor(private readonly defaults: readonly B[] = []) {}

  /**
   * Puts behaviours in front of all earlier ones; among themselves, the first given is asked first.
   * Returns a function that removes exactly these.
   */
  add(...behaviours: B[]): RemoveBehaviour {
    this.added = [...behaviours, ...this.added];
    return () => this.remove(...behaviours);
  }

  remove(...behaviours: B[]): void {
    this.added = this.added.filter((b) => !behaviours.includes(b));
  }

  /** Removes everything a test added; the defaults stay. */
  clear(): void {
    this.added = [];
  }

  /** Added behaviours still in effect, front first. */
  get active(): readonly B[] {
    this.prune();
    return this.added;
  }

  /** Added behaviours, then the defaults: the order in which they are asked. */
  all(): readonly B[] {
    this.prune();
    return this.added.length === 0 ? this.defaults : [...this.added, ...this.defaults];
  }

  /** Asks each behaviour in turn; returns the first answer that is not undefined. */
  first<R>(ask: (behaviour: B) => R | undefined): R | undefined {
    for (const behaviour of this.all()) {
      if (behaviour.spent) continue;
      const answer = ask(behaviour);
      if (answer !== undefined) return answer;
    }
    return undefined;
  }

  private prune(): void {
    if (this.added.some((b) => b.spent)) this.added = this.added.filter((b) => !b.spent);
  }
}

/** A counter for behaviours that act a given number of times ("the next n frames"). */
export class Uses {
  private left: number;

  constructor(times: number, what: string) {
    if (!(Number.isInteger(times) && times >= 1) && times !== Infinity) throw new RangeError(`${what}: times must be a positive integer or Infinity, not ${times}`);
    this.left = times;
  }

  get spent(): boolean {
    return this.left <= 0;
  }

  /** Takes one use if any is left. */
  take(): boolean {
    if (this.left <= 0) return false;
    this.left--;
    return true;
  }
}
