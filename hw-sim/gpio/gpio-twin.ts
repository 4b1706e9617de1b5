import { EventEmitter } from 'node:events';
import { BehaviourStack, type RemoveBehaviour } from '../behaviours/behaviour-stack.js';
import type { GpioBehaviour } from './behaviour.js';
import { CashDrawer, defaultCashDrawerOptions, type CashDrawerOptions } from './cash-drawer.js';
import { Contact } from './contact.js';
import { MODES, normalizePin, PI_LAYOUT, powerUpPull, supportedModes, type PinLayout, type Pull, type TwinPinInfo } from './pin-table.js';
import { WriteLog, type PinEvent, type Pulse } from './write-log.js';

/** What is soldered to the twin's pins. Contacts switch their pin to ground unless `contactTo: 'supply'`. */
export interface GpioTwinWiring {
  /** A momentary key. */
  readonly cancelButton?: { readonly pin: number; readonly contactTo?: 'ground' | 'supply'; readonly externalPull?: Pull };
  /** The drawer's status switch. */
  readonly drawerSwitch?: { readonly pin: number; readonly contactTo?: 'ground' | 'supply'; readonly externalPull?: Pull };
  /** The input of the relay driver that energizes the drawer solenoid. */
  readonly drawerSolenoid?: { readonly pin: number; readonly energizedLevel?: 0 | 1 };
}

export interface GpioTwinOptions {
  readonly name?: string;
  readonly layout?: PinLayout;
  readonly wiring?: GpioTwinWiring;
  readonly drawer?: Partial<CashDrawerOptions>;
  /** Timestamps of recorded writes; default performance.now(). Tests on fake timers pass Date.now. */
  readonly clock?: () => number;
  /**
   * When `connect` and `ready` are emitted: `delayMs` after construction (default: on the next
   * microtask), in either order (raspi-io sends ready first), or never (`never: true`: connect only).
   */
  readonly startup?: { readonly delayMs?: number; readonly order?: 'connect-first' | 'ready-first'; readonly never?: boolean };
}

interface PinState {
  mode: number;
  pull: Pull;
  outputLevel: number;
  pwm: number;
  readers: ((value: number) => void)[];
  reported: number | undefined;
}

interface WiredContact {
  readonly contact: Contact;
  readonly to: 'ground' | 'supply';
  readonly externalPull: Pull;
}

/**
 * A johnny-five IO plugin (github.com/rwaldron/io-plugins) in front of simulated counter
 * hardware: LEDs and a buzzer (any output pin, recorded), a cancel key that can bounce, and a
 * cash drawer whose solenoid opens it when the relay pin is held long enough.
 *
 * It follows the specification strictly where a real plugin would forgive, so driver mistakes
 * show: digitalWrite needs OUTPUT mode (on an INPUT pin it sets the pull, the Firmata convention
 * raspi-io and pi-io follow), pwmWrite needs PWM mode, an unsupported mode throws, pinMode INPUT
 * clears the pull (as raspi-io's does). digitalRead reports the current level on the next
 * microtask and then every change, synchronously.
 */
export class GpioTwin extends EventEmitter {
  readonly name: string;
  readonly MODES = MODES;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly RESOLUTION = Object.freeze({ ADC: 1023, DAC: null, PWM: 255 });
  readonly analogPins: readonly number[] = Object.freeze([]);
  readonly defaultLed: number;
  readonly pins: readonly TwinPinInfo[];
  readonly log = new WriteLog();
  readonly drawer: CashDrawer | undefined;
  readonly behaviours = new BehaviourStack<GpioBehaviour>();

