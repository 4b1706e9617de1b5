import { EventEmitter } from 'node:events';
import { Mutex } from '../../concurrency/mutex.js';
import { concatBytes } from '../../encoding/bytes.js';
import { HealthTracker, waitUntilUsable, type Device, type DeviceHealth, type HealthEvents, type HealthState } from '../device.js';
import type { ByteLink, LinkState } from '../transport/link.js';
import { baudRateOf } from '../transport/uri.js';
import { describeChipStatus, isTargetLostStatus } from './chip-status.js';
import { CommandRunner, type RunOptions, type RunnerStats } from './command-runner.js';
import {
  decodeDiagnoseCardPresence,
  decodeGetFirmwareVersion,
  decodeInDataExchange,
  decodeInDeselect,
  decodeInListPassiveTarget,
  decodeInRelease,
  decodePowerDown,
  decodeRfConfiguration,
  decodeSamConfiguration,
  encodeDiagnoseCardPresence,
  encodeGetFirmwareVersion,
  encodeInDataExchange,
  encodeInDeselect,
  encodeInListPassiveTarget,
  encodeInRelease,
  encodePowerDown,
  encodeRfConfiguration,
  encodeSamConfiguration,
  MAX_DATA_OUT,
  WakeUpSource,
  type FirmwareVersion,
  type ListPassiveTargetOptions,
  type RfConfigurationItem,
  type TypeATarget,
} from './commands.js';
import { Pn532Error, type Pn532ErrorCode } from './errors.js';
import { wakeUpSequence } from './frame.js';

/**
 * Where the driver is, in more detail than its health (it is `detail.phase`):
 * - stopped: start() not called, or stop() was
 * - connecting: the link is not open (absent, unplugged); the driver waits for it
 * - initialising: wake-up, SAMConfiguration, GetFirmwareVersion, RFConfiguration under way
 * - ready: commands can run
 * - unresponsive: the chip did not answer (no ACK / no response); initialisation is retried
 * - failed: something answered but not as a PN532 should; initialisation is retried
 */
export type Pn532Phase = 'stopped' | 'connecting' | 'initialising' | 'ready' | 'unresponsive' | 'failed';

/** The PN532's part of its health record. */
export type Pn532Detail = {
  readonly phase: Pn532Phase;
  readonly link: LinkState;
  /** What GetFirmwareVersion answered at the last initialisation (null before one). */
  readonly firmware: FirmwareVersion | null;
  /** The Pn532Error code that failed the last initialisation (null once ready). */
  readonly failure: Pn532ErrorCode | null;
};

const HEALTH_OF: Record<Pn532Phase, HealthState> = {
  stopped: 'stopped',
  connecting: 'connecting',
  initialising: 'connecting',
  ready: 'ready',
  unresponsive: 'connecting',
  failed: 'failed',
};

/** GetFirmwareVersion's IC byte of a PN532. */
const PN532_IC = 0x32;

export interface Pn532Options {
  /** ACK wait per send (datasheet: 15 ms; host libraries: 100 ms). */
  ackTimeoutMs: number;
  /** ACK wait for the first command after the link opens (USB adapters on a Pi: up to ~1.5 s). */
  firstAckTimeoutMs: number;
  /** Sends of a command in total before ack_timeout. */
  ackAttempts: number;
  /** Response wait after the ACK, for commands that answer at once. */
  responseTimeoutMs: number;
  /** Response wait for InDataExchange (the card may compute, e.g. sign). */
  exchangeTimeoutMs: number;
  /** NACKs per command before bad_frame. */
  nackAttempts: number;
  interByteTimeoutMs: number;
  /** Zeros after 55 55 in the wake-up sequence (libnfc sends 14). */
  wakeUpZeros: number;
  /** Pause before initialisation is tried again after it failed. */
  initRetryMs: number;
  /** DataOut bytes per InDataExchange frame; longer data is chained (Tg bit 6, MI). */
  maxDataOutPerFrame: number;
  /** Chip-side chaining rounds (status bit 6) accepted for one exchange. */
  maxResponseParts: number;
  /** RFConfiguration item 5 sent at initialisation. */
  maxRetries: { atr: number; psl: number; passiveActivation: number };
}

