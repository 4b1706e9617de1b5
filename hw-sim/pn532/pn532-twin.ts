import type { DeviceEndpoint, HostSink } from '../../src/drivers/transport/device-endpoint.js';
import { BehaviourStack, type RemoveBehaviour } from '../behaviours/behaviour-stack.js';
import type { EmulatedTarget } from '../cards/target.js';
import type { ChipFrame, ChipFrameKind, Pn532Behaviour, Pn532Command } from './behaviour.js';
import { ChipState, Param, WakeUp, type ListedTarget } from './chip-state.js';
import { PN532_COMMAND_SET } from './commands/index.js';
import { CHIP_ACK, CHIP_SYNTAX_ERROR, chipFrame, HostFrameReader, withoutAmble, type HostFrame } from './hsu-wire.js';

export interface Pn532TwinOptions {
  /** GetFirmwareVersion answer: IC, Ver, Rev, Support. */
  firmware: [number, number, number, number];
  /** Power up in low-VBat mode: only a wake-up (0x55) on HSU brings the chip up. */
  startAsleep: boolean;
  /** When the host side goes away (unplug), the chip loses power and restarts asleep. */
  powerCycleOnDetach: boolean;
  /** Adds a rough model of the chip's own time (RF at 106 kbps, activation, timeouts). */
  realisticTiming: boolean;
  /** Time per passive activation attempt (InListPassiveTarget, InAutoPoll, InJumpForDEP) when no target answers. */
  passiveActivationAttemptMs: number;
  /** InAutoPoll's Period unit (the chip: 150 ms). */
  autoPollPeriodUnitMs: number;
  /** DataIn bytes per InDataExchange response; a longer card answer is sent in parts (status MI). */
  maxDataInPerFrame: number;
}

export const defaultTwinOptions: Pn532TwinOptions = {
  firmware: [0x32, 0x01, 0x06, 0x07],
  startAsleep: true,
  powerCycleOnDetach: true,
  realisticTiming: false,
  passiveActivationAttemptMs: 5,
  autoPollPeriodUnitMs: 150,
  maxDataInPerFrame: 262,
};

export interface TwinCounters {
  bytesFromHost: number;
  bytesToHost: number;
  commands: number;
  acksSent: number;
  /** ACK frames from the host (aborts). */
  hostAcks: number;
  nacksReceived: number;
  corruptFramesReceived: number;
  errorFramesSent: number;
  wakeUps: number;
  /** Bytes that arrived while the chip slept and were lost. */
  bytesLostAsleep: number;
}

export interface RecordedCommand {
  code: number;
  params: Uint8Array;
}

export interface ReplyOptions {
  /** The chip's own time for this answer, counted only with `realisticTiming`. */
  chipMs?: number;
  /** Runs once the answer is on the wire. */
  after?: () => void;
  /** Asked when the answer goes out; a packet returned replaces it (a card that left meanwhile). */
  atSend?: () => readonly number[] | Uint8Array | undefined;
}

interface Job {
  timer: NodeJS.Timeout | undefined;
  onFieldChange?: () => void;
  onAbort?: () => void;
}

/**
 * A PN532 on HSU, byte for byte from the chip's side (NXP UM0701-02): ACK then response,
 * checksums checked (a corrupted frame is ignored: no ACK), NACK answered with the last response,
 * a host ACK aborts the command under way. Powers up asleep (low VBat) until 0x55 arrives.
 *
 * Every command is answered by a behaviour: the twin's own command set (commands/) sits at the
 * back of a stack, and a test puts others in front (pn532-behaviours.ts: lost ACKs, garbled
 * answers, delays, silence, another firmware...). Targets enter and leave its field through the
 * control API.
 */
export class Pn532Twin implements DeviceEndpoint {
  readonly options: Pn532TwinOptions;
  readonly state = new ChipState();
  readonly behaviours = new BehaviourStack<Pn532Behaviour>(PN532_COMMAND_SET);
  readonly counters: TwinCounters = {
    bytesFromHost: 0,
    bytesToHost: 0,
    commands: 0,
    acksSent: 0,
    hostAcks: 0,
    nacksReceived: 0,
    corruptFramesReceived: 0,
    errorFramesSent: 0,
    wakeUps: 0,
    bytesLostAsleep: 0,
  };
  /** Every command the chip took, in order (code and parameters). */
  readonly commands: RecordedCommand[] = [];

  private sink: HostSink | null = null;
  private readonly reader = new HostFrameReader();
  private readonly field: EmulatedTarget[] = [];
  private lastResponse: Uint8Array | undefined;
  private job: Job | undefined;
  private current: Pn532Command | undefined;
  /** What the chip returns to when it wakes from PowerDown. */
  private resumePower: 'low-vbat' | 'normal' = 'low-vbat';

  constructor(options: Partial<Pn532TwinOptions> = {}) {
    this.options = { ...defaultTwinOptions, ...options };
    this.state.reset(this.options.startAsleep);
  }

  // ---- DeviceEndpoint -------------------------------------------------------------------