  private ready = false;
  private alive = true;
  private readonly layout: PinLayout;
  private readonly state: PinState[] = [];
  private readonly contacts = new Map<number, WiredContact>();
  private readonly buttonContact: Contact | undefined;
  private readonly solenoidPin: number | undefined;
  private readonly solenoidLevel: number;
  private readonly clock: () => number;
  private startupTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: GpioTwinOptions = {}) {
    super();
    this.name = options.name ?? 'posd GPIO twin';
    this.layout = options.layout ?? PI_LAYOUT;
    this.clock = options.clock ?? (() => performance.now());
    this.defaultLed = this.layout.gpioCount;
    const pins: TwinPinInfo[] = [];
    for (let i = 0; i <= this.layout.gpioCount; i++) {
      const state: PinState = {
        mode: i === this.defaultLed ? MODES.OUTPUT : MODES.INPUT,
        pull: powerUpPull(this.layout, i),
        outputLevel: 0,
        pwm: 0,
        readers: [],
        reported: undefined,
      };
      this.state.push(state);
      const twin = this;
      pins.push(
        Object.freeze({
          supportedModes: supportedModes(this.layout, i),
          get mode() {
            return state.mode;
          },
          get value() {
            return twin.levelOf(i);
          },
          report: 1,
          analogChannel: 127,
        }),
      );
    }
    this.pins = Object.freeze(pins);

    const wiring = options.wiring ?? {};
    if (wiring.cancelButton) {
      this.buttonContact = this.wireContact(wiring.cancelButton, false);
    }
    if (wiring.drawerSwitch) {
      const pin = this.checkWiredPin(wiring.drawerSwitch.pin);
      const drawer = new CashDrawer({ ...defaultCashDrawerOptions, ...options.drawer }, this.clock, () => this.inputsMayHaveChanged());
      this.drawer = drawer;
      this.contacts.set(pin, { contact: drawer.switchContact, to: wiring.drawerSwitch.contactTo ?? 'ground', externalPull: wiring.drawerSwitch.externalPull ?? 'none' });
    }
    this.solenoidPin = wiring.drawerSolenoid ? this.checkWiredPin(wiring.drawerSolenoid.pin) : undefined;
    this.solenoidLevel = wiring.drawerSolenoid?.energizedLevel ?? 1;
    if (this.solenoidPin !== undefined && !this.drawer) {
      throw new Error('GPIO twin: a drawerSolenoid needs a drawerSwitch (the drawer it opens)');
    }

    this.scheduleStartup(options.startup ?? {});
  }

  get isReady(): boolean {
    return this.ready;
  }

  // ---- the IO plugin surface -------------------------------------------------------------

  normalize(pin: number | string): number {
    return normalizePin(this.layout, pin);
  }

  pinMode(pin: number | string, mode: number): this {
    const index = this.usablePin(pin);
    if (!this.pins[index]!.supportedModes.includes(mode)) {
      throw new Error(`GPIO twin: pin ${index} does not support mode ${mode} (supports ${this.pins[index]!.supportedModes.join(', ')})`);
    }
    const state = this.state[index]!;
    state.mode = mode;
    if (mode === MODES.INPUT) state.pull = 'none';
    this.log.record({ atMs: this.clock(), pin: index, kind: 'mode', value: mode });
    this.outputChanged(index);
    this.inputsMayHaveChanged();
    return this;
  }

  digitalWrite(pin: number | string, value: number | boolean): this {
    const index = this.usablePin(pin);
    const level = Number(value) ? 1 : 0;
    if (this.behaviours.first((b) => b.onWrite?.(this, { pin: index, kind: 'digital', value: level }))) return this;
    const state = this.state[index]!;
    const atMs = this.clock();
    if (state.mode === MODES.INPUT) {
      state.pull = level ? 'up' : 'down';
      this.log.record({ atMs, pin: index, kind: 'pull', value: level });
      this.inputsMayHaveChanged();
      return this;
    }
    if (state.mode !== MODES.OUTPUT) {
      throw new Error(`GPIO twin: digitalWrite on pin ${index} in mode ${state.mode}; it needs OUTPUT (or INPUT to set the pull)`);
    }
    state.outputLevel = level;
    this.log.record({ atMs, pin: index, kind: 'digital', value: level });
    this.outputChanged(index);
    this.inputsMayHaveChanged();
    return this;
  }

  pwmWrite(pin: number | string, value: number): this {
    const index = this.usablePin(pin);
    const state = this.state[index]!;
    if (state.mode !== MODES.PWM) throw new Error(`GPIO twin: pwmWrite on pin ${index} in mode ${state.mode}; it needs PWM`);
    if (!Number.isInteger(value) || value < 0 || value > 255) throw new Error(`GPIO twin: pwmWrite value ${value} is not 0..255`);
    state.pwm = value;
    this.log.record({ atMs: this.clock(), pin: index, kind: 'pwm', value });
    this.outputChanged(index);
    return this;
  }

  analogWrite(pin: number | string, value: number): this {
    return this.pwmWrite(pin, value);
  }

  digitalRead(pin: number | string, handler: (value: number) => void): this {
    const index = this.usablePin(pin);
    const state = this.state[index]!;
    if (state.mode !== MODES.INPUT && state.mode !== MODES.OUTPUT) this.pinMode(index, MODES.INPUT);
    state.readers.push(handler);
    queueMicrotask(() => {
      if (!this.alive || !state.readers.includes(handler)) return;
      const level = this.levelOf(index);
      state.reported = level;
      handler(level);
      this.emit(`digital-read-${index}`, level);
    });
    return this;
  }

  analogRead(): never {
    throw new Error('GPIO twin: a Raspberry Pi has no analog inputs');
  }

  /** As raspi-io's reset(): stop reporting inputs. */
  reset(): this {
    for (const state of this.state) state.readers = [];
    return this;
  }

  // ---- the control API for tests and the demo -------------------------------------------

  /** The level a pin shows now: an output's driven level, or an input's contact/pull level (a floating input reads 0). */
  levelOf(pin: number): number {
    const state = this.state[pin];
    if (!state) throw new Error(`GPIO twin: no pin ${pin}`);
    if (state.mode === MODES.OUTPUT) return state.outputLevel;
    if (state.mode === MODES.PWM) return state.pwm > 0 ? 1 : 0;
    const stuck = this.behaviours.first((b) => b.onInputLevel?.(this, pin));
    if (stuck !== undefined) return stuck;
    const wired = this.contacts.get(pin);
    if (wired?.contact.isClosed) return wired.to === 'ground' ? 0 : 1;
    const pull = state.pull !== 'none' ? state.pull : (wired?.externalPull ?? 'none');
    return pull === 'up' ? 1 : 0;
  }

  /** An input with no pull and an open contact: on real hardware it would read noise. */
  isFloating(pin: number): boolean {
    const state = this.state[pin]!;
    if (state.mode !== MODES.INPUT) return false;
    const wired = this.contacts.get(pin);
    if (wired?.contact.isClosed) return false;
    return state.pull === 'none' && (wired?.externalPull ?? 'none') === 'none';
  }

  modeOf(pin: number): number {
    return this.state[pin]!.mode;
  }

  pullOf(pin: number): Pull {
    return this.state[pin]!.pull;
  }

  /** Every mode change and write, in order, with timestamps. */
  writes(pin?: number): readonly PinEvent[] {
    const all = this.log.all();
    return pin === undefined ? all : all.filter((e) => e.pin === pin);
  }

  pulses(pin: number, activeLevel: 0 | 1 = 1): Pulse[] {
    return this.log.pulses(pin, activeLevel);
  }

  levelChanges(pin: number): [atMs: number, level: number][] {
    return this.log.levelChanges(pin);
  }

  /** Presses the cancel key; each gap in bounceMs toggles the contact before it rests closed. Resolves when it rests. */
  pressButton(bounceMs: readonly number[] = []): Promise<void> {
    return this.button().move(true, bounceMs);
  }

  releaseButton(bounceMs: readonly number[] = []): Promise<void> {
    return this.button().move(false, bounceMs);
  }

  get buttonDown(): boolean {
    return this.button().isClosed;
  }

  /** The cashier pushes the drawer shut. */
  closeDrawer(): Promise<void> {
    return this.cashDrawer().pushShut();
  }

  /** The drawer is opened by hand (with its key), not by the solenoid. */
  openDrawerByHand(): Promise<void> {
    return this.cashDrawer().pullOpen();
  }

  /** Puts behaviours in front of the others (first given, first asked); returns their remover. Inputs are re-read either way. */
  behave(...behaviours: GpioBehaviour[]): RemoveBehaviour {
    const remove = this.behaviours.add(...behaviours);
    this.inputsMayHaveChanged();
    return () => {
      remove();
      this.inputsMayHaveChanged();
    };
  }

  /**
   * The plugin breaks: emits `error` (with an Error), `close` or `disconnect`. After that every
   * method throws and no input is reported, as with a plugin whose backend died; pins keep the
   * level they had, as real pins do. `fatal: false` (errors only) reports an error but keeps working.
   */
  fail(kind: 'error' | 'close' | 'disconnect', options: { message?: string; fatal?: boolean } = {}): void {
    const message = options.message ?? 'simulated IO plugin failure';
    if (kind === 'error' && options.fatal === false) {
      this.emit('error', new Error(message));
      return;
    }
    this.alive = false;
    this.ready = false;
    clearTimeout(this.startupTimer);
    this.buttonContact?.freeze();
    this.drawer?.freeze();
    if (kind === 'error') this.emit('error', new Error(message));
    else this.emit(kind);
  }

  /** Stops the twin's timers (bounces, drawer) without emitting anything; for test teardown. */
  dispose(): void {
    this.alive = false;
    clearTimeout(this.startupTimer);
    this.buttonContact?.freeze();
    this.drawer?.freeze();
  }

  // ---- internals -------------------------------------------------------------------------

  private scheduleStartup(startup: NonNullable<GpioTwinOptions['startup']>): void {
    const announce = (): void => {
      if (!this.alive) return;
      if (startup.never) {
        this.emit('connect');
        return;
      }
      this.ready = true;
      const order = startup.order === 'ready-first' ? (['ready', 'connect'] as const) : (['connect', 'ready'] as const);
      for (const event of order) this.emit(event);
    };
    if (startup.delayMs === undefined) queueMicrotask(announce);
    else this.startupTimer = setTimeout(announce, startup.delayMs);
  }

  private wireContact(wiring: NonNullable<GpioTwinWiring['cancelButton']>, closed: boolean): Contact {
    const pin = this.checkWiredPin(wiring.pin);
    const contact = new Contact(closed, () => this.inputsMayHaveChanged());
    this.contacts.set(pin, { contact, to: wiring.contactTo ?? 'ground', externalPull: wiring.externalPull ?? 'none' });
    return contact;
  }

  private checkWiredPin(pin: number): number {
    if (!Number.isInteger(pin) || pin < 0 || pin >= this.layout.gpioCount) throw new Error(`GPIO twin: cannot wire pin ${pin}`);
    if (this.contacts.has(pin)) throw new Error(`GPIO twin: pin ${pin} is wired twice`);
    return pin;
  }

  private usablePin(pin: number | string): number {
    if (!this.alive) throw new Error('GPIO twin: the IO plugin has failed');
    return this.normalize(pin);
  }

  private button(): Contact {
    if (!this.buttonContact) throw new Error('GPIO twin: no cancelButton is wired');
    return this.buttonContact;
  }

  private cashDrawer(): CashDrawer {
    if (!this.drawer) throw new Error('GPIO twin: no drawer is wired');
    return this.drawer;
  }

  private outputChanged(pin: number): void {
    if (pin !== this.solenoidPin || !this.drawer) return;
    const state = this.state[pin]!;
    this.drawer.solenoid(state.mode === MODES.OUTPUT && state.outputLevel === this.solenoidLevel);
  }

  /** Reports every read pin whose level differs from what it last reported. */
  private inputsMayHaveChanged(): void {
    if (!this.alive) return;
    for (let pin = 0; pin < this.state.length; pin++) {
      const state = this.state[pin]!;
      if (state.readers.length === 0 || state.reported === undefined) continue;
      const level = this.levelOf(pin);
      if (level === state.reported) continue;
      state.reported = level;
      for (const reader of [...state.readers]) reader(level);
      this.emit(`digital-read-${pin}`, level);
    }
  }
}
