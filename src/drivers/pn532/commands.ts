import { STATUS_ERROR_MASK, STATUS_MI, STATUS_NAD } from './chip-status.js';
import { Pn532Error } from './errors.js';

/**
 * Command codes and codecs (UM0701-02 chapter 7). Encoders return the packet data that follows
 * the TFI (command code first); decoders take the response packet (response code first, which
 * is the command code + 1) and throw Pn532Error('bad_frame') for anything malformed.
 */
export const CommandCode = {
  Diagnose: 0x00,
  GetFirmwareVersion: 0x02,
  SAMConfiguration: 0x14,
  PowerDown: 0x16,
  RFConfiguration: 0x32,
  InDataExchange: 0x40,
  InDeselect: 0x44,
  InListPassiveTarget: 0x4a,
  InRelease: 0x52,
} as const;

export type CommandCodeValue = (typeof CommandCode)[keyof typeof CommandCode];

/** The largest DataOut one InDataExchange frame may carry; longer data is chained with MI. */
export const MAX_DATA_OUT = 262;

function bad(message: string): Pn532Error {
  return new Pn532Error('bad_frame', message);
}

function expectCode(packet: Uint8Array, command: number, minLength: number, name: string): void {
  if (packet.length === 0 || packet[0] !== command + 1) {
    throw bad(`${name}: expected response code 0x${(command + 1).toString(16)}, got ${packet.length ? `0x${packet[0]!.toString(16)}` : 'nothing'}`);
  }
  if (packet.length < minLength) throw bad(`${name}: response too short (${packet.length} bytes, need ${minLength})`);
}

function byte(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new Pn532Error('bad_argument', `${name} must be a byte, got ${value}`);
  return value;
}

// ---- GetFirmwareVersion -------------------------------------------------------------------

export interface FirmwareVersion {
  /** 0x32 for a PN532. */
  ic: number;
  version: number;
  revision: number;
  /** Bit 0 ISO/IEC 14443 type A, bit 1 type B, bit 2 ISO 18092. */
  support: number;
}

export function encodeGetFirmwareVersion(): Uint8Array {
  return Uint8Array.of(CommandCode.GetFirmwareVersion);
}

export function decodeGetFirmwareVersion(packet: Uint8Array): FirmwareVersion {
  expectCode(packet, CommandCode.GetFirmwareVersion, 5, 'GetFirmwareVersion');
  return { ic: packet[1]!, version: packet[2]!, revision: packet[3]!, support: packet[4]! };
}

// ---- SAMConfiguration ---------------------------------------------------------------------

export type SamMode = 'normal' | 'virtual_card' | 'wired_card' | 'dual_card';
const SAM_MODE: Record<SamMode, number> = { normal: 1, virtual_card: 2, wired_card: 3, dual_card: 4 };

export interface SamConfiguration {
  mode: SamMode;
  /** Virtual card mode only: timeout in units of 50 ms (0 = none). */
  timeout?: number;
  /** Whether the chip drives its P70_IRQ line. */
  useIrq?: boolean;
}

/** Normal mode, no timeout, IRQ on: D4 14 01 00 01 (the frame in every host library). */
export function encodeSamConfiguration(config: SamConfiguration = { mode: 'normal' }): Uint8Array {
  return Uint8Array.of(CommandCode.SAMConfiguration, SAM_MODE[config.mode], byte(config.timeout ?? 0, 'timeout'), config.useIrq === false ? 0 : 1);
}

export function decodeSamConfiguration(packet: Uint8Array): void {
  expectCode(packet, CommandCode.SAMConfiguration, 1, 'SAMConfiguration');
}

// ---- RFConfiguration ----------------------------------------------------------------------

export type RfConfigurationItem =
  /** Item 0x01: RF field on/off, automatic RF collision avoidance. */
  | { item: 'rf_field'; on: boolean; autoRfca?: boolean }
  /** Item 0x02: timeouts as codes (see timeoutCode): ATR_RES and non-DEP communication (InDataExchange). */
  | { item: 'timings'; atrResTimeout: number; retryTimeout: number }
  /** Item 0x04: retries of the chip when a non-DEP exchange fails. */
  | { item: 'max_retry_com'; retries: number }
  /** Item 0x05: MxRtyATR, MxRtyPSL, MxRtyPassiveActivation (0xFF = forever, 0x00 = try once). */
  | { item: 'max_retries'; atr: number; psl: number; passiveActivation: number };

