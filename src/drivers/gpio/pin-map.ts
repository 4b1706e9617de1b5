import { GpioError } from './errors.js';

/** A pin as the IO plugin names it: an index, or a name its normalize() knows ("GPIO17", "P1-11"). */
export type PinId = number | string;

/** Which electrical level means "on" (lit, sounding, energized, pressed, drawer open). */
export type ActiveLevel = 'high' | 'low';

/** The input's pull resistor, set through the plugin (digitalWrite on an INPUT pin: 1 up, 0 down). */
export type Pull = 'up' | 'down' | 'none';

export interface OutputPin {
  readonly pin: PinId;
  readonly active: ActiveLevel;
}

export interface InputPin {
  readonly pin: PinId;
  readonly active: ActiveLevel;
  readonly pull: Pull;
}

export type StatusLight = 'ready' | 'offline' | 'fault';
export const STATUS_LIGHTS: readonly StatusLight[] = ['ready', 'offline', 'fault'];

/** Which pin is which. Every line is optional: a terminal wires what it has. */
export interface GpioPinMap {
  readonly readyLight?: OutputPin;
  readonly offlineLight?: OutputPin;
  readonly faultLight?: OutputPin;
  /** An active (self-oscillating) buzzer: sounds while its line is active. */
  readonly buzzer?: OutputPin;
  /** Drives the transistor or opto that energizes the drawer solenoid; never the solenoid itself. */
  readonly drawerRelay?: OutputPin;
  /** Active = pressed. */
  readonly cancelButton?: InputPin;
  /** Active = drawer open. */
  readonly drawerSwitch?: InputPin;
}

export type OutputLineName = 'readyLight' | 'offlineLight' | 'faultLight' | 'buzzer' | 'drawerRelay';
export type InputLineName = 'cancelButton' | 'drawerSwitch';
export type LineName = OutputLineName | InputLineName;

export const OUTPUT_LINES: readonly OutputLineName[] = ['readyLight', 'offlineLight', 'faultLight', 'buzzer', 'drawerRelay'];
export const INPUT_LINES: readonly InputLineName[] = ['cancelButton', 'drawerSwitch'];

export function lightLine(light: StatusLight): OutputLineName {
  return `${light}Light`;
}

/**
 * Reads the `pins` section of the config. Each line is a pin (`"GPIO17"`, `17`: active high) or
 * `{ "pin": "GPIO27", "active": "low", "pull": "up" }`. Inputs default to the pull that holds them
 * inactive when their contact is open: active low -> pull up, active high -> pull down.
 */
export function parsePinMap(raw: unknown): GpioPinMap {
  if (!isRecord(raw)) throw bad('pins: expected an object of lines');
  for (const key of Object.keys(raw)) {
    if (!(OUTPUT_LINES as readonly string[]).includes(key) && !(INPUT_LINES as readonly string[]).includes(key)) {
      throw bad(`pins: unknown line ${JSON.stringify(key)} (${[...OUTPUT_LINES, ...INPUT_LINES].join(', ')})`);
    }
  }
  const map: Record<string, OutputPin | InputPin> = {};
  for (const name of OUTPUT_LINES) {
    if (raw[name] !== undefined) map[name] = parseOutput(name, raw[name]);
  }
  for (const name of INPUT_LINES) {
    if (raw[name] !== undefined) map[name] = parseInput(name, raw[name]);
  }
  assertDistinctPins(map);
  return map as GpioPinMap;
}

/** Every pin the map uses, in a stable order (for plugins that take a list of pins to claim). */
export function pinsInUse(map: GpioPinMap): PinId[] {
  return [...OUTPUT_LINES, ...INPUT_LINES].flatMap((name) => {
    const line = map[name];
    return line ? [line.pin] : [];
  });
}

function parseOutput(name: string, raw: unknown): OutputPin {
  if (isPinId(raw)) return { pin: checkPin(name, raw), active: 'high' };
  if (!isRecord(raw)) throw bad(`pins.${name}: expected a pin or { pin, active }`);
  onlyKeys(name, raw, ['pin', 'active']);
  return { pin: checkPin(name, raw.pin), active: parseActive(name, raw.active) };
}

function parseInput(name: string, raw: unknown): InputPin {
  if (isPinId(raw)) return { pin: checkPin(name, raw), active: 'high', pull: 'down' };
  if (!isRecord(raw)) throw bad(`pins.${name}: expected a pin or { pin, active, pull }`);
  onlyKeys(name, raw, ['pin', 'active', 'pull']);
  const active = parseActive(name, raw.active);
  const pull = raw.pull === undefined ? (active === 'low' ? 'up' : 'down') : raw.pull;
  if (pull !== 'up' && pull !== 'down' && pull !== 'none') throw bad(`pins.${name}.pull: expected "up", "down" or "none"`);
  return { pin: checkPin(name, raw.pin), active, pull };
}

function parseActive(name: string, raw: unknown): ActiveLevel {
  if (raw === undefined) return 'high';
  if (raw === 'high' || raw === 'low') return raw;
  throw bad(`pins.${name}.active: expected "high" or "low"`);
}

function checkPin(name: string, raw: unknown): PinId {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < 1024) return raw;
  if (typeof raw === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(raw)) return raw;
  throw bad(`pins.${name}.pin: expected a pin number or name such as "GPIO17", got ${JSON.stringify(raw)}`);
}

function assertDistinctPins(map: Record<string, OutputPin | InputPin>): void {
  const seen = new Map<string, string>();
  for (const [name, line] of Object.entries(map)) {
    const key = String(line.pin).toUpperCase();
    const other = seen.get(key);
    if (other) throw bad(`pins: ${name} and ${other} both use pin ${JSON.stringify(line.pin)}`);
    seen.set(key, name);
  }
}

function onlyKeys(name: string, raw: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw bad(`pins.${name}: unknown key ${JSON.stringify(key)} (${allowed.join(', ')})`);
  }
}

function isPinId(raw: unknown): raw is PinId {
  return typeof raw === 'number' || typeof raw === 'string';
}

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function bad(message: string): GpioError {
  return new GpioError('bad_config', message);
}
