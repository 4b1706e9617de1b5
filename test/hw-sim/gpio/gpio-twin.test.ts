import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadJohnnyFive, disposeBoard } from '../../../src/drivers/gpio/johnny-five.js';
import { gpioFaults } from '../../../hw-sim/gpio/faults.js';
import { GpioTwin, type GpioTwinOptions } from '../../../hw-sim/gpio/gpio-twin.js';
import { MODES } from '../../../hw-sim/gpio/pin-table.js';

const BUTTON = 27;
const SWITCH = 22;
const SOLENOID = 17;

const twins: GpioTwin[] = [];
function makeTwin(options: GpioTwinOptions = {}): GpioTwin {
  const twin = new GpioTwin({
    clock: () => Date.now(),
    wiring: { cancelButton: { pin: BUTTON }, drawerSwitch: { pin: SWITCH }, drawerSolenoid: { pin: SOLENOID } },
    ...options,
  });
  twins.push(twin);
  return twin;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const twin of twins.splice(0)) twin.dispose();
  vi.useRealTimers();
});

describe('IO plugin surface (github.com/rwaldron/io-plugins)', () => {
  it('has the required properties: frozen MODES, a pins table, analogPins, isReady, name, defaultLed', () => {
    const twin = makeTwin();
    expect(twin.MODES).toEqual({ INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 });
    expect(Object.isFrozen(twin.MODES)).toBe(true);
    expect(twin.isReady).toBe(false);
    expect(typeof twin.name).toBe('string');
    expect(twin.analogPins).toEqual([]);
    expect(twin.pins).toHaveLength(29);
    for (const pin of twin.pins) {
      expect(pin).toEqual({ supportedModes: expect.any(Array), mode: expect.any(Number), value: expect.any(Number), report: 1, analogChannel: 127 });
    }
    expect(twin.pins[17]!.supportedModes).toEqual([0, 1]);
    expect(twin.pins[18]!.supportedModes).toEqual([0, 1, 3, 4]);
    expect(twin.pins[twin.defaultLed]!.supportedModes).toEqual([1]);
  });

  it('emits connect then ready asynchronously, with isReady true by then', async () => {
    const twin = makeTwin();
    const seen: [string, boolean][] = [];
    twin.on('connect', () => seen.push(['connect', twin.isReady]));
    twin.on('ready', () => seen.push(['ready', twin.isReady]));
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([
      ['connect', true],
      ['ready', true],
    ]);
  });

  it('can announce ready first, later, or never', async () => {
    const late = makeTwin({ startup: { delayMs: 500, order: 'ready-first' } });
    const never = makeTwin({ startup: { never: true } });
    const seen: string[] = [];
    late.on('ready', () => seen.push('late ready'));
    late.on('connect', () => seen.push('late connect'));
    never.on('connect', () => seen.push('never connect'));
    never.on('ready', () => seen.push('never ready'));
    await vi.advanceTimersByTimeAsync(499);
    expect(seen).toEqual(['never connect']);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(['never connect', 'late ready', 'late connect']);
    expect(never.isReady).toBe(false);
  });

  it('normalizes BCM names and numbers, and refuses unknown pins', () => {
    const twin = makeTwin();
    expect(twin.normalize('GPIO17')).toBe(17);
    expect(twin.normalize('bcm4')).toBe(4);
    expect(twin.normalize(27)).toBe(27);
    expect(twin.normalize('LED0')).toBe(twin.defaultLed);
    for (const bad of ['GPIO28', 'P1-11', 29, -1, 'x']) expect(() => twin.normalize(bad)).toThrow(/no pin/);
  });

  it('is strict where a driver could be sloppy', () => {
    const twin = makeTwin();
    expect(() => twin.pinMode(17, MODES.PWM)).toThrow(/does not support/);
    expect(() => twin.pinMode(twin.defaultLed, MODES.INPUT)).toThrow(/does not support/);
    twin.pinMode(18, MODES.SERVO);
    expect(() => twin.digitalWrite(18, 1)).toThrow(/needs OUTPUT/);
    twin.pinMode(5, MODES.OUTPUT);
    expect(() => twin.pwmWrite(5, 128)).toThrow(/needs PWM/);
    twin.pinMode(18, MODES.PWM);
    expect(() => twin.pwmWrite(18, 256)).toThrow(/0\.\.255/);
    expect(() => twin.analogRead()).toThrow(/no analog/);
  });

  it('records every write with its time, and folds repeated levels into pulses', async () => {
    const twin = makeTwin();
    const t0 = Date.now();
    twin.pinMode(5, MODES.OUTPUT);
    twin.digitalWrite(5, 1);
    await vi.advanceTimersByTimeAsync(40);
    twin.digitalWrite(5, 1);
    await vi.advanceTimersByTimeAsync(60);
    twin.digitalWrite(5, 0);
    await vi.advanceTimersByTimeAsync(10);
    twin.digitalWrite(5, true);
    expect(twin.writes(5).map((e) => [e.kind, e.value, e.atMs - t0])).toEqual([
      ['mode', MODES.OUTPUT, 0],
      ['digital', 1, 0],
      ['digital', 1, 40],
      ['digital', 0, 100],
      ['digital', 1, 110],
    ]);
    expect(twin.pulses(5)).toEqual([
      { startMs: t0, endMs: t0 + 100, durationMs: 100 },
      { startMs: t0 + 110, endMs: undefined, durationMs: undefined },
    ]);
    expect(twin.pulses(5, 0)).toEqual([{ startMs: t0 + 100, endMs: t0 + 110, durationMs: 10 }]);
  });
});

