import { GpioError } from './errors.js';
import { initialDebounceState, observeLevel, settleLevel, type DebounceState } from './debounce.js';
import type { IoPlugin } from './io-plugin.js';
import type { InputPin, LineName } from './pin-map.js';

/** Where a line reports that the plugin threw; the device turns it into its `failed` state. */
export type FaultSink = (fault: GpioError) => void;

/** One output pin with its polarity. The rest of the driver speaks of active/inactive only. */
export class OutputLine {
  private current = false;

  constructor(
    readonly name: LineName,
    private readonly io: IoPlugin,
    readonly pin: number,
    private readonly activeLow: boolean,
    private readonly onFault: FaultSink,
  ) {}

  get active(): boolean {
    return this.current;
  }

  /** OUTPUT mode, then inactive. */
  setup(): boolean {
    try {
      this.io.pinMode(this.pin, this.io.MODES.OUTPUT);
    } catch (err) {
      this.onFault(ioFault(`${this.name}: pinMode(${this.pin}, OUTPUT)`, err));
      return false;
    }
    return this.drive(false);
  }

  /** Drives the line; false (and a fault reported) when the plugin threw. */
  drive(active: boolean): boolean {
    const fault = this.tryDrive(active);
    if (fault) this.onFault(fault);
    return !fault;
  }

  /** Drives the line and returns what went wrong, without reporting it. */
  tryDrive(active: boolean): GpioError | undefined {
    try {
      this.io.digitalWrite(this.pin, active !== this.activeLow ? 1 : 0);
    } catch (err) {
      return ioFault(`${this.name}: digitalWrite(${this.pin})`, err);
    }
    this.current = active;
    return undefined;
  }
}

/**
 * One input pin: polarity, pull resistor, and a quiet-period debounce. `onSettled` hears each
 * change of the settled level, including the first one (from undefined).
 */
export class DebouncedInput {
  private state: DebounceState = initialDebounceState;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attached = false;
  private readonly activeValue: number;

  constructor(
    readonly name: LineName,
    private readonly io: IoPlugin,
    readonly pin: number,
    private readonly config: InputPin,
    private readonly debounceMs: number,
    private readonly onSettled: (active: boolean, from: boolean | undefined) => void,
    private readonly onFault: FaultSink,
  ) {
    this.activeValue = config.active === 'low' ? 0 : 1;
  }

  /** The settled level: true = active. Undefined until the first level has settled. */
  get active(): boolean | undefined {
    return this.state.stable;
  }

  attach(): boolean {
    this.attached = true;
    try {
      this.io.pinMode(this.pin, this.io.MODES.INPUT);
      if (this.config.pull !== 'none') this.io.digitalWrite(this.pin, this.config.pull === 'up' ? 1 : 0);
      this.io.digitalRead(this.pin, (value) => this.report(value));
    } catch (err) {
      this.attached = false;
      this.onFault(ioFault(`${this.name}: setting up input pin ${this.pin}`, err));
      return false;
    }
    return true;
  }

  /** Plugins offer no way to unsubscribe a digitalRead handler: later reports are ignored. */
  detach(): void {
    this.attached = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private report(value: unknown): void {
    if (!this.attached) return;
    const level = Number(value) ? 1 : 0;
    const observed = observeLevel(this.state, level === this.activeValue);
    this.state = observed.state;
    if (!observed.rearm) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.settle(), this.debounceMs);
  }

  private settle(): void {
    this.timer = undefined;
    if (!this.attached) return;
    const { state, settled } = settleLevel(this.state);
    this.state = state;
    if (settled) this.onSettled(settled.to, settled.from);
  }
}

export function ioFault(what: string, err: unknown): GpioError {
  const message = err instanceof Error ? err.message : String(err);
  return new GpioError('io_failed', `${what} failed: ${message}`, { cause: err });
}
