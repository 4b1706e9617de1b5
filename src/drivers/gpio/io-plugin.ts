/**
 * The part of the johnny-five IO plugin contract (github.com/rwaldron/io-plugins) this driver
 * relies on. Real plugins (raspi-io, pi-io) and hw-sim's twin have this shape; the driver talks
 * to pins only through it, with johnny-five's Board managing the plugin's life cycle.
 */

/** Pin modes as the IO plugin specification numbers them. */
export interface IoModes {
  readonly INPUT: number;
  readonly OUTPUT: number;
  readonly ANALOG: number;
  readonly PWM: number;
  readonly SERVO: number;
}

export interface IoPinInfo {
  readonly supportedModes: readonly number[];
  readonly mode?: number;
  readonly value?: number | null;
  readonly report?: number;
  readonly analogChannel?: number;
}

/** Events an IO plugin may emit; johnny-five waits for both `connect` and `ready` (in any order). */
export type IoPluginEvent = 'connect' | 'ready' | 'error' | 'close' | 'disconnect' | 'string';

export interface IoPlugin {
  readonly name: string;
  readonly isReady: boolean;
  readonly MODES: IoModes;
  readonly HIGH?: number;
  readonly LOW?: number;
  readonly pins: readonly IoPinInfo[];
  readonly analogPins: readonly number[];
  readonly defaultLed?: number;
  readonly RESOLUTION?: { readonly ADC?: number; readonly DAC?: number | null; readonly PWM?: number };

  pinMode(pin: number, mode: number): unknown;
  /** OUTPUT pin: drive the level. INPUT pin (Firmata convention, followed by raspi-io and pi-io): 1 enables the pull-up, 0 the pull-down. */
  digitalWrite(pin: number, value: number): unknown;
  /** Calls handler with the pin's level when it changes (some plugins poll, some report every sample). */
  digitalRead(pin: number, handler: (value: number) => void): unknown;
  /** Maps a pin name such as "GPIO17" or "P1-11" to its index in `pins`. */
  normalize?(pin: number | string): number;
  /** raspi-io (j5-io) stops its read polling; not part of the specification. */
  reset?(): unknown;

  on(event: IoPluginEvent, listener: (...args: unknown[]) => void): unknown;
  once(event: IoPluginEvent, listener: (...args: unknown[]) => void): unknown;
  off(event: IoPluginEvent, listener: (...args: unknown[]) => void): unknown;
  emit(event: IoPluginEvent, ...args: unknown[]): boolean;
}