describe('inputs, pulls and contacts', () => {
  it('sets the pull with digitalWrite on an INPUT pin; pinMode INPUT clears it; an open unpulled input floats', () => {
    const twin = makeTwin();
    expect(twin.pullOf(4)).toBe('up'); // power-up pulls of a BCM2711: 0-8 up
    expect(twin.pullOf(BUTTON)).toBe('down'); // 9-27 down
    twin.pinMode(BUTTON, MODES.INPUT);
    expect(twin.pullOf(BUTTON)).toBe('none');
    expect(twin.isFloating(BUTTON)).toBe(true);
    twin.digitalWrite(BUTTON, 1);
    expect(twin.pullOf(BUTTON)).toBe('up');
    expect(twin.isFloating(BUTTON)).toBe(false);
    expect(twin.levelOf(BUTTON)).toBe(1);
    expect(twin.writes(BUTTON).at(-1)).toMatchObject({ kind: 'pull', value: 1 });
  });

  it('reports the current level on the next microtask, then every change', async () => {
    const twin = makeTwin();
    twin.pinMode(BUTTON, MODES.INPUT);
    twin.digitalWrite(BUTTON, 1);
    const levels: number[] = [];
    const events: number[] = [];
    twin.on(`digital-read-${BUTTON}`, (v: number) => events.push(v));
    twin.digitalRead(BUTTON, (v) => levels.push(v));
    expect(levels).toEqual([]);
    await Promise.resolve();
    expect(levels).toEqual([1]);
    await twin.pressButton();
    await twin.releaseButton();
    expect(levels).toEqual([1, 0, 1]);
    expect(events).toEqual([1, 0, 1]);
  });

  it('chatters on a bouncing press and rests closed', async () => {
    const twin = makeTwin();
    twin.pinMode(BUTTON, MODES.INPUT);
    twin.digitalWrite(BUTTON, 1);
    const levels: [number, number][] = [];
    const t0 = Date.now();
    twin.digitalRead(BUTTON, (v) => levels.push([Date.now() - t0, v]));
    await Promise.resolve();
    const press = twin.pressButton([2, 3, 4]);
    await vi.advanceTimersByTimeAsync(20);
    await press;
    expect(levels).toEqual([
      [0, 1],
      [0, 0],
      [2, 1],
      [5, 0],
      [9, 1],
      [9, 0],
    ]);
    expect(twin.buttonDown).toBe(true);
  });

  it('reads a contact to the supply as high', async () => {
    const twin = makeTwin({ wiring: { cancelButton: { pin: BUTTON, contactTo: 'supply', externalPull: 'down' } } });
    twin.pinMode(BUTTON, MODES.INPUT);
    expect(twin.levelOf(BUTTON)).toBe(0);
    expect(twin.isFloating(BUTTON)).toBe(false); // the external resistor holds it
    await twin.pressButton();
    expect(twin.levelOf(BUTTON)).toBe(1);
  });
});