  attachHost(sink: HostSink | null): void {
    this.sink = sink;
    if (sink === null && this.options.powerCycleOnDetach) this.powerCycle();
  }

  receiveFromHost(bytes: Uint8Array): void {
    this.counters.bytesFromHost += bytes.length;
    if (this.behaviours.first((b) => b.onHostBytes?.(this, bytes))) return;
    let input = bytes;
    if (this.state.asleep) {
      const wake = this.hsuWakes() ? input.indexOf(0x55) : -1;
      if (wake < 0) {
        this.counters.bytesLostAsleep += input.length;
        return;
      }
      // The first 0x55 wakes the HSU; the bytes before it (and it) are lost.
      this.counters.bytesLostAsleep += wake + 1;
      this.wake();
      input = input.subarray(wake + 1);
    }
    for (const frame of this.reader.feed(input)) {
      if (this.behaviours.first((b) => b.onHostFrame?.(this, frame))) continue;
      this.onHostFrame(frame);
    }
  }

  // ---- control API ----------------------------------------------------------------------

  /** Puts behaviours in front of the others (first given, first asked); returns their remover. */
  behave(...behaviours: Pn532Behaviour[]): RemoveBehaviour {
    return this.behaviours.add(...behaviours);
  }

  get asleep(): boolean {
    return this.state.asleep;
  }

  /** SAMConfiguration has taken the chip out of low-VBat mode. */
  get samConfigured(): boolean {
    return this.state.power !== 'low-vbat' && !(this.state.power === 'power-down' && this.resumePower === 'low-vbat');
  }

  /** MxRtyPassiveActivation as last configured (0xFF = wait forever). */
  get passiveActivationRetries(): number {
    return this.state.rf.mxRtyPassiveActivation;
  }

  /** The HSU speed the chip talks at (SetSerialBaudRate). */
  get baudRate(): number {
    return this.state.baudRate;
  }

  get targetsInField(): readonly EmulatedTarget[] {
    return this.field;
  }

  /** A card or phone comes into the field (a pending InListPassiveTarget finds it at once). */
  enterField(target: EmulatedTarget): void {
    if (!this.field.includes(target)) this.field.push(target);
    this.job?.onFieldChange?.();
  }

  /** Takes a target (default: all) out of the field. An exchange under way then fails with status 0x01. */
  leaveField(target?: EmulatedTarget): void {
    for (const t of target ? [target] : [...this.field]) {
      const at = this.field.indexOf(t);
      if (at >= 0) this.field.splice(at, 1);
      t.deactivate();
    }
  }

  isInField(target: EmulatedTarget): boolean {
    return this.field.includes(target);
  }

  /** Another device's RF field reaches the antenna (GetGeneralStatus Field; wakes a chip that sleeps with the RF source on). */
  setExternalField(present: boolean): void {
    this.state.externalField = present;
    if (present && this.state.asleep && this.state.power === 'power-down' && (this.state.wakeSources & WakeUp.rf) !== 0) this.wake();
  }

  /** Bytes of line noise (or anything) to the host, now. */
  sendRaw(bytes: Uint8Array): void {
    this.emit('raw', bytes);
  }

  /** The chip browns out or resets: asleep, unconfigured, nothing listed. */
  powerCycle(): void {
    this.cancelJob();
    this.reader.reset();
    this.releaseAll();
    this.state.reset(this.options.startAsleep);
    this.resumePower = 'low-vbat';
    this.lastResponse = undefined;
  }

  clearLog(): void {
    this.commands.length = 0;
  }

  // ---- for command handlers and behaviours ------------------------------------------------

  /** The command being answered. */
  get command(): Pn532Command | undefined {
    return this.current;
  }

  /** Answers the current command with a response packet (command code + 1, then data). */
  reply(packet: readonly number[] | Uint8Array, options: ReplyOptions = {}): void {
    const delay = this.delayFor(options.chipMs ?? 1);
    this.later(delay, () => {
      const body = Uint8Array.from(options.atSend?.() ?? packet);
      this.deliver('response', chipFrame(body, this.state.hasParameter(Param.noPreamblePostamble)));
      options.after?.();
    });
  }

  /** Answers the current command with the syntax error frame (the chip refuses it). */
  syntaxError(): void {
    this.counters.errorFramesSent++;
    const frame = this.state.hasParameter(Param.noPreamblePostamble) ? withoutAmble(CHIP_SYNTAX_ERROR) : CHIP_SYNTAX_ERROR;
    this.later(this.delayFor(0), () => this.deliver('error', frame));
  }

