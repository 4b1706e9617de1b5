import { GpioError } from './errors.js';
import type { FaultSink, OutputLine } from './lines.js';

/**
 * - pulsed: this call energized the relay for the full pulse and released it
 * - coalesced: a kick was already under way (or had just ended, within the recovery time);
 *   this call resolves with it and did not energize the relay again
 */
export type KickOutcome = 'pulsed' | 'coalesced';

interface Pending {
  resolve(outcome: KickOutcome): void;
  reject(err: GpioError): void;
}

/**
 * The cash-drawer relay. One pulse at a time, never overlapping: a kick asked for during a
 * pulse or its recovery time is coalesced into it. Whatever happens (a write that throws, stop(),
 * an IO failure elsewhere), the relay is driven off before the pulse's promise settles.
 */
export class DrawerRelay {
  private phase: 'idle' | 'energized' | 'recovering' = 'idle';
  private inFlight: Promise<KickOutcome> | undefined;
  private pending: Pending | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly line: OutputLine,
    private readonly recoveryMs: number,
    private readonly onFault: FaultSink,
  ) {}

  get energized(): boolean {
    return this.line.active;
  }

  get busy(): boolean {
    return this.phase !== 'idle';
  }

  pulse(pulseMs: number): Promise<KickOutcome> {
    if (this.phase === 'recovering') return Promise.resolve('coalesced');
    if (this.phase === 'energized' && this.inFlight) return this.inFlight.then(() => 'coalesced');
    this.phase = 'energized';
    const inFlight = new Promise<KickOutcome>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
    this.inFlight = inFlight;
    const fault = this.line.tryDrive(true);
    if (fault) {
      this.release();
      this.phase = 'idle';
      this.settle((p) => p.reject(fault));
      this.onFault(fault);
      return inFlight;
    }
    this.timer = setTimeout(() => this.endPulse(), pulseMs);
    return inFlight;
  }

  /** Cuts a pulse short (stop or IO failure): the relay is released first, then the pulse rejects `interrupted`. */
  interrupt(why: string): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const wasEnergized = this.phase === 'energized' || this.line.active;
    this.phase = 'idle';
    if (wasEnergized) this.release();
    this.settle((p) => p.reject(new GpioError('interrupted', `drawer pulse cut short: ${why}; relay released`)));
  }

  private endPulse(): void {
    this.timer = undefined;
    const fault = this.release();
    if (fault) {
      this.phase = 'idle';
      const stuck = new GpioError('io_failed', `drawer relay could not be released: ${fault.message}`, { cause: fault });
      this.settle((p) => p.reject(stuck));
      this.onFault(stuck);
      return;
    }
    this.phase = 'recovering';
    this.settle((p) => p.resolve('pulsed'));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.phase = 'idle';
    }, this.recoveryMs);
  }

  /** Drives the relay off, retrying once: a transient write error must not leave the solenoid energized. */
  private release(): GpioError | undefined {
    return this.line.tryDrive(false) && this.line.tryDrive(false);
  }

  private settle(how: (pending: Pending) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    this.inFlight = undefined;
    if (pending) how(pending);
  }
}
