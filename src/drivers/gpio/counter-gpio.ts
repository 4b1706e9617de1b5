import { EventEmitter } from 'node:events';
import { HealthTracker, waitUntilUsable, type Device, type DeviceHealth, type HealthEvents } from '../device.js';
import { errnoOf, explainOpenError } from '../transport/open-error.js';
import { BuzzerPlayer, type BeepOutcome } from './buzzer-player.js';
import { patternSteps, resolvePattern, type BuzzerPattern, type BuzzerPatternName } from './buzzer-patterns.js';
import { CancelButton } from './cancel-button.js';
import { DrawerRelay, type KickOutcome } from './drawer-relay.js';
import { DrawerSwitch, type DrawerState } from './drawer-switch.js';
import { GpioError, type GpioErrorCode } from './errors.js';
import type { IoPlugin } from './io-plugin.js';
import { createBoard, disposeBoard, type J5Board } from './johnny-five.js';
import { OutputLine } from './lines.js';
import { INPUT_LINES, lightLine, OUTPUT_LINES, STATUS_LIGHTS, type GpioPinMap, type LineName, type OutputLineName, type PinId, type StatusLight } from './pin-map.js';
import { resolvePins } from './resolve-pins.js';
import { StatusLights, type LightMode } from './status-lights.js';
import { checkMs, defaultGpioTiming, DRAWER_PULSE_LIMITS, parseGpioTiming, type GpioTiming } from './timing.js';

/**
 * Where the device is; its health state has the same words:
 * - stopped: not started yet, or stop() was called
 * - connecting: waiting for the IO plugin to load and be ready
 * - ready: pins are set up; outputs follow commands, inputs report
 * - failed: the plugin could not be loaded, reported an error, closed or disconnected, or a pin
 *   call threw; the relay and buzzer were driven off (as far as the plugin still allowed) and
 *   nothing is driven since. A device fails for good: make a new one with a new plugin.
 */
type GpioPhase = 'stopped' | 'connecting' | 'ready' | 'failed';

/** The GPIO device's part of its health record. */
export type GpioDetail = {
  /** The IO plugin's name (null while it is being loaded). */
  readonly plugin: string | null;
  readonly features: CounterGpioFeatures;
  /** The GpioError code of the failure, when failed. */
  readonly failure: GpioErrorCode | null;
};

export interface CounterGpioEvents extends HealthEvents<GpioDetail> {
  /** Once per debounced press of the cancel key. */
  cancel: [];
  /** The drawer switch settled in a new state (the first time from unknown, too). */
  drawer: [state: 'open' | 'closed'];
  /** The drawer has been open for timing.drawerLeftOpenMs; once per opening. */
  drawerLeftOpen: [openForMs: number];
}

/** Loads a real IO plugin when the device starts (so a plugin that cannot load becomes a failed health, with its reason). */
export type IoPluginOpener = () => Promise<IoPlugin>;

export interface CounterGpioOptions {
  /** The johnny-five IO plugin (raspi-io or pi-io on a Pi, hw-sim's twin in tests and the demo), or how to load it. */
  io: IoPlugin | IoPluginOpener;
  pins: GpioPinMap;
  timing?: Partial<GpioTiming>;
  /** The URI the plugin was named by (gpio:raspi, sim:gpio); default `io:` and the plugin's name. */
  uri?: string;
}

export interface CounterGpioFeatures {
  readonly lights: readonly StatusLight[];
  readonly buzzer: boolean;
  readonly drawerRelay: boolean;
  readonly cancelButton: boolean;
  readonly drawerSwitch: boolean;
}

const LIGHT_MODES: readonly LightMode[] = ['on', 'off', 'blink'];

/**
 * The GPIO side of the counter: status lights, buzzer, cash-drawer relay, cancel key and
 * drawer switch, over a johnny-five Board on an injected IO plugin.
 *
 * Lights are state: a mode set at any time is remembered and shown whenever the board is
 * ready. Beeps and drawer kicks are actions: they need a ready board. Lines the pin map does
 * not define are absent: lights and beeps on them do nothing (beep resolves `unwired`), a kick
 * rejects `not_configured`.
 */
