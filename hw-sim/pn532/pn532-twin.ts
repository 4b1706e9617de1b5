import type { DeviceEndpoint, HostSink } from '../../src/drivers/transport/device-endpoint.js';
import type { EmulatedTarget, TypeAIdentity } from '../cards/target.js';
import { CHIP_ACK, CHIP_SYNTAX_ERROR, chipFrame, HostFrameReader } from './hsu-wire.js';

export interface Pn532TwinOptions {
  /** GetFirmwareVersion answer: IC, Ver, Rev, Support. */
  firmware: [number, number, number, number];
  /** Power up in low-VBat mode: only a wake-up (0x55) on HSU brings the chip up. */
  startAsleep: boolean;
  /** When the host side goes away (unplug), the chip loses power and restarts asleep. */
  powerCycleOnDetach: boolean;
  /** Added between the ACK and every response. */
  processingDelayMs: number;
  /** Adds a rough model of the chip's own time (RF at 106 kbps, activation). */
  realisticTiming: boolean;
  /** Time per passive activation attempt of InListPassiveTarget when no target answers. */
  passiveActivationAttemptMs: number;
  /** DataIn bytes per InDataExchange response; a longer card answer is sent in parts (status MI). */
  maxDataInPerFrame: number;
}

export const defaultTwinOptions: Pn532TwinOptions = {
  firmware: [0x32, 0x01, 0x06, 0x07],
  startAsleep: true,
  powerCycleOnDetach: true,
  processingDelayMs: 0,
  realisticTiming: false,
  passiveActivationAttemptMs: 5,
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

interface Listed {
  tg: number;
  target: EmulatedTarget;
  identity: TypeAIdentity;
}

const enum Cmd {
  Diagnose = 0x00,
  GetFirmwareVersion = 0x02,
  SetParameters = 0x12,
  SAMConfiguration = 0x14,
  PowerDown = 0x16,
  RFConfiguration = 0x32,
  InDataExchange = 0x40,
  InDeselect = 0x44,
  InListPassiveTarget = 0x4a,
  InRelease = 0x52,
}

const STATUS_TIMEOUT = 0x01;
const STATUS_BUFFER_TOO_SMALL = 0x07;
const STATUS_NOT_ACCEPTABLE = 0x27;
const STATUS_MI = 0x40;
const HOST_CHAIN_LIMIT = 4096;

/** RF field item lengths of RFConfiguration (item -> ConfigurationData bytes). */
const RF_ITEM_LENGTH: Record<number, number> = { 0x01: 1, 0x02: 3, 0x04: 1, 0x05: 3, 0x0a: 11, 0x0b: 8, 0x0c: 3, 0x0d: 9 };

/**
 * A PN532 on HSU, byte for byte from the chip's side: ACK then response, checksums checked
 * (a corrupted frame is ignored: no ACK), NACK answered with the last response, host ACK aborts
 * the command under way. Powers up asleep (low VBat) until 0x55 arrives, and wants
 * SAMConfiguration before anything else. Targets enter and leave its field through the control
 * API; faults are armed one at a time for the next frame.
 */
export class Pn532Twin implements DeviceEndpoint {
  readonly options: Pn532TwinOptions;
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
  /** Every command the chip accepted, in order (code and parameters). */
  readonly commands: RecordedCommand[] = [];

  private sink: HostSink | null = null;
  private readonly reader = new HostFrameReader();
  private sleeping: boolean;
  private samDone = false;
  private maxRetriesPassive = 0xff;
  private readonly field: EmulatedTarget[] = [];
  private listed: Listed[] = [];
  private hostChain: Uint8Array[] = [];
  private chipChain: { tg: number; data: Uint8Array } | undefined;
  private lastResponse: Uint8Array | undefined;
  private job: { timer: NodeJS.Timeout | undefined; onFieldChange?: () => void } | undefined;
  private faults = { dropAck: 0, ignoreCommand: 0, corruptResponse: 0, errorFrame: 0, leaveOnExchange: 0 };
  private processingDelayMs: number;

  constructor(options: Partial<Pn532TwinOptions> = {}) {
    this.options = { ...defaultTwinOptions, ...options };
    this.sleeping = this.options.startAsleep;
    this.samDone = !this.options.startAsleep;
    this.processingDelayMs = this.options.processingDelayMs;
  }

  // ---- DeviceEndpoint -------------------------------------------------------------------

  attachHost(sink: HostSink | null): void {
    this.sink = sink;
    if (sink === null && this.options.powerCycleOnDetach) this.powerCycle();
  }

  receiveFromHost(bytes: Uint8Array): void {
    this.counters.bytesFromHost += bytes.length;
    let input = bytes;
    if (this.sleeping) {
      const wake = input.indexOf(0x55);
      if (wake < 0) {
        this.counters.bytesLostAsleep += input.length;
        return;
      }
      // The first 0x55 wakes the HSU; the bytes before it (and it) are lost.
      this.counters.bytesLostAsleep += wake + 1;
      this.counters.wakeUps++;
      this.sleeping = false;
      this.reader.reset();
      input = input.subarray(wake + 1);
    }
    for (const frame of this.reader.feed(input)) {
      switch (frame.type) {
        case 'ack':
          this.counters.hostAcks++;
          this.cancelJob();
          break;
        case 'nack':
          this.counters.nacksReceived++;
          if (this.lastResponse) this.sendResponse(this.lastResponse);
          break;
        case 'corrupt':
          this.counters.corruptFramesReceived++;
          break;
        case 'information':
          if (frame.body[0] === 0xd4 && frame.body.length >= 2) this.onCommand(frame.body.subarray(1));
          else this.counters.corruptFramesReceived++;
          break;
      }
    }
  }

  // ---- control API ----------------------------------------------------------------------

  get asleep(): boolean {
    return this.sleeping;
  }

  get samConfigured(): boolean {
    return this.samDone;
  }

  /** MxRtyPassiveActivation as last configured (0xFF = wait forever). */
  get passiveActivationRetries(): number {
    return this.maxRetriesPassive;
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

  /** The next InDataExchange finds its card leaving the field: no answer, status 0x01 (timeout). */
  leaveFieldOnNextExchange(): void {
    this.faults.leaveOnExchange++;
  }

  /** The next command is answered (after its ACK) with the syntax error frame. */
  sendErrorFrameNext(): void {
    this.faults.errorFrame++;
  }

  /** The ACK of the next command is lost on the wire; the command still runs. */
  dropNextAck(): void {
    this.faults.dropAck++;
  }

  /** The next command frame is lost on the wire: no ACK, nothing runs. */
  ignoreNextCommand(): void {
    this.faults.ignoreCommand++;
  }

  /** The next response frame (or repeat after a NACK) reaches the host with a wrong DCS. Call n times for n copies. */
  corruptNextResponse(): void {
    this.faults.corruptResponse++;
  }

  /** Bytes of line noise to the host, now. */
  injectGarbage(bytes: Uint8Array): void {
    this.send(bytes);
  }

  setProcessingDelay(ms: number): void {
    this.processingDelayMs = ms;
  }

  /** The chip browns out or resets: asleep, unconfigured, nothing listed. */
  powerCycle(): void {
    this.cancelJob();
    this.reader.reset();
    this.sleeping = this.options.startAsleep;
    this.samDone = !this.options.startAsleep;
    this.maxRetriesPassive = 0xff;
    this.releaseAll();
    this.lastResponse = undefined;
  }

  clearLog(): void {
    this.commands.length = 0;
  }

  // ---- command handling -----------------------------------------------------------------

  private onCommand(packet: Uint8Array): void {
    if (this.faults.ignoreCommand > 0) {
      this.faults.ignoreCommand--;
      return;
    }
    this.cancelJob();
    this.lastResponse = undefined;
    this.counters.commands++;
    if (this.faults.dropAck > 0) this.faults.dropAck--;
    else {
      this.counters.acksSent++;
      this.send(CHIP_ACK);
    }
    const code = packet[0]!;
    const params = packet.subarray(1);
    this.commands.push({ code, params: Uint8Array.from(params) });
    if (this.faults.errorFrame > 0) {
      this.faults.errorFrame--;
      return this.syntaxError();
    }
    if (!this.samDone && code !== Cmd.SAMConfiguration) return this.syntaxError();
    switch (code) {
      case Cmd.GetFirmwareVersion:
        return this.reply([0x03, ...this.options.firmware]);
      case Cmd.SAMConfiguration:
        if (params.length < 1 || params[0]! < 1 || params[0]! > 4) return this.syntaxError();
        this.samDone = true;
        return this.reply([0x15]);
      case Cmd.SetParameters:
        return params.length === 1 ? this.reply([0x13]) : this.syntaxError();
      case Cmd.RFConfiguration:
        return this.rfConfiguration(params);
      case Cmd.PowerDown:
        if (params.length < 1) return this.syntaxError();
        return this.reply([0x17, 0x00], () => {
          this.sleeping = true;
        });
      case Cmd.Diagnose:
        return this.diagnose(params);
      case Cmd.InListPassiveTarget:
        return this.listPassiveTargets(params);
      case Cmd.InDataExchange:
        return this.dataExchange(params);
      case Cmd.InRelease:
      case Cmd.InDeselect:
        return this.release(code, params);
      default:
        return this.syntaxError();
    }
  }

  private rfConfiguration(params: Uint8Array): void {
    const item = params[0];
    if (item === undefined || RF_ITEM_LENGTH[item] !== params.length - 1) return this.syntaxError();
    if (item === 0x05) this.maxRetriesPassive = params[3]!;
    this.reply([0x33]);
  }

  private diagnose(params: Uint8Array): void {
    if (params[0] !== 0x06) return this.syntaxError();
    const listed = this.listed[0];
    const status = !listed ? STATUS_NOT_ACCEPTABLE : this.field.includes(listed.target) ? 0x00 : STATUS_TIMEOUT;
    this.reply([0x01, status], undefined, 2);
  }

  private listPassiveTargets(params: Uint8Array): void {
    const maxTg = params[0];
    const brTy = params[1];
    if (maxTg === undefined || brTy === undefined || maxTg < 1 || maxTg > 2 || brTy > 0x04) return this.syntaxError();
    this.releaseAll();
    const wantedUid = params.subarray(2);
    const attempt = (): boolean => {
      if (brTy !== 0x00) return false; // only type A targets live in this field
      const found: Listed[] = [];
      for (const target of this.field) {
        if (found.length >= maxTg) break;
        const identity = target.activate();
        if (wantedUid.length > 0 && Buffer.compare(Buffer.from(identity.uid), Buffer.from(wantedUid)) !== 0) {
          target.deactivate();
          continue;
        }
        found.push({ tg: found.length + 1, target, identity });
      }
      if (found.length === 0) return false;
      this.listed = found;
      const body: number[] = [0x4b, found.length];
      for (const { tg, identity } of found) {
        body.push(tg, identity.atqa[0]!, identity.atqa[1]!, identity.sak, identity.uid.length, ...identity.uid);
        if (identity.ats && identity.sak & 0x20) body.push(...identity.ats);
      }
      this.reply(body, undefined, 6);
      return true;
    };
    if (attempt()) return;
    const retries = this.maxRetriesPassive;
    const job: NonNullable<Pn532Twin['job']> = { timer: undefined };
    job.onFieldChange = () => {
      if (this.job === job && attempt()) clearTimeout(job.timer);
    };
    if (retries !== 0xff) {
      job.timer = setTimeout(() => {
        if (this.job !== job) return;
        this.job = undefined;
        this.reply([0x4b, 0x00]);
      }, (retries + 1) * this.options.passiveActivationAttemptMs);
    }
    this.job = job;
  }

  private dataExchange(params: Uint8Array): void {
    const tgByte = params[0];
    if (tgByte === undefined) return this.syntaxError();
    const tg = tgByte & 0x3f;
    const hostHasMore = (tgByte & 0x40) !== 0;
    const data = params.subarray(1);
    const listed = this.listed.find((l) => l.tg === tg);
    if (!listed) return this.exchangeStatus(STATUS_NOT_ACCEPTABLE);
    const { target } = listed;
    if (!this.field.includes(target)) {
      this.releaseAll();
      return this.exchangeStatus(STATUS_TIMEOUT);
    }
    const chain = this.chipChain;
    this.chipChain = undefined;
    if (chain && chain.tg === tg && data.length === 0 && !hostHasMore) return this.sendAnswerPart(listed, chain.data);
    if (hostHasMore) {
      const held = this.hostChain.reduce((n, c) => n + c.length, 0);
      if (held + data.length > HOST_CHAIN_LIMIT) {
        this.hostChain = [];
        return this.exchangeStatus(STATUS_BUFFER_TOO_SMALL);
      }
      this.hostChain.push(Uint8Array.from(data));
      return this.exchangeStatus(0x00, data.length);
    }
    const command = this.hostChain.length ? Buffer.concat([...this.hostChain, data]) : data;
    this.hostChain = [];
    if (this.faults.leaveOnExchange > 0) {
      this.faults.leaveOnExchange--;
      this.leaveField(target);
      this.releaseAll();
      return this.exchangeStatus(STATUS_TIMEOUT, command.length);
    }
    const answer = target.exchange(Uint8Array.from(command));
    if (answer === undefined) return this.exchangeStatus(STATUS_TIMEOUT, command.length);
    this.sendAnswerPart(listed, answer, command.length);
  }

  /** Sends the card's answer, or its first maxDataInPerFrame bytes with MI and keeps the rest. */
  private sendAnswerPart(listed: Listed, answer: Uint8Array, commandLength = 0): void {
    const max = this.options.maxDataInPerFrame;
    const part = answer.subarray(0, max);
    const rest = answer.subarray(part.length);
    const status = rest.length > 0 ? STATUS_MI : 0x00;
    this.reply(
      [0x41, status, ...part],
      () => {
        if (rest.length > 0) this.chipChain = { tg: listed.tg, data: rest };
      },
      1 + (commandLength + part.length) * 0.085,
      () => (this.field.includes(listed.target) ? undefined : [0x41, STATUS_TIMEOUT]),
    );
  }

  private exchangeStatus(status: number, bytes = 0): void {
    this.reply([0x41, status], undefined, 1 + bytes * 0.085);
  }

  private release(code: number, params: Uint8Array): void {
    const tg = params[0];
    if (tg === undefined) return this.syntaxError();
    const known = tg === 0 || this.listed.some((l) => l.tg === tg);
    if (code === Cmd.InRelease) {
      for (const l of this.listed) if (tg === 0 || l.tg === tg) l.target.deactivate();
      this.listed = tg === 0 ? [] : this.listed.filter((l) => l.tg !== tg);
    } else {
      for (const l of this.listed) if (tg === 0 || l.tg === tg) l.target.deactivate();
    }
    this.hostChain = [];
    this.chipChain = undefined;
    this.reply([code + 1, known ? 0x00 : STATUS_NOT_ACCEPTABLE]);
  }

  private releaseAll(): void {
    for (const l of this.listed) l.target.deactivate();
    this.listed = [];
    this.hostChain = [];
    this.chipChain = undefined;
  }

  // ---- output ---------------------------------------------------------------------------

  /**
   * Sends a response packet after the processing delay. `replace` is asked at send time (a card
   * that left during the delay turns the answer into a timeout status).
   */
  private reply(body: number[], after?: () => void, chipMs = 1, replace?: () => number[] | undefined): void {
    this.later(() => chipFrame(Uint8Array.from(replace?.() ?? body)), after, chipMs);
  }

  private syntaxError(): void {
    this.counters.errorFramesSent++;
    this.later(() => CHIP_SYNTAX_ERROR, undefined, 0);
  }

  private later(makeFrame: () => Uint8Array, after: (() => void) | undefined, chipMs: number): void {
    const delay = this.processingDelayMs + (this.options.realisticTiming ? chipMs : 0);
    const deliver = (): void => {
      const frame = makeFrame();
      this.lastResponse = frame;
      this.sendResponse(frame);
      after?.();
    };
    if (delay <= 0) {
      this.job = undefined;
      deliver();
      return;
    }
    const job: NonNullable<Pn532Twin['job']> = { timer: undefined };
    job.timer = setTimeout(() => {
      if (this.job !== job) return;
      this.job = undefined;
      deliver();
    }, delay);
    this.job = job;
  }

  private cancelJob(): void {
    if (!this.job) return;
    clearTimeout(this.job.timer);
    this.job = undefined;
  }

  /** A response frame (first copy or a NACKed repeat), corrupted on the way if a fault is armed. */
  private sendResponse(frame: Uint8Array): void {
    if (this.faults.corruptResponse > 0) {
      this.faults.corruptResponse--;
      const bad = Uint8Array.from(frame);
      bad[bad.length - 2] = bad[bad.length - 2]! ^ 0x5a;
      this.send(bad);
      return;
    }
    this.send(frame);
  }

  private send(bytes: Uint8Array): void {
    if (!this.sink) return;
    this.counters.bytesToHost += bytes.length;
    this.sink(bytes);
  }
}
