import { CodedError } from '../errors/coded-error.js';

/**
 * The one contract every device driver keeps: a kind, the URI it was made from, start/stop, and
 * a health record with an event on every change. Device-specific events (scan, card, job...)
 * live beside it on each driver.
 */
export type DeviceKind = 'printer' | 'scanner' | 'nfc' | 'gpio';

export const DEVICE_KINDS: readonly DeviceKind[] = ['printer', 'scanner', 'nfc', 'gpio'];

/**
 * - stopped: start() not called yet, or stop() was
 * - connecting: not usable yet and trying; `reason` says why the last attempt failed (null on the first)
 * - ready: works
 * - degraded: works, with a problem a person should see (paper near end, repeated poll errors...)
 * - failed: does not work and needs a person (paper out, cover open, the wrong chip, a dead GPIO plugin)
 */
export type HealthState = 'stopped' | 'connecting' | 'ready' | 'degraded' | 'failed';

/** Device-specific facts (printer conditions, link state, firmware, features...). JSON-safe. */
export type HealthDetail = Readonly<Record<string, unknown>>;

export interface DeviceHealth<Detail extends HealthDetail = HealthDetail> {
  readonly state: HealthState;
  /** What a technician can act on: set for connecting (after a failed attempt), degraded and failed. */
  readonly reason: string | null;
  /** Epoch ms of the last change of state or reason. */
  readonly since: number;
  readonly detail: Detail;
}

export interface HealthEvents<Detail extends HealthDetail = HealthDetail> {
  /** On every change of state, reason or detail, and only then. */
  health: [health: DeviceHealth<Detail>];
}

export interface Device<Detail extends HealthDetail = HealthDetail> {
  readonly kind: DeviceKind;
  readonly uri: string;
  /** Begins opening the device; it keeps trying (and reconnects after an unplug) until stop(). */
  start(): void;
  stop(): Promise<unknown>;
  health(): DeviceHealth<Detail>;
  /**
   * Resolves once the device is usable (ready or degraded); rejects with DeviceError('not_ready')
   * after timeoutMs, its message carrying the health reason.
   */
  waitReady(timeoutMs: number): Promise<void>;
  on(event: 'health', listener: (health: DeviceHealth<Detail>) => void): unknown;
  off(event: 'health', listener: (health: DeviceHealth<Detail>) => void): unknown;
}

export type DeviceErrorCode =
  /** waitReady timed out; the message carries the device's health reason. */
  | 'not_ready'
  /** The registry has no driver for this kind of device. */
  | 'unknown_kind'
  /** No driver of this kind takes this URI (wrong scheme, or a malformed address). */
  | 'unsupported_uri'
  /** The settings of a device are not the shape its driver takes. */
  | 'bad_settings';

export class DeviceError extends CodedError<DeviceErrorCode> {
  override readonly name = 'DeviceError';
}

/** Ready or degraded: the device does its job. */
export function isUsable(state: HealthState): boolean {
  return state === 'ready' || state === 'degraded';
}

/** "connecting: no such device /dev/ttyUSB0 ..." (the state alone when there is no reason). */
export function describeHealth(health: DeviceHealth): string {
  return health.reason === null ? health.state : `${health.state}: ${health.reason}`;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** waitReady for any device: resolves when its health is usable, rejects with the reason after timeoutMs. */
export function waitUntilUsable(device: Device, timeoutMs: number): Promise<void> {
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    return Promise.reject(new DeviceError('not_ready', `${device.kind} ${device.uri}: waitReady needs a timeout in ms, got ${timeoutMs}`));
  }
  if (isUsable(device.health().state)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onHealth = (health: DeviceHealth): void => {
      if (!isUsable(health.state)) return;
      clearTimeout(timer);
      device.off('health', onHealth);
      resolve();
    };
    const timer = setTimeout(() => {
      device.off('health', onHealth);
      const health = device.health();
      reject(new DeviceError('not_ready', `${device.kind} ${device.uri} not ready after ${timeoutMs} ms: ${describeHealth(health)}`));
    }, Math.min(timeoutMs, MAX_TIMER_MS));
    device.on('health', onHealth);
  });
}

/**
 * Holds one device's health and reports changes. Drivers compute state, reason and detail from
 * their own private state and hand them here; `since` moves only when state or reason change.
 */
export class HealthTracker<Detail extends HealthDetail> {
  private current: DeviceHealth<Detail>;
  private detailJson: string;

  constructor(
    private readonly changed: (health: DeviceHealth<Detail>) => void,
    detail: Detail,
    private readonly clock: () => number = Date.now,
  ) {
    this.detailJson = JSON.stringify(detail);
    this.current = freezeHealth('stopped', null, clock(), this.detailJson);
  }

  get(): DeviceHealth<Detail> {
    return this.current;
  }

  /** Records the device's health; calls `changed` only when something differs from the last record. */
  set(state: HealthState, reason: string | null, detail: Detail): void {
    const before = this.current;
    const detailJson = JSON.stringify(detail);
    const sameHead = before.state === state && before.reason === reason;
    if (sameHead && detailJson === this.detailJson) return;
    this.detailJson = detailJson;
    this.current = freezeHealth(state, reason, sameHead ? before.since : this.clock(), detailJson);
    this.changed(this.current);
  }
}

function freezeHealth<Detail extends HealthDetail>(state: HealthState, reason: string | null, since: number, detailJson: string): DeviceHealth<Detail> {
  // A JSON round trip: the detail is JSON-safe by construction and shares nothing with the driver.
  return Object.freeze({ state, reason, since, detail: deepFreeze(JSON.parse(detailJson) as Detail) });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