export function encodeRfConfiguration(config: RfConfigurationItem): Uint8Array {
  const code = CommandCode.RFConfiguration;
  switch (config.item) {
    case 'rf_field':
      return Uint8Array.of(code, 0x01, (config.on ? 0x01 : 0x00) | (config.autoRfca ? 0x02 : 0x00));
    case 'timings':
      return Uint8Array.of(code, 0x02, 0x00, timeoutCodeByte(config.atrResTimeout), timeoutCodeByte(config.retryTimeout));
    case 'max_retry_com':
      return Uint8Array.of(code, 0x04, byte(config.retries, 'retries'));
    case 'max_retries':
      return Uint8Array.of(code, 0x05, byte(config.atr, 'atr'), byte(config.psl, 'psl'), byte(config.passiveActivation, 'passiveActivation'));
  }
}

export function decodeRfConfiguration(packet: Uint8Array): void {
  expectCode(packet, CommandCode.RFConfiguration, 1, 'RFConfiguration');
}

function timeoutCodeByte(code: number): number {
  if (!Number.isInteger(code) || code < 0 || code > 0x10) throw new Pn532Error('bad_argument', `timeout code must be 0..16, got ${code}`);
  return code;
}

/** RFConfiguration timeout codes: 0 = none, n = 100 us * 2^(n-1) (1 = 100 us ... 16 = 3.28 s). */
export function timeoutCodeMs(code: number): number {
  return code === 0 ? 0 : 0.1 * 2 ** (code - 1);
}

/** The smallest timeout code that waits at least `ms` (capped at 16 = 3.28 s). */
export function timeoutCode(ms: number): number {
  if (ms <= 0) return 0;
  for (let code = 1; code <= 0x10; code++) if (timeoutCodeMs(code) >= ms) return code;
  return 0x10;
}

// ---- InListPassiveTarget (106 kbps type A) ------------------------------------------------

export interface ListPassiveTargetOptions {
  /** 1 or 2. */
  maxTargets?: number;
  /** Look for this UID only (cascade-level UID as the chip takes it). */
  uid?: Uint8Array;
}

/** BrTy 0x00: 106 kbps type A (ISO/IEC 14443 type A). */
export const BAUD_106_TYPE_A = 0x00;

export function encodeInListPassiveTarget(options: ListPassiveTargetOptions = {}): Uint8Array {
  const maxTargets = options.maxTargets ?? 1;
  if (maxTargets !== 1 && maxTargets !== 2) throw new Pn532Error('bad_argument', `maxTargets must be 1 or 2, got ${maxTargets}`);
  const uid = options.uid ?? new Uint8Array(0);
  if (uid.length !== 0 && uid.length !== 4 && uid.length !== 7 && uid.length !== 10) {
    throw new Pn532Error('bad_argument', `a type A UID is 4, 7 or 10 bytes, got ${uid.length}`);
  }
  const packet = new Uint8Array(3 + uid.length);
  packet[0] = CommandCode.InListPassiveTarget;
  packet[1] = maxTargets;
  packet[2] = BAUD_106_TYPE_A;
  packet.set(uid, 3);
  return packet;
}

export interface TypeATarget {
  /** Logical target number the chip gave it (used by InDataExchange, InRelease). */
  tg: number;
  /** SENS_RES (ATQA), the two bytes in the order the PN532 reports them, e.g. 00 44 for NTAG. */
  sensRes: Uint8Array;
  /** SEL_RES (SAK). Bit 0x20: ISO/IEC 14443-4 compliant (ISO-DEP). */
  selRes: number;
  /** NFCID1: the UID, 4, 7 or 10 bytes. Random on phones. */
  nfcId: Uint8Array;
  /** The ATS including its length byte TL, when the chip activated ISO-DEP (RATS); else undefined. */
  ats: Uint8Array | undefined;
}

export const SAK_ISO_DEP = 0x20;

export function decodeInListPassiveTarget(packet: Uint8Array): TypeATarget[] {
  expectCode(packet, CommandCode.InListPassiveTarget, 2, 'InListPassiveTarget');
  const count = packet[1]!;
  if (count > 2) throw bad(`InListPassiveTarget: NbTg ${count} (at most 2)`);
  const targets: TypeATarget[] = [];
  let at = 2;
  for (let n = 0; n < count; n++) {
    if (at + 5 > packet.length) throw bad('InListPassiveTarget: target data truncated');
    const tg = packet[at]!;
    const sensRes = packet.slice(at + 1, at + 3);
    const selRes = packet[at + 3]!;
    const idLength = packet[at + 4]!;
    at += 5;
    if (at + idLength > packet.length) throw bad('InListPassiveTarget: NFCID truncated');
    const nfcId = packet.slice(at, at + idLength);
    at += idLength;
    let ats: Uint8Array | undefined;
    if ((selRes & SAK_ISO_DEP) !== 0 && at < packet.length) {
      const tl = packet[at]!;
      if (tl === 0 || at + tl > packet.length) throw bad('InListPassiveTarget: ATS truncated');
      ats = packet.slice(at, at + tl);
      at += tl;
    }
    targets.push({ tg, sensRes, selRes, nfcId, ats });
  }
  if (at !== packet.length) throw bad(`InListPassiveTarget: ${packet.length - at} unexpected trailing bytes`);
  return targets;
}