export const defaultPn532Options: Pn532Options = {
  ackTimeoutMs: 100,
  firstAckTimeoutMs: 1500,
  ackAttempts: 3,
  responseTimeoutMs: 1000,
  exchangeTimeoutMs: 5000,
  nackAttempts: 3,
  interByteTimeoutMs: 50,
  wakeUpZeros: 14,
  initRetryMs: 1000,
  maxDataOutPerFrame: MAX_DATA_OUT,
  maxResponseParts: 64,
  maxRetries: { atr: 0xff, psl: 0x01, passiveActivation: 0x0a },
};

export type Pn532Events = HealthEvents<Pn532Detail>;

/**
 * The PN532 over HSU, through a ByteLink it owns. One command at a time; every (re)opening of the
 * link wakes the chip and configures it again by itself, so an unplugged and replugged reader
 * comes back to `ready` without the caller doing anything. Its health says why it is not ready:
 * the link's failure, a chip that answers nothing, or one that is not a PN532.
 */
export class Pn532 extends EventEmitter<Pn532Events> implements Device<Pn532Detail> {
  readonly kind = 'nfc' as const;
  readonly options: Pn532Options;
  private readonly runner: CommandRunner;
  private readonly commands = new Mutex();
  private readonly tracker: HealthTracker<Pn532Detail>;
  private currentPhase: Pn532Phase = 'stopped';
  /** Why the last initialisation failed; null once the chip is ready or the link reopened. */
  private problem: string | null = null;
  private problemCode: Pn532ErrorCode | null = null;
  private chipFirmware: FirmwareVersion | undefined;
  private generation = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private asleep = true;
  private running = false;

  private readonly onLinkState = (state: LinkState): void => {
    if (!this.running) return;
    if (state === 'open') {
      this.asleep = true;
      this.problem = null;
      this.problemCode = null;
      void this.initialise();
    } else {
      this.generation++;
      clearTimeout(this.retryTimer);
      this.setPhase('connecting');
    }
  };

  private readonly onLinkFailure = (): void => {
    if (this.running) this.updateHealth();
  };

  constructor(
    readonly link: ByteLink,
    options: Partial<Pn532Options> = {},
  ) {
    super();
    this.options = { ...defaultPn532Options, ...options };
    this.runner = new CommandRunner(link);
    this.tracker = new HealthTracker((health) => this.emit('health', health), this.detail());
  }

  get uri(): string {
    return this.link.uri;
  }

  health(): DeviceHealth<Pn532Detail> {
    return this.tracker.get();
  }

  get firmware(): FirmwareVersion | undefined {
    return this.chipFirmware;
  }

  get stats(): Readonly<RunnerStats> {
    return this.runner.stats;
  }

  /** Opens the link (it reconnects by itself) and initialises the chip whenever it opens. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.problem = null;
    this.problemCode = null;
    this.runner.attach();
    this.link.on('state', this.onLinkState);
    this.link.on('failure', this.onLinkFailure);
    this.setPhase('connecting');
    if (this.link.state === 'closed') this.link.start();
    else if (this.link.state === 'open') void this.initialise();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.runner.abort('the driver was stopped');
    this.link.off('state', this.onLinkState);
    this.link.off('failure', this.onLinkFailure);
    this.runner.detach();
    await this.link.stop();
    this.problem = null;
    this.problemCode = null;
    this.setPhase('stopped');
  }

  /** Resolves when the chip is ready; rejects with DeviceError('not_ready') and the reason after timeoutMs. */
  waitReady(timeoutMs: number): Promise<void> {
    return waitUntilUsable(this, timeoutMs);
  }

  /** Aborts the command under way (the chip gets an ACK, the caller gets `aborted`). */
  abort(): void {
    this.runner.abort();
  }

  // ---- commands -------------------------------------------------------------------------

  getFirmwareVersion(): Promise<FirmwareVersion> {
    return this.exclusive(async () => decodeGetFirmwareVersion(await this.run(encodeGetFirmwareVersion())));
  }

  rfConfiguration(item: RfConfigurationItem): Promise<void> {
    return this.exclusive(async () => decodeRfConfiguration(await this.run(encodeRfConfiguration(item))));
  }

  /**
   * Looks for type A targets at 106 kbps. The chip itself gives up after RFConfiguration
   * MaxRetries (passive activation) and answers an empty list; `timeoutMs` must exceed that wait.
   */
  inListPassiveTarget(options: ListPassiveTargetOptions & { timeoutMs?: number } = {}): Promise<TypeATarget[]> {
    return this.exclusive(async () =>
      decodeInListPassiveTarget(await this.run(encodeInListPassiveTarget(options), options.timeoutMs ?? this.options.responseTimeoutMs)),
    );
  }

