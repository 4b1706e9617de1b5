import type { Behaviour } from '../behaviours/behaviour-stack.js';
import type { GpioTwin } from './gpio-twin.js';

export interface PinWrite {
  readonly pin: number;
  readonly kind: 'digital';
  readonly value: number;
}

/** One way of handling what happens at the IO plugin; each hook returns undefined to let the next decide. */
export interface GpioBehaviour extends Behaviour {
  /** A write from the driver. Throw to fail it as a flaky plugin does; true: it is lost without effect. */
  onWrite?(twin: GpioTwin, write: PinWrite): true | undefined;
  /** The level an input pin shows, whatever is wired to it (a shorted or broken switch). */
  onInputLevel?(twin: GpioTwin, pin: number): 0 | 1 | undefined;
}