describe('the cash drawer', () => {
  function energize(twin: GpioTwin): void {
    twin.pinMode(SOLENOID, MODES.OUTPUT);
    twin.digitalWrite(SOLENOID, 1);
  }

  it('opens when the solenoid is held long enough: the latch lets go, the spring pushes, the switch closes', async () => {
    const twin = makeTwin({ drawer: { latchReleaseMs: 30, springOpenMs: 25 } });
    twin.pinMode(SWITCH, MODES.INPUT);
    twin.digitalWrite(SWITCH, 1);
    expect(twin.levelOf(SWITCH)).toBe(1); // closed drawer: switch open, pulled up
    energize(twin);
    await vi.advanceTimersByTimeAsync(50);
    twin.digitalWrite(SOLENOID, 0);
    expect(twin.drawer!.kicks).toBe(1);
    expect(twin.drawer!.isOpen).toBe(false); // still on its way out
    await vi.advanceTimersByTimeAsync(10);
    expect(twin.drawer!.isOpen).toBe(true);
    expect(twin.levelOf(SWITCH)).toBe(0);
  });

  it('stays shut for a pulse shorter than the latch needs', async () => {
    const twin = makeTwin({ drawer: { latchReleaseMs: 30 } });
    energize(twin);
    await vi.advanceTimersByTimeAsync(29);
    twin.digitalWrite(SOLENOID, 0);
    await vi.advanceTimersByTimeAsync(500);
    expect(twin.drawer!.kicks).toBe(0);
    expect(twin.drawer!.isOpen).toBe(false);
  });

  it('honours the relay driver polarity', async () => {
    const twin = makeTwin({ wiring: { drawerSwitch: { pin: SWITCH }, drawerSolenoid: { pin: SOLENOID, energizedLevel: 0 } } });
    twin.pinMode(SOLENOID, MODES.OUTPUT);
    twin.digitalWrite(SOLENOID, 1);
    await vi.advanceTimersByTimeAsync(100);
    expect(twin.drawer!.kicks).toBe(0);
    twin.digitalWrite(SOLENOID, 0);
    await vi.advanceTimersByTimeAsync(100);
    expect(twin.drawer!.kicks).toBe(1);
  });

  it('flags a solenoid left energized, and remembers the longest hold', async () => {
    const twin = makeTwin({ drawer: { overheatMs: 1000 } });
    energize(twin);
    await vi.advanceTimersByTimeAsync(999);
    expect(twin.drawer!.overheated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(twin.drawer!.overheated).toBe(true);
    twin.digitalWrite(SOLENOID, 0);
    expect(twin.drawer!.longestEnergizedMs).toBe(1000);
  });

  it('closes when pushed shut and can be opened by hand; the switch may be wired either way round', async () => {
    const twin = makeTwin({ drawer: { switchClosedWhen: 'drawer-closed', startsOpen: true } });
    twin.pinMode(SWITCH, MODES.INPUT);
    twin.digitalWrite(SWITCH, 1);
    expect(twin.levelOf(SWITCH)).toBe(1); // open drawer: switch open
    await twin.closeDrawer();
    expect(twin.levelOf(SWITCH)).toBe(0);
    await twin.openDrawerByHand();
    expect(twin.drawer!.isOpen).toBe(true);
    expect(twin.drawer!.kicks).toBe(0);
  });
});

describe('faults', () => {
  it('fails one write on demand', () => {
    const twin = makeTwin();
    twin.pinMode(5, MODES.OUTPUT);
    twin.behave(gpioFaults.failWrites(5, 1));
    expect(() => twin.digitalWrite(5, 1)).toThrow(/simulated write failure/);
    twin.digitalWrite(5, 1);
    expect(twin.levelOf(5)).toBe(1);
  });

  it.each(['close', 'disconnect'] as const)('emits %s and then refuses every call and reports nothing', async (kind) => {
    const twin = makeTwin();
    twin.pinMode(BUTTON, MODES.INPUT);
    const levels: number[] = [];
    twin.digitalRead(BUTTON, (v) => levels.push(v));
    const heard: string[] = [];
    twin.on(kind, () => heard.push(kind));
    twin.fail(kind);
    expect(heard).toEqual([kind]);
    expect(twin.isReady).toBe(false);
    expect(() => twin.digitalWrite(5, 1)).toThrow(/has failed/);
    expect(() => twin.pinMode(5, MODES.OUTPUT)).toThrow(/has failed/);
    await Promise.resolve();
    expect(levels).toEqual([]);
  });

  it('emits an error that is fatal by default, or not', () => {
    const twin = makeTwin();
    const errors: string[] = [];
    twin.on('error', (err: Error) => errors.push(err.message));
    twin.fail('error', { message: 'transient', fatal: false });
    twin.pinMode(5, MODES.OUTPUT);
    twin.fail('error', { message: 'gone' });
    expect(errors).toEqual(['transient', 'gone']);
    expect(() => twin.digitalWrite(5, 1)).toThrow(/has failed/);
  });
});

describe('under johnny-five', () => {
  it('is taken by a johnny-five Board, which passes pin calls through to it', async () => {
    const twin = makeTwin();
    const { Board } = loadJohnnyFive();
    const board = new Board({ io: twin, repl: false, debug: false, sigint: false });
    const ready = new Promise<void>((resolve) => board.once('ready', () => resolve()));
    await vi.advanceTimersByTimeAsync(0);
    await ready;
    expect(board.isReady).toBe(true);
    expect(board.pins.isOutput(17)).toBe(true);
    expect(board.pins.isPwm(17)).toBe(false);
    expect(board.pins.isPwm(18)).toBe(true);
    expect(board.pins.isInput(twin.defaultLed)).toBe(false);
    const errors: unknown[] = [];
    board.on('error', (err: unknown) => errors.push(err));
    twin.fail('error', { message: 'forwarded', fatal: false });
    expect(errors).toEqual([expect.objectContaining({ message: 'forwarded' })]);
    disposeBoard(board);
  });
});