  /**
   * Sends `data` to target `tg` and returns its answer. Data longer than maxDataOutPerFrame goes in
   * several frames with MI set on all but the last; an answer the chip holds in parts (status MI)
   * is fetched part by part. No other command runs in between.
   * Throws Pn532Error target_lost when the card has gone, chip_error for other chip statuses.
   */
  inDataExchange(tg: number, data: Uint8Array, options: { timeoutMs?: number } = {}): Promise<Uint8Array> {
    const timeoutMs = options.timeoutMs ?? this.options.exchangeTimeoutMs;
    const chunk = Math.max(1, Math.min(this.options.maxDataOutPerFrame, MAX_DATA_OUT));
    return this.exclusive(async () => {
      let offset = 0;
      while (data.length - offset > chunk) {
        const part = decodeInDataExchange(await this.run(encodeInDataExchange(tg, data.subarray(offset, offset + chunk), true), timeoutMs));
        if (part.error !== 0) throw statusError('InDataExchange', part.error);
        offset += chunk;
      }
      let result = decodeInDataExchange(await this.run(encodeInDataExchange(tg, data.subarray(offset)), timeoutMs));
      if (result.error !== 0) throw statusError('InDataExchange', result.error);
      if (!result.more) return result.data;
      const parts = [result.data];
      const empty = new Uint8Array(0);
      while (result.more) {
        if (parts.length >= this.options.maxResponseParts) {
          throw new Pn532Error('bad_frame', `InDataExchange: more than ${this.options.maxResponseParts} chained response parts`);
        }
        result = decodeInDataExchange(await this.run(encodeInDataExchange(tg, empty), timeoutMs));
        if (result.error !== 0) throw statusError('InDataExchange', result.error);
        parts.push(result.data);
      }
      return concatBytes(parts);
    });
  }

  /** Releases target `tg` (0 = all). Returns the chip's status code (0 = ok). */
  inRelease(tg = 0): Promise<number> {
    return this.exclusive(async () => decodeInRelease(await this.run(encodeInRelease(tg))));
  }

  inDeselect(tg = 0): Promise<number> {
    return this.exclusive(async () => decodeInDeselect(await this.run(encodeInDeselect(tg))));
  }

  /** Diagnose 0x06: is the activated ISO-DEP target still answering? */
  checkCardPresence(timeoutMs = this.options.responseTimeoutMs): Promise<boolean> {
    return this.exclusive(async () => {
      const status = decodeDiagnoseCardPresence(await this.run(encodeDiagnoseCardPresence(), timeoutMs));
      if (status === 0) return true;
      if (isTargetLostStatus(status)) return false;
      throw statusError('Diagnose', status);
    });
  }

  /** Puts the chip to sleep; the next command wakes it first. */
  powerDown(wakeUpEnable: number = WakeUpSource.hsu): Promise<void> {
    return this.exclusive(async () => {
      const status = decodePowerDown(await this.run(encodePowerDown(wakeUpEnable)));
      if (status !== 0) throw statusError('PowerDown', status);
      this.asleep = true;
    });
  }

  /** Any command, as packet data (code + parameters); resolves with the response packet. */
  command(packet: Uint8Array, timeoutMs = this.options.responseTimeoutMs): Promise<Uint8Array> {
    return this.exclusive(() => this.run(packet, timeoutMs));
  }

  // ---- internals ------------------------------------------------------------------------

  private exclusive<T>(job: () => Promise<T>, duringInit = false): Promise<T> {
    return this.commands.run(() => {
      if (!duringInit && this.currentPhase !== 'ready') {
        throw new Pn532Error(this.currentPhase === 'connecting' ? 'link_down' : 'not_ready', `PN532 is ${this.currentPhase}`);
      }
      return job();
    });
  }

  private async run(packet: Uint8Array, responseTimeoutMs = this.options.responseTimeoutMs, ackTimeoutMs = this.options.ackTimeoutMs): Promise<Uint8Array> {
    const options: RunOptions = {
      ackTimeoutMs,
      ackAttempts: this.options.ackAttempts,
      responseTimeoutMs,
      nackAttempts: this.options.nackAttempts,
      interByteTimeoutMs: this.options.interByteTimeoutMs,
      ...(this.asleep ? { prefix: wakeUpSequence(this.options.wakeUpZeros) } : {}),
    };
    try {
      const response = await this.runner.run(packet, options);
      this.asleep = false;
      return response;
    } catch (err) {
      if (err instanceof Pn532Error && err.code === 'ack_timeout' && this.currentPhase === 'ready') {
        // The chip went quiet (reset, brown-out, put to sleep): wake and configure it again.
        this.scheduleInit(0, 'unresponsive', this.noAnswer(err), err.code);
      }
      throw err;
    }
  }

