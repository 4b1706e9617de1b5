import type { EmulatedTarget, TypeAIdentity } from '../cards/target.js';
import { Reg, RegisterFile } from './registers.js';

/** Status byte values the PN532 reports (UM0701-02 §7.1, table "error codes"). */
export const Status = {
  ok: 0x00,
  timeout: 0x01,
  crc: 0x02,
  bufferTooSmall: 0x07,
  rfProtocol: 0x0b,
  invalidParameter: 0x10,
  formatError: 0x13,
  depInvalidState: 0x25,
  notAllowed: 0x26,
  notAcceptable: 0x27,
  releasedByInitiator: 0x29,
  cardDisappeared: 0x2b,
} as const;

/** SetParameters flags (UM0701-02 §7.2.9). */
export const Param = {
  nadUsed: 0x01,
  didUsed: 0x02,
  autoAtrRes: 0x04,
  autoRats: 0x10,
  iso14443_4Picc: 0x20,
  noPreamblePostamble: 0x40,
} as const;

/** PowerDown WakeUpEnable bits (UM0701-02 §7.2.11). */
export const WakeUp = { int0: 0x01, int1: 0x02, rf: 0x08, hsu: 0x10, spi: 0x20, gpio: 0x40, i2c: 0x80 } as const;

/** SetSerialBaudRate BR values 0x00..0x08 (UM0701-02 §7.2.8). */
export const SERIAL_BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1288000] as const;

/** A target the chip has activated (InListPassiveTarget, InAutoPoll) and answers for under a logical number. */
export interface ListedTarget {
  readonly tg: number;
  readonly target: EmulatedTarget;
  readonly identity: TypeAIdentity;
  /** RATS done: the chip speaks ISO-DEP (ISO/IEC 14443-4) to it and InDataExchange carries APDUs. */
  readonly isoDep: boolean;
  /** Selected (active); false after InDeselect until InSelect. */
  selected: boolean;
  /** ISO-DEP block number of the last I-block through InCommunicateThru, and the card's answer to it. */
  blockNumber: number;
  lastBlock: Uint8Array | undefined;
}

/** What RFConfiguration sets (UM0701-02 §7.3.1). */
export interface RfSettings {
  fieldOn: boolean;
  autoRfca: boolean;
  /** Item 0x02: ATR_RES timeout and retry timeout codes (0x00 none .. 0x10 3.28 s). */
  atrResTimeout: number;
  retryTimeout: number;
  /** Item 0x04: retries of InDataExchange / InCommunicateThru when the target does not answer. */
  maxRtyCom: number;
  /** Item 0x05. */
  mxRtyAtr: number;
  mxRtyPsl: number;
  mxRtyPassiveActivation: number;
  /** Items 0x0A..0x0D: analog settings, loaded into the CIU when that mode is used. */
  analogTypeA106: Uint8Array;
  analog212_424: Uint8Array;
  analogTypeB: Uint8Array;
  analogIsoDep: Uint8Array;
}

/** The analog settings the chip starts with (the values UM0701-02 gives as defaults; nfcpy writes the same). */
export const DEFAULT_ANALOG = {
  typeA106: [0x59, 0xf4, 0x3f, 0x11, 0x4d, 0x85, 0x61, 0x6f, 0x26, 0x62, 0x87],
  f212_424: [0x69, 0xff, 0x3f, 0x11, 0x41, 0x85, 0x61, 0x6f],
  typeB: [0xff, 0x04, 0x85],
  isoDep: [0x85, 0x15, 0x8a, 0x85, 0x08, 0xb2, 0x85, 0x01, 0xda],
} as const;

/** Retry timeout codes of RFConfiguration item 0x02: 0x00 none, then 100 us doubling up to 0x10 = 3.28 s. */
export function retryTimeoutMs(code: number): number {
  return code === 0 ? 0 : 0.1 * 2 ** (Math.min(code, 0x10) - 1);
}