// ---- InDataExchange -----------------------------------------------------------------------

/** Tg byte bit 6: the host has more data to send after this frame (host-side chaining). */
export const TG_MI = 0x40;

export function encodeInDataExchange(tg: number, data: Uint8Array, moreToSend = false): Uint8Array {
  if (!Number.isInteger(tg) || tg < 1 || tg > 2) throw new Pn532Error('bad_argument', `target number must be 1 or 2, got ${tg}`);
  if (data.length > MAX_DATA_OUT) throw new Pn532Error('bad_argument', `InDataExchange carries at most ${MAX_DATA_OUT} bytes a frame, got ${data.length}`);
  const packet = new Uint8Array(2 + data.length);
  packet[0] = CommandCode.InDataExchange;
  packet[1] = tg | (moreToSend ? TG_MI : 0);
  packet.set(data, 2);
  return packet;
}

export interface DataExchangeResult {
  /** Error code, bits 0-5 of the status byte (0 = success). */
  error: number;
  /** MI, bit 6: the chip holds more data; send InDataExchange with the Tg only to get it. */
  more: boolean;
  /** NAD, bit 7. */
  nad: boolean;
  data: Uint8Array;
}

export function decodeInDataExchange(packet: Uint8Array): DataExchangeResult {
  expectCode(packet, CommandCode.InDataExchange, 2, 'InDataExchange');
  const status = packet[1]!;
  return {
    error: status & STATUS_ERROR_MASK,
    more: (status & STATUS_MI) !== 0,
    nad: (status & STATUS_NAD) !== 0,
    data: packet.subarray(2),
  };
}

// ---- InRelease / InDeselect ---------------------------------------------------------------

/** Tg 0 = every target. */
export function encodeInRelease(tg = 0): Uint8Array {
  return Uint8Array.of(CommandCode.InRelease, byte(tg, 'tg'));
}

export function encodeInDeselect(tg = 0): Uint8Array {
  return Uint8Array.of(CommandCode.InDeselect, byte(tg, 'tg'));
}

/** Both answer one status byte; returns its error code (bits 0-5). */
export function decodeInRelease(packet: Uint8Array): number {
  expectCode(packet, CommandCode.InRelease, 2, 'InRelease');
  return packet[1]! & STATUS_ERROR_MASK;
}

export function decodeInDeselect(packet: Uint8Array): number {
  expectCode(packet, CommandCode.InDeselect, 2, 'InDeselect');
  return packet[1]! & STATUS_ERROR_MASK;
}

// ---- Diagnose (card presence) -------------------------------------------------------------

/** Diagnose NumTst 0x06: attention request / ISO/IEC 14443-4 card presence detection. */
export function encodeDiagnoseCardPresence(): Uint8Array {
  return Uint8Array.of(CommandCode.Diagnose, 0x06);
}

/** Returns the status error code: 0 = the target answered. */
export function decodeDiagnoseCardPresence(packet: Uint8Array): number {
  expectCode(packet, CommandCode.Diagnose, 2, 'Diagnose');
  return packet[1]! & STATUS_ERROR_MASK;
}

// ---- PowerDown ----------------------------------------------------------------------------

/** WakeUpEnable bits. */
export const WakeUpSource = {
  int0: 0x01,
  int1: 0x02,
  rfLevelDetector: 0x08,
  hsu: 0x10,
  spi: 0x20,
  gpio: 0x40,
  i2c: 0x80,
} as const;

export function encodePowerDown(wakeUpEnable: number = WakeUpSource.hsu): Uint8Array {
  return Uint8Array.of(CommandCode.PowerDown, byte(wakeUpEnable, 'wakeUpEnable'));
}

export function decodePowerDown(packet: Uint8Array): number {
  expectCode(packet, CommandCode.PowerDown, 2, 'PowerDown');
  return packet[1]! & STATUS_ERROR_MASK;
}
