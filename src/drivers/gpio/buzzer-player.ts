import type { BuzzerPattern, BuzzerStep } from './buzzer-patterns.js';
import type { OutputLine } from './lines.js';

/**
 * - played: the pattern sounded in full
 * - dropped: it was waiting and a newer pattern took its place
 * - stopped: silence(), stop() or an IO failure cut it (or its wait) short
 */
export type BeepOutcome = 'played' | 'dropped' | 'stopped';

interface Job {
  readonly pattern: BuzzerPattern;
  readonly steps: readonly BuzzerStep[];
  readonly resolve: (outcome: BeepOutcome) => void;
}

/**
 * Plays patterns one at a time, never overlapping and never cutting one off: a pattern asked
 * for while another sounds waits for it to finish plus a short gap. Only one waits; a newer
 * request takes the waiting place (the older one resolves `dropped`), so a burst of scans
 * cannot build a backlog of beeps that trails behind the counter.
 */
export class BuzzerPlayer {
  private phase: 'idle' | 'playing' | 'gap' = 'idle';
  private current: Job | undefined;
  private waiting: Job | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly line: OutputLine,
    private readonly gapMs: number,
  ) {}

  /** The pattern sounding now, if any. */
  get playing(): string | undefined {
    return this.current?.pattern.name;
  }

  play(pattern: BuzzerPattern, steps: readonly BuzzerStep[]): Promise<BeepOutcome> {
    return new Promise((resolve) => {
      const job: Job = { pattern, steps, resolve };
      if (this.phase === 'idle') {
        this.start(job);
        return;
      }
      this.waiting?.resolve('dropped');
      this.waiting = job;
    });
  }

  /** Silences the buzzer now; the sounding and the waiting pattern resolve `stopped`. `drive` false: do not touch the pin (it failed). */
  stop(drive = true): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.phase = 'idle';
    const current = this.current;
    const waiting = this.waiting;
    this.current = undefined;
    this.waiting = undefined;
    if (drive && this.line.active) this.line.drive(false);
    current?.resolve('stopped');
    waiting?.resolve('stopped');
  }

  private start(job: Job): void {
    this.current = job;
    this.phase = 'playing';
    this.step(0);
  }

  private step(index: number): void {
    const job = this.current;
    if (!job) return;
    const step = job.steps[index];
    if (!step) {
      this.finish(job);
      return;
    }
    if (this.line.active !== step.on && !this.line.drive(step.on)) return;
    this.timer = setTimeout(() => this.step(index + 1), step.durationMs);
  }

  private finish(job: Job): void {
    if (this.line.active && !this.line.drive(false)) return;
    this.current = undefined;
    this.timer = undefined;
    job.resolve('played');
    if (!this.waiting) {
      this.phase = 'idle';
      return;
    }
    this.phase = 'gap';
    this.timer = setTimeout(() => {
      const next = this.waiting;
      this.waiting = undefined;
      if (next) this.start(next);
      else this.phase = 'idle';
    }, this.gapMs);
  }
}