  private scheduleInit(delayMs: number, phase: 'unresponsive' | 'failed', problem: string, code: Pn532ErrorCode | null): void {
    if (!this.running) return;
    this.problem = problem;
    this.problemCode = code;
    this.setPhase(phase);
    this.asleep = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.initialise(), delayMs);
  }

  private async initialise(): Promise<void> {
    if (!this.running || this.link.state !== 'open') return;
    clearTimeout(this.retryTimer);
    const generation = ++this.generation;
    this.setPhase('initialising');
    try {
      const firmware = await this.exclusive(async () => {
        decodeSamConfiguration(await this.run(encodeSamConfiguration(), this.options.responseTimeoutMs, this.options.firstAckTimeoutMs));
        const fw = decodeGetFirmwareVersion(await this.run(encodeGetFirmwareVersion()));
        this.chipFirmware = fw;
        if (fw.ic !== PN532_IC) throw new Pn532Error('unsupported_chip', `GetFirmwareVersion IC 0x${hex2(fw.ic)}: not a PN532`);
        decodeRfConfiguration(await this.run(encodeRfConfiguration({ item: 'max_retries', ...this.options.maxRetries })));
        return fw;
      }, true);
      if (generation !== this.generation) return;
      this.chipFirmware = firmware;
      this.problem = null;
      this.problemCode = null;
      this.setPhase('ready');
    } catch (err) {
      if (generation !== this.generation || !this.running) return;
      if (err instanceof Pn532Error && err.code === 'link_down') return;
      const timedOut = err instanceof Pn532Error && (err.code === 'ack_timeout' || err.code === 'response_timeout');
      const code = err instanceof Pn532Error ? err.code : null;
      if (timedOut) this.scheduleInit(this.options.initRetryMs, 'unresponsive', this.noAnswer(err), code);
      else this.scheduleInit(this.options.initRetryMs, 'failed', this.wrongAnswer(err), code);
    }
  }

  /** The port opened but the chip answers nothing. */
  private noAnswer(err: Error): string {
    const baud = baudRateOf(this.link.uri, 115200);
    return (
      `the PN532 on ${this.link.uri} answers nothing (${err.message}): check its power and wiring (TX to RX), ` +
      `that its mode switches select HSU (UART), and that it runs at ${baud === undefined ? 'the configured baud rate' : `${baud} baud`}`
    );
  }

  /** Something answered, but not as a PN532 does. */
  private wrongAnswer(err: unknown): string {
    const fw = this.chipFirmware;
    if (err instanceof Pn532Error && err.code === 'unsupported_chip' && fw) {
      return (
        `unexpected firmware on ${this.link.uri}: GetFirmwareVersion answered IC 0x${hex2(fw.ic)} ` +
        `(version ${fw.version}.${fw.revision}), a PN532 answers IC 0x${hex2(PN532_IC)}; check that this URI names the NFC reader`
      );
    }
    const message = err instanceof Error ? err.message : String(err);
    return `the device on ${this.link.uri} answers, but not as a PN532 does (${message}): check the baud rate and that this URI names the NFC reader`;
  }

  private setPhase(phase: Pn532Phase): void {
    this.currentPhase = phase;
    this.updateHealth();
  }

  private updateHealth(): void {
    const state = HEALTH_OF[this.currentPhase];
    let reason: string | null = null;
    if (this.currentPhase === 'connecting') reason = this.link.failure?.reason ?? null;
    else if (state !== 'ready' && state !== 'stopped') reason = this.problem;
    this.tracker.set(state, reason, this.detail());
  }

  private detail(): Pn532Detail {
    return { phase: this.currentPhase, link: this.link.state, firmware: this.chipFirmware ?? null, failure: this.problemCode };
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function statusError(command: string, status: number): Pn532Error {
  const code = isTargetLostStatus(status) ? 'target_lost' : 'chip_error';
  return new Pn532Error(code, `${command}: chip status ${describeChipStatus(status)}`, { chipStatus: status });
}
