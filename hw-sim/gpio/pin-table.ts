/** Pin modes as the johnny-five IO plugin specification numbers them. */
export const MODES = Object.freeze({ INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 });

export interface TwinPinInfo {
  readonly supportedModes: readonly number[];
  readonly mode: number;
  readonly value: number;
  readonly report: number;
  readonly analogChannel: number;
}

export type Pull = 'up' | 'down' | 'none';

/**
 * A Raspberry-Pi-like header: BCM GPIO 0..count-1 (INPUT, OUTPUT; PWM and SERVO on the hardware
 * PWM pins) and, after them, a virtual output for the board's activity LED (`defaultLed`).
 */
export interface PinLayout {
  readonly gpioCount: number;
  readonly pwmPins: readonly number[];
}

export const PI_LAYOUT: PinLayout = { gpioCount: 28, pwmPins: [12, 13, 18, 19] };

export function supportedModes(layout: PinLayout, index: number): readonly number[] {
  if (index === layout.gpioCount) return Object.freeze([MODES.OUTPUT]);
  if (index < 0 || index > layout.gpioCount) return Object.freeze([]);
  return Object.freeze(layout.pwmPins.includes(index) ? [MODES.INPUT, MODES.OUTPUT, MODES.PWM, MODES.SERVO] : [MODES.INPUT, MODES.OUTPUT]);
}

/** The pull a BCM283x/BCM2711 pin has at power-up: GPIO 0-8 pulled up, 9-27 pulled down. */
export function powerUpPull(layout: PinLayout, index: number): Pull {
  if (index >= layout.gpioCount) return 'none';
  return index <= 8 ? 'up' : 'down';
}

/** "GPIO17", "BCM17", 17 -> 17; "LED0" / "ACT" -> the activity LED. Throws for anything else. */
export function normalizePin(layout: PinLayout, pin: number | string): number {
  if (typeof pin === 'number' && Number.isInteger(pin) && pin >= 0 && pin <= layout.gpioCount) return pin;
  if (typeof pin === 'string') {
    const upper = pin.toUpperCase();
    if (upper === 'LED0' || upper === 'ACT') return layout.gpioCount;
    const match = /^(?:GPIO|BCM)(\d{1,2})$/.exec(upper);
    if (match) {
      const n = Number(match[1]);
      if (n < layout.gpioCount) return n;
    }
  }
  throw new Error(`GPIO twin: no pin ${JSON.stringify(pin)} (GPIO0..GPIO${layout.gpioCount - 1}, LED0)`);
}
