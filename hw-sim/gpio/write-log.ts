/** One thing the host did to a pin, stamped with the twin's clock (ms). */
export interface PinEvent {
  readonly atMs: number;
  readonly pin: number;
  /** digital: an output level; pwm: a duty 0..255; pull: digitalWrite on an input (1 up, 0 down); mode: pinMode. */
  readonly kind: 'digital' | 'pwm' | 'pull' | 'mode';
  readonly value: number;
}

/** A stretch of time a pin was held active. `endMs` is undefined while it still is. */
export interface Pulse {
  readonly startMs: number;
  readonly endMs: number | undefined;
  readonly durationMs: number | undefined;
}

/** Everything the host wrote, in order, and the analysis tests want from it. */
export class WriteLog {
  private readonly events: PinEvent[] = [];

  record(event: PinEvent): void {
    this.events.push(event);
  }

  clear(): void {
    this.events.length = 0;
  }

  all(): readonly PinEvent[] {
    return this.events;
  }

  /** Output writes (digital and pwm) to one pin. */
  outputs(pin: number): PinEvent[] {
    return this.events.filter((e) => e.pin === pin && (e.kind === 'digital' || e.kind === 'pwm'));
  }

  /** The level changes of an output pin as [atMs, level] with repeated writes of the same level folded. */
  levelChanges(pin: number): [atMs: number, level: number][] {
    const changes: [number, number][] = [];
    for (const e of this.outputs(pin)) {
      const level = e.kind === 'pwm' ? (e.value > 0 ? 1 : 0) : e.value;
      if (changes.length === 0 || changes[changes.length - 1]![1] !== level) changes.push([e.atMs, level]);
    }
    return changes;
  }

  /** The times the pin was held at `activeLevel`, from the write that made it active to the one that ended it. */
  pulses(pin: number, activeLevel: 0 | 1 = 1): Pulse[] {
    const pulses: Pulse[] = [];
    let start: number | undefined;
    for (const [atMs, level] of this.levelChanges(pin)) {
      if (level === activeLevel && start === undefined) start = atMs;
      else if (level !== activeLevel && start !== undefined) {
        pulses.push({ startMs: start, endMs: atMs, durationMs: atMs - start });
        start = undefined;
      }
    }
    if (start !== undefined) pulses.push({ startMs: start, endMs: undefined, durationMs: undefined });
    return pulses;
  }
}
