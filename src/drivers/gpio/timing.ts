import { GpioError } from './errors.js';

/** Times of the GPIO device, all in milliseconds. */
export interface GpioTiming {
  /** How long the drawer relay is held on a kick. Drawer solenoids want 50-200 ms; longer only heats them. */
  readonly drawerPulseMs: number;
  /** After a kick, the relay stays off at least this long; kicks asked for meanwhile are coalesced into the last one. */
  readonly drawerRecoveryMs: number;
  /** The cancel button must hold a level this long (no edge) before it counts. */
  readonly cancelDebounceMs: number;
  readonly drawerDebounceMs: number;
  /** Emit `drawerLeftOpen` once when the drawer has been open this long; 0 = never. */
  readonly drawerLeftOpenMs: number;
  readonly blinkOnMs: number;
  readonly blinkOffMs: number;
  /** Silence between two buzzer patterns played back to back, so they do not merge into one sound. */
  readonly buzzerGapMs: number;
  /** How long start() waits for the IO plugin to become ready. */
  readonly readyTimeoutMs: number;
}

export const defaultGpioTiming: GpioTiming = {
  drawerPulseMs: 100,
  drawerRecoveryMs: 500,
  cancelDebounceMs: 30,
  drawerDebounceMs: 50,
  drawerLeftOpenMs: 0,
  blinkOnMs: 500,
  blinkOffMs: 500,
  buzzerGapMs: 80,
  readyTimeoutMs: 5000,
};

const LIMITS: Record<keyof GpioTiming, [min: number, max: number]> = {
  drawerPulseMs: [10, 1000],
  drawerRecoveryMs: [0, 10_000],
  cancelDebounceMs: [1, 1000],
  drawerDebounceMs: [1, 1000],
  drawerLeftOpenMs: [0, 86_400_000],
  blinkOnMs: [20, 10_000],
  blinkOffMs: [20, 10_000],
  buzzerGapMs: [0, 2000],
  readyTimeoutMs: [100, 120_000],
};

/** Reads the `timing` section of the config; missing keys take the defaults. */
export function parseGpioTiming(raw: unknown = {}): GpioTiming {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new GpioError('bad_config', 'timing: expected an object');
  const timing: Record<string, number> = { ...defaultGpioTiming };
  for (const [key, value] of Object.entries(raw)) {
    const limits = LIMITS[key as keyof GpioTiming];
    if (!limits) throw new GpioError('bad_config', `timing: unknown key ${JSON.stringify(key)} (${Object.keys(LIMITS).join(', ')})`);
    timing[key] = checkMs(`timing.${key}`, value, limits);
  }
  return timing as unknown as GpioTiming;
}

export function checkMs(what: string, value: unknown, [min, max]: [number, number], code: 'bad_config' | 'bad_argument' = 'bad_config'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new GpioError(code, `${what}: expected whole milliseconds ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export const DRAWER_PULSE_LIMITS: [number, number] = LIMITS.drawerPulseMs;