export class CounterGpio extends EventEmitter<CounterGpioEvents> implements Device<GpioDetail> {
  readonly kind = 'gpio' as const;
  readonly uri: string;
  readonly timing: GpioTiming;
  private phase: GpioPhase = 'stopped';
  private failure: GpioError | undefined;
  private started = false;
  private board: J5Board | undefined;
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  private startWaiter: { resolve(): void; reject(err: GpioError): void } | undefined;
  private readonly openIo: IoPluginOpener | undefined;
  private io: IoPlugin | undefined;
  private readonly tracker: HealthTracker<GpioDetail>;
  private readonly pins: GpioPinMap;
  private readonly lights: StatusLights;
  private readonly lightLines = new Map<StatusLight, OutputLine>();
  private outputs: OutputLine[] = [];
  private buzzer: BuzzerPlayer | undefined;
  private relay: DrawerRelay | undefined;
  private cancelButton: CancelButton | undefined;
  private drawerSwitch: DrawerSwitch | undefined;
  private readonly onIoError = (err: unknown): void => this.fail(lost('reported an error', err));
  private readonly onIoClose = (): void => this.fail(lost('closed'));
  private readonly onIoDisconnect = (): void => this.fail(lost('disconnected'));
  private readonly onFault = (fault: GpioError): void => this.fail(fault);

  constructor(options: CounterGpioOptions) {
    super();
    if (typeof options.io === 'function') this.openIo = options.io;
    else this.io = options.io;
    this.uri = options.uri ?? `io:${this.io?.name ?? 'plugin'}`;
    this.pins = options.pins;
    this.timing = parseGpioTiming({ ...defaultGpioTiming, ...definedOnly(options.timing ?? {}) });
    this.lights = new StatusLights(this.lightLines, this.timing);
    this.tracker = new HealthTracker((health) => this.emit('health', health), this.detail());
  }

  health(): DeviceHealth<GpioDetail> {
    return this.tracker.get();
  }

  /** Resolves once the pins are set up; rejects with DeviceError('not_ready') and the reason after timeoutMs. */
  waitReady(timeoutMs: number): Promise<void> {
    return waitUntilUsable(this, timeoutMs);
  }

  get features(): CounterGpioFeatures {
    return {
      lights: STATUS_LIGHTS.filter((light) => this.pins[lightLine(light)] !== undefined),
      buzzer: this.pins.buzzer !== undefined,
      drawerRelay: this.pins.drawerRelay !== undefined,
      cancelButton: this.pins.cancelButton !== undefined,
      drawerSwitch: this.pins.drawerSwitch !== undefined,
    };
  }

  /**
   * Loads the plugin (if given as an opener), opens the board and sets up every mapped pin. The
   * returned promise resolves once ready and rejects with the GpioError that failed the device;
   * ignoring it is safe (health() and the 'health' event say the same). A device is started once.
   */
  start(): Promise<void> {
    if (this.started) return handled(Promise.reject(new GpioError('closed', 'CounterGpio: start() may be called once; make a new device with a new IO plugin')));
    this.started = true;
    const ready = handled(
      new Promise<void>((resolve, reject) => {
        this.startWaiter = { resolve, reject };
      }),
    );
    this.setPhase('connecting');
    this.readyTimer = setTimeout(() => {
      this.fail(new GpioError('open_timeout', `IO plugin ${this.io?.name ?? this.uri} not ready after ${this.timing.readyTimeoutMs} ms`));
    }, this.timing.readyTimeoutMs);
    if (this.io) this.openBoard(this.io);
    else this.loadPlugin(this.openIo!);
    return ready;
  }

  private loadPlugin(open: IoPluginOpener): void {
    open().then(
      (io) => {
        if (this.phase !== 'connecting') return;
        this.io = io;
        this.updateHealth();
        this.openBoard(io);
      },
      (err: unknown) => this.fail(err instanceof GpioError ? err : new GpioError('plugin_failed', `${this.uri}: ${(err as Error).message}`, { cause: err })),
    );
  }

  private openBoard(io: IoPlugin): void {
    io.on('error', this.onIoError);
    io.on('close', this.onIoClose);
    io.on('disconnect', this.onIoDisconnect);
    try {
      const board = createBoard(io, this.timing.readyTimeoutMs);
      this.board = board;
      board.on('error', (err: unknown) => this.fail(lost('reported an error', err)));
      board.once('ready', () => this.boardReady(board));
    } catch (err) {
      this.fail(new GpioError('io_failed', `johnny-five could not take IO plugin ${io.name}: ${(err as Error).message}`, { cause: err }));
    }
  }