export type PowerState = 'low-vbat' | 'normal' | 'power-down';

/** The chip's memory: everything a command reads or changes. */
export class ChipState {
  power: PowerState = 'low-vbat';
  /** The HSU does not listen (low VBat at power-up, or PowerDown): bytes are lost until it wakes. */
  asleep = true;
  /** PowerDown's WakeUpEnable; the low-VBat state at power-up wakes on the HSU. */
  wakeSources: number = WakeUp.hsu;
  /** PowerDown's GenerateIRQ. */
  irqOnWake = false;
  sam = { mode: 0x01, timeout: 0x00, irq: 0x01 };
  parameters: number = Param.autoAtrRes | Param.autoRats;
  baudRate = 115200;
  /** SetSerialBaudRate answered: the new rate applies once the host ACKs. */
  pendingBaudRate: number | undefined;
  /** An RF field from another device (a reader, a phone in reader mode) reaches the antenna. */
  externalField = false;
  /** The latest status the chip reported for a target operation (GetGeneralStatus Err). */
  lastError = 0;
  listed: ListedTarget[] = [];
  /** InDataExchange chaining: parts the host sent with MI set, and the rest of a card answer not yet fetched. */
  chaining: { fromHost: Uint8Array[]; toHost: { tg: number; data: Uint8Array } | undefined } = { fromHost: [], toHost: undefined };
  readonly registers = new RegisterFile();
  rf: RfSettings = defaultRf();

  /** Power-on reset: everything back to how the chip starts. */
  reset(startAsleep: boolean): void {
    this.power = startAsleep ? 'low-vbat' : 'normal';
    this.asleep = startAsleep;
    this.wakeSources = WakeUp.hsu;
    this.irqOnWake = false;
    this.sam = { mode: 0x01, timeout: 0x00, irq: 0x01 };
    this.parameters = Param.autoAtrRes | Param.autoRats;
    this.baudRate = 115200;
    this.pendingBaudRate = undefined;
    this.lastError = 0;
    this.listed = [];
    this.chaining = { fromHost: [], toHost: undefined };
    this.registers.reset();
    this.rf = defaultRf();
  }

  setField(on: boolean): void {
    this.rf.fieldOn = on;
    this.registers.update(Reg.TxControl, 0x03, on ? 0x03 : 0x00);
  }

  /** Puts an analog setting into the CIU registers, as the firmware does before it uses that mode. */
  loadAnalogTypeA106(): void {
    const a = this.rf.analogTypeA106;
    const r = this.registers;
    r.write(Reg.RFCfg, a[0]!);
    r.write(Reg.GsNOn, a[1]!);
    r.write(Reg.CWGsP, a[2]!);
    r.write(Reg.ModGsP, a[3]!);
    r.write(Reg.Demod, this.rf.fieldOn ? a[4]! : a[6]!);
    r.write(Reg.RxThreshold, a[5]!);
    r.write(Reg.GsNOff, a[7]!);
    r.write(Reg.ModWidth, a[8]!);
    r.write(Reg.MifNFC, a[9]!);
    r.write(Reg.TxBitPhase, a[10]!);
  }

  hasParameter(flag: number): boolean {
    return (this.parameters & flag) !== 0;
  }
}

function defaultRf(): RfSettings {
  return {
    fieldOn: false,
    autoRfca: true,
    atrResTimeout: 0x0b,
    retryTimeout: 0x0a,
    maxRtyCom: 0x00,
    mxRtyAtr: 0xff,
    mxRtyPsl: 0x01,
    mxRtyPassiveActivation: 0xff,
    analogTypeA106: Uint8Array.from(DEFAULT_ANALOG.typeA106),
    analog212_424: Uint8Array.from(DEFAULT_ANALOG.f212_424),
    analogTypeB: Uint8Array.from(DEFAULT_ANALOG.typeB),
    analogIsoDep: Uint8Array.from(DEFAULT_ANALOG.isoDep),
  };
}
