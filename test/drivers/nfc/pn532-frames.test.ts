import { describe, expect, it } from 'vitest';
import { describeChipStatus, chipStatusName, isTargetLostStatus } from '../../../src/drivers/pn532/chip-status.js';
import {
  decodeDiagnoseCardPresence,
  decodeGetFirmwareVersion,
  decodeInDataExchange,
  decodeInListPassiveTarget,
  decodeInRelease,
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
  timeoutCode,
  timeoutCodeMs,
} from '../../../src/drivers/pn532/commands.js';
import { Pn532Error } from '../../../src/drivers/pn532/errors.js';
import {
  ACK_FRAME,
  dataChecksum,
  encodeCommandFrame,
  encodeInformationFrame,
  ERROR_FRAME,
  lengthChecksum,
  NACK_FRAME,
  TFI_CHIP_TO_HOST,
  wakeUpSequence,
} from '../../../src/drivers/pn532/frame.js';
import { h, hex } from './hex.js';

describe('PN532 frames: golden vectors', () => {
  it('encodes the FIELD-NOTES command frames byte for byte', () => {
    expect(hex(encodeCommandFrame(encodeGetFirmwareVersion()))).toBe('00 00 FF 02 FE D4 02 2A 00');
    expect(hex(encodeCommandFrame(encodeSamConfiguration()))).toBe('00 00 FF 05 FB D4 14 01 00 01 16 00');
    expect(hex(encodeCommandFrame(encodeInListPassiveTarget()))).toBe('00 00 FF 04 FC D4 4A 01 00 E1 00');
  });

  it('has the ACK, NACK and error frames of the user manual', () => {
    expect(hex(ACK_FRAME)).toBe('00 00 FF 00 FF 00');
    expect(hex(NACK_FRAME)).toBe('00 00 FF FF 00 00');
    expect(hex(ERROR_FRAME)).toBe('00 00 FF 01 FF 7F 81 00');
  });

  it('computes both checksums modulo 256', () => {
    expect(lengthChecksum(0x02)).toBe(0xfe);
    expect(lengthChecksum(0x00)).toBe(0x00);
    expect(lengthChecksum(0x01, 0x09)).toBe(0xf6);
    expect(dataChecksum(0xd4, h('02'))).toBe(0x2a);
    expect(dataChecksum(0xd5, h('03 32 01 06 07'))).toBe(0xe8);
    expect(dataChecksum(0xd4, new Uint8Array(0))).toBe(0x2c);
  });

  it('encodes a response frame as the chip sends it', () => {
    expect(hex(encodeInformationFrame(TFI_CHIP_TO_HOST, h('03 32 01 06 07')))).toBe('00 00 FF 06 FA D5 03 32 01 06 07 E8 00');
  });

  it('uses a normal frame up to LEN 255 and an extended frame above', () => {
    const at254 = encodeCommandFrame(new Uint8Array(254).fill(0x01));
    expect(hex(at254.subarray(0, 5))).toBe('00 00 FF FF 01');
    expect(at254.length).toBe(5 + 255 + 2);
    const at255 = encodeCommandFrame(new Uint8Array(255).fill(0x01));
    // LEN 256 = 01 00; LCS makes 01 + 00 + LCS = 0.
    expect(hex(at255.subarray(0, 8))).toBe('00 00 FF FF FF 01 00 FF');
    expect(at255[8]).toBe(0xd4);
    expect(at255.length).toBe(8 + 256 + 2);
    expect((0xd4 + 255 + at255[at255.length - 2]!) & 0xff).toBe(0);
  });

  it('can force the extended form for a short packet', () => {
    expect(hex(encodeCommandFrame(h('02'), { extended: true }))).toBe('00 00 FF FF FF 00 02 FE D4 02 2A 00');
  });

  it('refuses packets the firmware cannot take', () => {
    expect(() => encodeCommandFrame(new Uint8Array(265))).toThrow(Pn532Error);
    expect(() => encodeCommandFrame(new Uint8Array(0))).toThrow(Pn532Error);
  });

  it('builds the libnfc wake-up preamble', () => {
    expect(hex(wakeUpSequence())).toBe('55 55 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
  });
});

describe('PN532 command codecs', () => {
  it('GetFirmwareVersion: decodes IC 32, ver 1, rev 6, support 7', () => {
    expect(decodeGetFirmwareVersion(h('03 32 01 06 07'))).toEqual({ ic: 0x32, version: 1, revision: 6, support: 7 });
    expect(() => decodeGetFirmwareVersion(h('03 32 01'))).toThrow(expect.objectContaining({ code: 'bad_frame' }));
    expect(() => decodeGetFirmwareVersion(h('05 32 01 06 07'))).toThrow(expect.objectContaining({ code: 'bad_frame' }));
  });

  it('SAMConfiguration: normal mode, and other modes', () => {
    expect(hex(encodeSamConfiguration())).toBe('14 01 00 01');
    expect(hex(encodeSamConfiguration({ mode: 'virtual_card', timeout: 0x14, useIrq: false }))).toBe('14 02 14 00');
    expect(() => decodeSamConfiguration(h('15'))).not.toThrow();
  });

  it('RFConfiguration: MaxRetries, timings, field, MaxRtyCOM', () => {
    expect(hex(encodeRfConfiguration({ item: 'max_retries', atr: 0xff, psl: 0x01, passiveActivation: 0x0a }))).toBe('32 05 FF 01 0A');
    expect(hex(encodeCommandFrame(encodeRfConfiguration({ item: 'max_retries', atr: 0xff, psl: 0x01, passiveActivation: 0xff })))).toBe(
      '00 00 FF 06 FA D4 32 05 FF 01 FF F6 00',
    );
    expect(hex(encodeRfConfiguration({ item: 'timings', atrResTimeout: 0x0b, retryTimeout: 0x0a }))).toBe('32 02 00 0B 0A');
    expect(hex(encodeRfConfiguration({ item: 'rf_field', on: true, autoRfca: true }))).toBe('32 01 03');
    expect(hex(encodeRfConfiguration({ item: 'max_retry_com', retries: 0 }))).toBe('32 04 00');
    expect(() => encodeRfConfiguration({ item: 'max_retries', atr: 256, psl: 0, passiveActivation: 0 })).toThrow(Pn532Error);
  });

  it('RFConfiguration timeout codes: 100 us * 2^(n-1)', () => {
    expect(timeoutCodeMs(0x0b)).toBeCloseTo(102.4);
    expect(timeoutCodeMs(0x0a)).toBeCloseTo(51.2);
    expect(timeoutCodeMs(0x10)).toBeCloseTo(3276.8);
    expect(timeoutCode(0)).toBe(0);
    expect(timeoutCode(51.2)).toBe(0x0a);
    expect(timeoutCode(60)).toBe(0x0b);
    expect(timeoutCode(10_000)).toBe(0x10);
  });

  it('InListPassiveTarget: encodes 1 target at 106 kbps type A, optionally for one UID', () => {
    expect(hex(encodeInListPassiveTarget())).toBe('4A 01 00');
    expect(hex(encodeInListPassiveTarget({ maxTargets: 2, uid: h('08 11 22 33') }))).toBe('4A 02 00 08 11 22 33');
    expect(() => encodeInListPassiveTarget({ maxTargets: 3 })).toThrow(Pn532Error);
    expect(() => encodeInListPassiveTarget({ uid: h('01 02') })).toThrow(Pn532Error);
  });

  it('InListPassiveTarget: parses an NTAG (7-byte UID, no ATS)', () => {
    const [tag, ...more] = decodeInListPassiveTarget(h('4B 01 01 00 44 00 07 04 5A 31 92 2B 6C 80'));
    expect(more).toEqual([]);
    expect(tag).toMatchObject({ tg: 1, selRes: 0x00, ats: undefined });
    expect(hex(tag!.sensRes)).toBe('00 44');
    expect(hex(tag!.nfcId)).toBe('04 5A 31 92 2B 6C 80');
  });

  it('InListPassiveTarget: parses an ISO-DEP phone with a random UID and its ATS', () => {
    const [phone] = decodeInListPassiveTarget(h('4B 01 01 00 04 20 04 08 A1 B2 C3 05 78 80 70 02'));
    expect(phone).toMatchObject({ tg: 1, selRes: 0x20 });
    expect(hex(phone!.nfcId)).toBe('08 A1 B2 C3');
    expect(hex(phone!.ats!)).toBe('05 78 80 70 02');
  });

  it('InListPassiveTarget: no target, two targets, and malformed answers', () => {
    expect(decodeInListPassiveTarget(h('4B 00'))).toEqual([]);
    const two = decodeInListPassiveTarget(h('4B 02 01 00 44 00 07 04 5A 31 92 2B 6C 80 02 00 04 20 04 08 01 02 03 03 01 80'));
    expect(two.map((t) => t.tg)).toEqual([1, 2]);
    expect(hex(two[1]!.ats!)).toBe('03 01 80');
    expect(() => decodeInListPassiveTarget(h('4B 01 01 00 44 00 07 04 5A'))).toThrow(expect.objectContaining({ code: 'bad_frame' }));
    expect(() => decodeInListPassiveTarget(h('4B 01 01 00 04 20 04 08 A1 B2 C3 09 78'))).toThrow(expect.objectContaining({ code: 'bad_frame' }));
    expect(() => decodeInListPassiveTarget(h('4B 01 01 00 44 00 04 01 02 03 04 99'))).toThrow(expect.objectContaining({ code: 'bad_frame' }));
  });

  it('InDataExchange: Tg with MI for host-side chaining, status byte with MI and error code', () => {
    expect(hex(encodeInDataExchange(1, h('00 A4 04 00')))).toBe('40 01 00 A4 04 00');
    expect(hex(encodeInDataExchange(1, h('AA'), true))).toBe('40 41 AA');
    expect(hex(encodeInDataExchange(1, new Uint8Array(0)))).toBe('40 01');
    expect(() => encodeInDataExchange(1, new Uint8Array(MAX_DATA_OUT + 1))).toThrow(Pn532Error);
    expect(() => encodeInDataExchange(0, h('00'))).toThrow(Pn532Error);

    const ok = decodeInDataExchange(h('41 00 90 00'));
    expect(ok).toMatchObject({ error: 0, more: false, nad: false });
    expect(hex(ok.data)).toBe('90 00');
    expect(decodeInDataExchange(h('41 40 01 02'))).toMatchObject({ error: 0, more: true });
    expect(decodeInDataExchange(h('41 01'))).toMatchObject({ error: 0x01, more: false });
    expect(decodeInDataExchange(h('41 41'))).toMatchObject({ error: 0x01, more: true });
  });

  it('InRelease, InDeselect, Diagnose, PowerDown', () => {
    expect(hex(encodeInRelease())).toBe('52 00');
    expect(hex(encodeInRelease(1))).toBe('52 01');
    expect(hex(encodeInDeselect(1))).toBe('44 01');
    expect(decodeInRelease(h('53 00'))).toBe(0);
    expect(decodeInRelease(h('53 27'))).toBe(0x27);
    expect(hex(encodeDiagnoseCardPresence())).toBe('00 06');
    expect(decodeDiagnoseCardPresence(h('01 01'))).toBe(1);
    expect(hex(encodePowerDown())).toBe('16 10');
    expect(hex(encodeCommandFrame(encodePowerDown(0xf0)))).toBe('00 00 FF 03 FD D4 16 F0 26 00');
  });
});

describe('PN532 chip status codes', () => {
  it('names the datasheet errors', () => {
    expect(chipStatusName(0x01)).toBe('timeout');
    expect(chipStatusName(0x41)).toBe('timeout');
    expect(chipStatusName(0x13)).toBe('invalid_frame');
    expect(chipStatusName(0x27)).toBe('command_not_acceptable');
    expect(chipStatusName(0x08)).toBe('unknown');
    expect(describeChipStatus(0x02)).toMatch(/^0x02 crc/);
  });

  it('tells a lost target from other errors', () => {
    expect([0x01, 0x27, 0x2b].every(isTargetLostStatus)).toBe(true);
    expect([0x00, 0x02, 0x13, 0x14].some(isTargetLostStatus)).toBe(false);
  });
});