  /** Relay off, buzzer off, lights off, inputs ignored; the device cannot be started again. */
  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    const wasLive = this.phase === 'ready';
    this.phase = 'stopped';
    this.relay?.interrupt('the device stopped');
    this.buzzer?.stop(wasLive);
    this.lights.halt(wasLive);
    this.shutDown(new GpioError('closed', 'CounterGpio stopped before the IO plugin was ready'));
    try {
      this.io?.reset?.();
    } catch {
      /* a plugin that cannot reset is being let go anyway */
    }
    this.updateHealth();
  }

  setLight(light: StatusLight, mode: LightMode): void {
    if (!STATUS_LIGHTS.includes(light)) throw new GpioError('bad_argument', `unknown light ${JSON.stringify(light)} (${STATUS_LIGHTS.join(', ')})`);
    if (!LIGHT_MODES.includes(mode)) throw new GpioError('bad_argument', `unknown light mode ${JSON.stringify(mode)} (${LIGHT_MODES.join(', ')})`);
    this.lights.set(light, mode);
  }

  lightMode(light: StatusLight): LightMode {
    return this.lights.mode(light);
  }

  /**
   * Plays a pattern. Patterns never overlap: one asked for while another sounds waits for it
   * (see BuzzerPlayer); resolves when it has played, was dropped for a newer one, or stopped.
   */
  async beep(pattern: BuzzerPatternName | BuzzerPattern): Promise<BeepOutcome | 'unwired'> {
    const resolved = resolvePattern(pattern);
    const steps = patternSteps(resolved);
    this.assertReady('beep');
    if (!this.buzzer) return 'unwired';
    return this.buzzer.play(resolved, steps);
  }

  /** Silences the buzzer now and drops the waiting pattern. */
  silence(): void {
    if (this.phase === 'ready') this.buzzer?.stop();
  }

  /** Kicks the drawer: one relay pulse, coalesced with one already under way. Resolves once the relay is released. */
  async kickDrawer(pulseMs: number = this.timing.drawerPulseMs): Promise<KickOutcome> {
    checkMs('drawer pulse', pulseMs, DRAWER_PULSE_LIMITS, 'bad_argument');
    if (!this.pins.drawerRelay) throw new GpioError('not_configured', 'no drawerRelay pin is configured');
    this.assertReady('kickDrawer');
    return this.relay!.pulse(pulseMs);
  }

  /** Is the relay energized right now? */
  get drawerRelayEnergized(): boolean {
    return this.relay?.energized ?? false;
  }

  /** The drawer switch's debounced state: `unknown` before it first settles or with no switch. */
  get drawer(): DrawerState {
    return this.drawerSwitch?.state ?? 'unknown';
  }

  /** The buzzer pattern sounding now, if any. */
  get buzzerPlaying(): string | undefined {
    return this.buzzer?.playing;
  }

  private boardReady(board: J5Board): void {
    if (this.phase !== 'connecting') return;
    clearTimeout(this.readyTimer);
    this.readyTimer = undefined;
    try {
      this.setUpLines(board, board.io);
    } catch (err) {
      this.fail(err instanceof GpioError ? err : new GpioError('io_failed', String(err), { cause: err }));
      return;
    }
    if (this.phase !== 'connecting') return;
    this.lights.goLive();
    if (this.phase !== 'connecting') return;
    this.setPhase('ready');
    const waiter = this.startWaiter;
    this.startWaiter = undefined;
    waiter?.resolve();
  }

  private setUpLines(board: J5Board, io: IoPlugin): void {
    const wanted: { line: LineName; id: PinId; direction: 'output' | 'input' }[] = [];
    for (const line of OUTPUT_LINES) {
      const pin = this.pins[line];
      if (pin) wanted.push({ line, id: pin.pin, direction: 'output' });
    }
    for (const line of INPUT_LINES) {
      const pin = this.pins[line];
      if (pin) wanted.push({ line, id: pin.pin, direction: 'input' });
    }
    const index = resolvePins(io, board.pins, wanted);

    const output = (line: OutputLineName): OutputLine | undefined => {
      const config = this.pins[line];
      if (!config) return undefined;
      const made = new OutputLine(line, io, index.get(line)!, config.active === 'low', this.onFault);
      this.outputs.push(made);
      return made;
    };
    // The relay first: it is the one line that must never be left energized.
    const relayLine = output('drawerRelay');
    const buzzerLine = output('buzzer');
    for (const light of STATUS_LIGHTS) {
      const line = output(lightLine(light));
      if (line) this.lightLines.set(light, line);
    }
    for (const line of this.outputs) if (!line.setup()) return;
    if (relayLine) this.relay = new DrawerRelay(relayLine, this.timing.drawerRecoveryMs, this.onFault);
    if (buzzerLine) this.buzzer = new BuzzerPlayer(buzzerLine, this.timing.buzzerGapMs);

    const { cancelButton, drawerSwitch } = this.pins;
    if (cancelButton) {
      this.cancelButton = new CancelButton(io, index.get('cancelButton')!, cancelButton, this.timing.cancelDebounceMs, () => this.emit('cancel'), this.onFault);
      if (!this.cancelButton.attach()) return;
    }
    if (drawerSwitch) {
      this.drawerSwitch = new DrawerSwitch(
        io,
        index.get('drawerSwitch')!,
        drawerSwitch,
        this.timing,
        { changed: (state) => this.emit('drawer', state), leftOpen: (ms) => this.emit('drawerLeftOpen', ms) },
        this.onFault,
      );
      this.drawerSwitch.attach();
    }
  }

  /** The plugin failed: relay and buzzer off as far as it still lets us, then nothing more is driven. */
  private fail(cause: GpioError): void {
    if (this.phase === 'failed' || this.phase === 'stopped') return;
    this.phase = 'failed';
    this.failure = cause;
    this.relay?.interrupt(cause.message);
    this.buzzer?.stop();
    this.lights.halt(false);
    this.shutDown(cause);
    this.updateHealth();
  }

  private shutDown(startError: GpioError): void {
    clearTimeout(this.readyTimer);
    this.readyTimer = undefined;
    this.cancelButton?.detach();
    this.drawerSwitch?.detach();
    const io = this.io;
    if (io) {
      io.off('error', this.onIoError);
      io.off('close', this.onIoClose);
      io.off('disconnect', this.onIoDisconnect);
      // A plugin that errors later must not crash the process for want of a listener.
      io.on('error', ignore);
    }
    if (this.board) disposeBoard(this.board);
    this.board = undefined;
    const waiter = this.startWaiter;
    this.startWaiter = undefined;
    waiter?.reject(startError);
  }

  private assertReady(what: string): void {
    if (this.phase === 'ready') return;
    if (this.phase === 'stopped') throw new GpioError(this.started ? 'closed' : 'not_ready', `${what}: the GPIO device is ${this.started ? 'stopped' : 'not started'}`);
    throw new GpioError('not_ready', `${what}: the GPIO device is ${this.phase}`);
  }

  private setPhase(phase: GpioPhase): void {
    this.phase = phase;
    this.updateHealth();
  }

  private updateHealth(): void {
    const reason = this.phase === 'failed' && this.failure ? this.failureReason(this.failure) : null;
    this.tracker.set(this.phase, reason, this.detail());
  }

  /** The failure's own words, or the errno's when the plugin met a device node it may not open. */
  private failureReason(failure: GpioError): string {
    const errno = errnoOf(failure);
    if (errno === undefined) return failure.message;
    return `${explainOpenError(failure, { transport: 'gpio', what: this.uri })} (${failure.message})`;
  }

  private detail(): GpioDetail {
    return {
      plugin: this.io?.name ?? null,
      features: this.features,
      failure: this.phase === 'failed' ? (this.failure?.code ?? null) : null,
    };
  }
}

/** Marks a promise as handled, so a caller that ignores it causes no unhandled rejection; awaiting it still rejects. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function lost(what: string, err?: unknown): GpioError {
  const detail = err instanceof Error ? `: ${err.message}` : err === undefined ? '' : `: ${String(err)}`;
  return new GpioError('io_failed', `IO plugin ${what}${detail}`, err === undefined ? undefined : { cause: err });
}

function ignore(): void {}

function definedOnly(timing: Partial<GpioTiming>): Partial<GpioTiming> {
  return Object.fromEntries(Object.entries(timing).filter(([, value]) => value !== undefined));
}