  /**
   * Leaves the current command running without an answer: until `onFieldChange` says it is done
   * (it answers itself then), `timeoutMs` passes (`onTimeout` answers), or the host aborts it.
   */
  waitFor(job: { onFieldChange?: () => boolean; timeoutMs?: number; onTimeout?: () => void; onAbort?: () => void }): void {
    const running: Job = { timer: undefined };
    if (job.onAbort) running.onAbort = job.onAbort;
    const command = this.current;
    const inside = (fn: () => void): void => {
      const outer = this.current;
      this.current = command;
      try {
        fn();
      } finally {
        this.current = outer;
      }
    };
    if (job.onFieldChange) {
      const check = job.onFieldChange;
      running.onFieldChange = () => {
        if (this.job !== running) return;
        let done = false;
        inside(() => {
          this.job = undefined;
          done = check();
          if (!done && this.job === undefined) this.job = running;
        });
        if (done) clearTimeout(running.timer);
      };
    }
    if (job.timeoutMs !== undefined) {
      running.timer = setTimeout(() => {
        if (this.job !== running) return;
        this.job = undefined;
        inside(() => job.onTimeout?.());
      }, job.timeoutMs);
    }
    this.job = running;
  }

  /** Targets the chip has activated, by logical number. */
  get listed(): readonly ListedTarget[] {
    return this.state.listed;
  }

  /** Forgets every activated target (their sessions end). */
  releaseAll(): void {
    for (const l of this.state.listed) l.target.deactivate();
    this.state.listed = [];
    this.state.chaining = { fromHost: [], toHost: undefined };
  }

  /** Puts the chip to sleep after PowerDown (the answer goes out first). */
  sleep(wakeSources: number, irq: boolean): void {
    this.resumePower = this.state.power === 'low-vbat' ? 'low-vbat' : 'normal';
    this.state.power = 'power-down';
    this.state.wakeSources = wakeSources;
    this.state.irqOnWake = irq;
    this.state.asleep = true;
    this.state.setField(false);
    this.releaseAll();
    this.reader.reset();
  }

  // ---- host frames ------------------------------------------------------------------------

  private onHostFrame(frame: HostFrame): void {
    switch (frame.type) {
      case 'ack':
        this.counters.hostAcks++;
        this.abortJob();
        if (this.state.pendingBaudRate !== undefined) {
          this.state.baudRate = this.state.pendingBaudRate;
          this.state.pendingBaudRate = undefined;
        }
        return;
      case 'nack':
        this.counters.nacksReceived++;
        if (this.lastResponse) this.emit('repeat', this.lastResponse);
        return;
      case 'corrupt':
        this.counters.corruptFramesReceived++;
        return;
      case 'information':
        if (frame.body[0] === 0xd4 && frame.body.length >= 2) this.onCommand(frame.body.subarray(1));
        else this.counters.corruptFramesReceived++;
        return;
    }
  }

  private onCommand(packet: Uint8Array): void {
    this.abortJob();
    this.lastResponse = undefined;
    this.counters.commands++;
    const ack = this.state.hasParameter(Param.noPreamblePostamble) ? withoutAmble(CHIP_ACK) : CHIP_ACK;
    if (this.emit('ack', ack)) this.counters.acksSent++;
    const command: Pn532Command = { code: packet[0]!, params: Uint8Array.from(packet.subarray(1)), delayMs: 0 };
    this.commands.push({ code: command.code, params: command.params });
    const outer = this.current;
    this.current = command;
    try {
      if (!this.behaviours.first((b) => b.onCommand?.(this, command))) this.syntaxError();
    } finally {
      this.current = outer;
    }
  }

  // ---- output -----------------------------------------------------------------------------

  private delayFor(chipMs: number): number {
    return (this.current?.delayMs ?? 0) + (this.options.realisticTiming ? chipMs : 0);
  }

  private later(delay: number, deliver: () => void): void {
    if (delay <= 0) {
      this.job = undefined;
      deliver();
      return;
    }
    const command = this.current;
    const job: Job = { timer: undefined };
    job.timer = setTimeout(() => {
      if (this.job !== job) return;
      this.job = undefined;
      const outer = this.current;
      this.current = command;
      try {
        deliver();
      } finally {
        this.current = outer;
      }
    }, delay);
    this.job = job;
  }

  private deliver(kind: 'response' | 'error', frame: Uint8Array): void {
    this.lastResponse = frame;
    this.emit(kind, frame);
  }

  /** Puts a frame on the wire through the behaviours; false when one of them lost it. */
  private emit(kind: ChipFrameKind, bytes: Uint8Array): boolean {
    const original: ChipFrame = { kind, bytes };
    const decided = this.behaviours.first((b) => {
      const answer = b.onChipFrame?.(this, original);
      return answer === undefined ? undefined : { frame: answer };
    });
    const frame = decided ? decided.frame : original;
    if (frame === null) return false;
    if (!this.sink) return true;
    this.counters.bytesToHost += frame.bytes.length;
    this.sink(frame.bytes);
    return true;
  }

  private hsuWakes(): boolean {
    return this.state.power === 'low-vbat' || (this.state.wakeSources & WakeUp.hsu) !== 0;
  }

  private wake(): void {
    this.counters.wakeUps++;
    this.state.asleep = false;
    if (this.state.power === 'power-down') this.state.power = this.resumePower;
    this.reader.reset();
  }

  private abortJob(): void {
    const job = this.job;
    if (!job) return;
    this.cancelJob();
    job.onAbort?.();
  }

  private cancelJob(): void {
    if (!this.job) return;
    clearTimeout(this.job.timer);
    this.job = undefined;
  }
}
