import { describe, expect, it } from 'vitest';
import { IsoDepCard } from '../../../hw-sim/cards/iso-dep-card.js';
import { NtagTag } from '../../../hw-sim/cards/ntag-tag.js';
import { WALLET_AID, WalletApplet } from '../../../hw-sim/cards/wallet-applet.js';
import { crcA } from '../../../hw-sim/pn532/crc-a.js';
import { pn532Faults } from '../../../hw-sim/pn532/faults.js';
import { until } from '../../support/wait.js';
import { ACK, chipOnWire, ERROR, frame, h, hex, WAKE } from './chip-wire.js';

// Golden vectors: every command as UM0701-02 lays out its input and output, checksums by hand.

const CARD_UID = '08 A1 B2 C3';
const isoDepCard = (): IsoDepCard => new IsoDepCard([new WalletApplet()], { uid: h(CARD_UID) });

describe('Diagnose (0x00)', () => {
  it('echoes the communication line test: NumTst then InParam (libnfc checks with "libnfc")', () => {
    const w = chipOnWire().awake();
    expect(w.command('00 00 6C 69 62 6E 66 63')).toBe(`${ACK} 00 00 FF 09 F7 D5 01 00 6C 69 62 6E 66 63 BC 00`);
  });

  it('echoes the longest line test in an extended frame (nfcpy sends 262 bytes)', () => {
    const w = chipOnWire().awake();
    const data = Uint8Array.from({ length: 262 }, (_, i) => i & 0xff);
    w.send(frame(Uint8Array.of(0x00, 0x00, ...data)));
    const got = w.take();
    expect(got.startsWith(`${ACK} 00 00 FF FF FF 01 09 F6 D5 01 00 00 01 02`)).toBe(true);
    expect(got.endsWith('FE FF 00 01 02 03 04 05 9B 00')).toBe(true);
  });

  it('passes the ROM and RAM tests (result 00)', () => {
    const w = chipOnWire().awake();
    expect(w.command('00 01')).toBe(`${ACK} 00 00 FF 03 FD D5 01 00 2A 00`);
    expect(w.command('00 02')).toBe(`${ACK} 00 00 FF 03 FD D5 01 00 2A 00`);
  });

  it('fails all 128 polls of the polling test without a FeliCa target, and refuses a bad speed', () => {
    const w = chipOnWire().awake();
    expect(w.command('00 04 01')).toBe(`${ACK} 00 00 FF 03 FD D5 01 80 AA 00`);
    expect(w.command('00 04 03')).toBe(`${ACK} ${ERROR}`);
  });

  it('runs the echo back test without answering until the next command', () => {
    const w = chipOnWire().awake();
    expect(w.command('00 05 00 00 00')).toBe(ACK);
    expect(w.command('02')).toBe(`${ACK} 00 00 FF 06 FA D5 03 32 01 06 07 E8 00`);
  });

  it('checks card presence (attention request): 27 with no target, 00 while it is there, 01 once it left', () => {
    const w = chipOnWire().awake();
    expect(w.command('00 06')).toBe(`${ACK} 00 00 FF 03 FD D5 01 27 03 00`);
    const card = isoDepCard();
    w.twin.enterField(card);
    w.command('4A 01 00');
    expect(w.command('00 06')).toBe(`${ACK} 00 00 FF 03 FD D5 01 00 2A 00`);
    w.twin.leaveField(card);
    expect(w.command('00 06')).toBe(`${ACK} 00 00 FF 03 FD D5 01 01 29 00`);
  });

  it('finds its antenna in the self antenna test, and refuses test numbers it does not have', () => {
    const w = chipOnWire().awake();
    expect(w.command('00 07 2E')).toBe(`${ACK} 00 00 FF 03 FD D5 01 00 2A 00`);
    expect(w.command('00 03')).toBe(`${ACK} ${ERROR}`);
    expect(w.command('00 08')).toBe(`${ACK} ${ERROR}`);
  });
});

describe('GetFirmwareVersion (0x02) and GetGeneralStatus (0x04)', () => {
  it('answers IC 32, version 1.6, support 07', () => {
    const w = chipOnWire().awake();
    expect(w.command('02')).toBe(`${ACK} 00 00 FF 06 FA D5 03 32 01 06 07 E8 00`);
  });

  it('answers the firmware after wake-up before any SAMConfiguration (Adafruit and nfcpy ask first)', () => {
    const w = chipOnWire();
    w.send(`${WAKE} ${frame('02')}`);
    expect(w.take()).toBe(`${ACK} 00 00 FF 06 FA D5 03 32 01 06 07 E8 00`);
    expect(w.twin.samConfigured).toBe(false);
  });

  it('reports Err, Field, the targets it holds (Tg BrRx BrTx Type) and the SAM status', () => {
    const w = chipOnWire().awake();
    expect(w.command('04')).toBe(`${ACK} 00 00 FF 06 FA D5 05 00 00 00 00 26 00`);
    w.twin.enterField(isoDepCard());
    w.command('4A 01 00');
    expect(w.command('04')).toBe(`${ACK} 00 00 FF 0A F6 D5 05 00 00 01 01 00 00 00 00 24 00`);
    w.command('52 00');
    w.twin.setExternalField(true);
    expect(w.command('04')).toBe(`${ACK} 00 00 FF 06 FA D5 05 00 01 00 00 25 00`);
  });
});

describe('ReadRegister (0x06) and WriteRegister (0x08)', () => {
  it('reads several CIU registers in one command (the ones libnfc reads back before writing)', () => {
    const w = chipOnWire().awake();
    // TxMode, RxMode (CRC on), TxAuto, Control, BitFraming.
    expect(w.command('06 63 02 63 03 63 05 63 3C 63 3D')).toBe(`${ACK} 00 00 FF 07 F9 D5 07 80 80 00 00 00 24 00`);
  });

  it('writes address-value triples and reads them back; read-only registers keep their value', () => {
    const w = chipOnWire().awake();
    expect(w.command('08 63 3C 10 63 3D 00')).toBe(`${ACK} 00 00 FF 02 FE D5 09 22 00`);
    expect(w.command('06 63 3C')).toBe(`${ACK} 00 00 FF 03 FD D5 07 10 14 00`);
    w.command('08 63 27 FF'); // CIU_Version
    expect(w.command('06 63 27')).toBe(`${ACK} 00 00 FF 03 FD D5 07 80 A4 00`);
  });

  it('keeps the RAM, reads 00 where nothing answers, and reaches the SFRs at FFxx', () => {
    const w = chipOnWire().awake();
    w.command('08 01 00 AB');
    expect(w.command('06 01 00')).toBe(`${ACK} 00 00 FF 03 FD D5 07 AB 79 00`);
    expect(w.command('06 12 34')).toBe(`${ACK} 00 00 FF 03 FD D5 07 00 24 00`);
    w.command('08 12 34 55');
    expect(w.command('06 12 34')).toBe(`${ACK} 00 00 FF 03 FD D5 07 00 24 00`);
    w.command('0E 85 00'); // WriteGPIO P3 = 05
    expect(hex(h(w.command('06 FF B0')).subarray(13, 14))).toBe('C5'); // P3 latch: 11xx x101
  });

  it('shows the RF field in the antenna driver bits of CIU_TxControl', () => {
    const w = chipOnWire().awake();
    w.command('32 01 01');
    expect(w.command('06 63 04')).toBe(`${ACK} 00 00 FF 03 FD D5 07 83 A1 00`);
    w.command('32 01 00');
    expect(w.command('06 63 04')).toBe(`${ACK} 00 00 FF 03 FD D5 07 80 A4 00`);
  });

  it('refuses a ReadRegister of an odd length and a WriteRegister that is not address-value triples', () => {
    const w = chipOnWire().awake();
    expect(w.command('06 63')).toBe(`${ACK} ${ERROR}`);
    expect(w.command('06')).toBe(`${ACK} ${ERROR}`);
    expect(w.command('08 63 3C')).toBe(`${ACK} ${ERROR}`);
    expect(w.command('08 63 3C 10 63')).toBe(`${ACK} ${ERROR}`);
  });
});

describe('ReadGPIO (0x0C) and WriteGPIO (0x0E)', () => {
  it('reads P3 (P30..P35), P7 (P71, P72) and I0I1 (HSU: 00), and writes only ports whose Val bit is set', () => {
    const w = chipOnWire().awake();
    expect(w.command('0C')).toBe(`${ACK} 00 00 FF 05 FB D5 0D 3F 06 00 D9 00`);
    expect(w.command('0E 85 82')).toBe(`${ACK} 00 00 FF 02 FE D5 0F 1C 00`);
    expect(w.command('0C')).toBe(`${ACK} 00 00 FF 05 FB D5 0D 05 02 00 17 00`);
    w.command('0E 3F 06'); // no Val bits: nothing changes
    expect(w.command('0C')).toBe(`${ACK} 00 00 FF 05 FB D5 0D 05 02 00 17 00`);
    expect(w.command('0E 85')).toBe(`${ACK} ${ERROR}`);
  });
});

describe('SetSerialBaudRate (0x10)', () => {
  it('answers at the old speed and changes once the host ACKs (nfcpy: command, ACK, new speed)', () => {
    const w = chipOnWire().awake();
    expect(w.command('10 06')).toBe(`${ACK} 00 00 FF 02 FE D5 11 1A 00`);
    expect(w.twin.baudRate).toBe(115200);
    w.send(ACK);
    expect(w.twin.baudRate).toBe(460800);
    expect(w.command('10 09')).toBe(`${ACK} ${ERROR}`);
  });
});

describe('SetParameters (0x12)', () => {
  it('answers D5 13 and keeps the flags', () => {
    const w = chipOnWire().awake();
    expect(w.command('12 14')).toBe(`${ACK} 00 00 FF 02 FE D5 13 18 00`);
    expect(w.twin.state.parameters).toBe(0x14);
    expect(w.command('12')).toBe(`${ACK} ${ERROR}`);
  });

  it('without fAutomaticRATS lists an ISO-DEP card without its ATS', () => {
    const w = chipOnWire().awake();
    w.twin.enterField(isoDepCard());
    w.command('12 04');
    expect(w.command('4A 01 00')).toBe(`${ACK} 00 00 FF 0C F4 D5 4B 01 01 00 04 20 04 08 A1 B2 C3 98 00`);
  });

  it('with fRemovePrePostAmble sends frames without preamble and postamble', () => {
    const w = chipOnWire().awake();
    w.command('12 54');
    expect(w.command('02')).toBe('00 FF 00 FF 00 FF 06 FA D5 03 32 01 06 07 E8');
  });
});

describe('SAMConfiguration (0x14)', () => {
  it('takes every mode in its short and long forms; virtual card needs its timeout', () => {
    const w = chipOnWire().awake();
    for (const params of ['01', '01 00', '01 00 01', '03', '04 00', '02 14', '02 14 00']) {
      expect(w.command(`14 ${params}`), params).toBe(`${ACK} 00 00 FF 02 FE D5 15 16 00`);
    }
    expect(w.twin.state.sam).toEqual({ mode: 2, timeout: 0x14, irq: 0 });
    for (const params of ['02', '00', '05', '01 00 01 00']) expect(w.command(`14 ${params}`), params).toBe(`${ACK} ${ERROR}`);
  });

  it('takes the chip out of low-VBat mode', () => {
    const w = chipOnWire();
    w.send(`${WAKE} ${frame('14 01')}`);
    expect(w.take()).toBe(`${ACK} 00 00 FF 02 FE D5 15 16 00`);
    expect(w.twin.samConfigured).toBe(true);
  });
});

describe('PowerDown (0x16)', () => {
  it('answers status 00 and sleeps; 55 wakes it when the HSU is a wake-up source (libnfc sends F0)', () => {
    const w = chipOnWire().awake();
    expect(w.command('16 F0')).toBe(`${ACK} 00 00 FF 03 FD D5 17 00 14 00`);
    expect(w.twin.asleep).toBe(true);
    expect(w.command('02')).toBe('');
    w.send(`${WAKE} ${frame('02')}`);
    expect(w.take()).toBe(`${ACK} 00 00 FF 06 FA D5 03 32 01 06 07 E8 00`);
    expect(w.twin.samConfigured).toBe(true);
  });

  it('takes the GenerateIRQ byte (nfcpy: B0 01), drops the field and its targets', () => {
    const w = chipOnWire().awake();
    w.twin.enterField(isoDepCard());
    w.command('4A 01 00');
    expect(w.command('16 B0 01')).toBe(`${ACK} 00 00 FF 03 FD D5 17 00 14 00`);
    expect(w.twin.state.irqOnWake).toBe(true);
    expect(w.twin.listed).toEqual([]);
    expect(w.twin.state.rf.fieldOn).toBe(false);
    expect(w.command('16')).toBe('');
  });

  it('stays asleep to the HSU when only the RF level detector may wake it, and wakes on an external field', () => {
    const w = chipOnWire().awake();
    w.command('16 08');
    w.send(`${WAKE} ${frame('02')}`);
    expect(w.take()).toBe('');
    w.twin.setExternalField(true);
    expect(w.twin.asleep).toBe(false);
    expect(w.command('02')).toBe(`${ACK} 00 00 FF 06 FA D5 03 32 01 06 07 E8 00`);
  });
});

describe('RFConfiguration (0x32)', () => {
  it('takes every item with its exact length, as libnfc and nfcpy send them', () => {
    const w = chipOnWire().awake();
    const items = ['01 00', '01 03', '02 00 0B 0A', '04 00', '04 FF', '05 FF FF FF', '05 01 00 01', '0A 59 F4 3F 11 4D 85 61 6F 26 62 87', '0B 69 FF 3F 11 41 85 61 6F', '0C FF 04 85', '0D 85 15 8A 85 08 B2 85 01 DA'];
    for (const item of items) expect(w.command(`32 ${item}`), item).toBe(`${ACK} 00 00 FF 02 FE D5 33 F8 00`);
    const rf = w.twin.state.rf;
    expect([rf.fieldOn, rf.autoRfca, rf.atrResTimeout, rf.retryTimeout, rf.maxRtyCom, rf.mxRtyAtr, rf.mxRtyPsl, rf.mxRtyPassiveActivation]).toEqual([true, true, 0x0b, 0x0a, 0xff, 0x01, 0x00, 0x01]);
    expect(hex(rf.analogIsoDep)).toBe('85 15 8A 85 08 B2 85 01 DA');
  });

  it('refuses unknown items and wrong lengths', () => {
    const w = chipOnWire().awake();
    for (const item of ['03 00', '06 00', '01', '01 00 00', '02 00 0B', '05 FF 01', '0A 59 F4', '0D 85']) {
      expect(w.command(`32 ${item}`), item).toBe(`${ACK} ${ERROR}`);
    }
  });

  it('loads the type A analog settings into the CIU when it lists type A targets', () => {
    const w = chipOnWire({ passiveActivationAttemptMs: 1 }).awake();
    w.command('32 05 00 00 00');
    w.command('32 0A 5A F4 3F 11 4D 85 61 6F 26 62 87');
    expect(w.command('06 63 16')).toBe(`${ACK} 00 00 FF 03 FD D5 07 48 DC 00`);
    w.twin.enterField(new NtagTag());
    w.command('4A 01 00');
    expect(w.command('06 63 16')).toBe(`${ACK} ${frameOf('07 5A')}`);
  });

  it('honours MaxRetries: no target, NbTg 0 after MxRtyPassiveActivation + 1 attempts', async () => {
    const w = chipOnWire({ passiveActivationAttemptMs: 2 }).awake();
    w.command('32 05 FF 01 01');
    expect(w.command('4A 01 00')).toBe(ACK);
    let got = '';
    await until(() => (got += w.take()) !== '', 'NbTg 0');
    expect(got).toBe('00 00 FF 03 FD D5 4B 00 E0 00');
  });
});

describe('InListPassiveTarget (0x4A)', () => {
  it('lists by UID, with or without cascade tags, and refuses what the chip cannot do', () => {
    const w = chipOnWire({ passiveActivationAttemptMs: 1 }).awake();
    w.command('32 05 FF 01 00');
    w.twin.enterField(new NtagTag());
    const listed = `${ACK} 00 00 FF 0F F1 D5 4B 01 01 00 44 00 07 04 5A 31 92 2B 6C 80 5B 00`;
    expect(w.command('4A 01 00 04 5A 31 92 2B 6C 80')).toBe(listed);
    expect(w.command('4A 01 00 88 04 5A 31 92 2B 6C 80')).toBe(listed);
    for (const bad of ['4A 03 00', '4A 00 00', '4A 01 05', '4A 02 04', '4A 01 01', '4A 01 03', '4A 01']) expect(w.command(bad), bad).toBe(`${ACK} ${ERROR}`);
  });

  it('finds no FeliCa or type B target in a field of type A cards', async () => {
    const w = chipOnWire({ passiveActivationAttemptMs: 1 }).awake();
    w.command('32 05 FF 01 00');
    w.twin.enterField(isoDepCard());
    expect(w.command('4A 01 01 00 FF FF 00 00')).toBe(ACK);
    let got = '';
    await until(() => (got += w.take()) !== '', 'NbTg 0');
    expect(got).toBe('00 00 FF 03 FD D5 4B 00 E0 00');
  });
});

describe('InCommunicateThru (0x42)', () => {
  it('sends tag commands as they are (NTAG READ page 0)', () => {
    const w = chipOnWire().awake();
    w.twin.enterField(new NtagTag());
    w.command('4A 01 00');
    expect(w.command('42 30 00')).toBe(`${ACK} 00 00 FF 13 ED D5 43 00 04 5A 31 E7 92 2B 6C 80 55 48 00 00 E1 10 12 00 29 00`);
  });

  it('leaves CRC_A to the host when CIU TxMode / RxMode say so (nfcpy does for type 2 tags)', () => {
    expect(crcA(h('30 00'))).toEqual([0x02, 0xa8]);
    expect(crcA(h('50 00'))).toEqual([0x57, 0xcd]);
    const w = chipOnWire().awake();
    w.twin.enterField(new NtagTag());
    w.command('4A 01 00');
    w.command('08 63 02 00 63 03 00');
    expect(w.command('42 30 00 02 A8')).toBe(`${ACK} 00 00 FF 15 EB D5 43 00 04 5A 31 E7 92 2B 6C 80 55 48 00 00 E1 10 12 00 AC 5E 1F 00`);
    expect(w.command('42 30 00 02 A9')).toBe(`${ACK} 00 00 FF 03 FD D5 43 01 E7 00`);
  });

  it('carries ISO-DEP blocks to a card: an I-block with an APDU, then S(DESELECT)', () => {
    const w = chipOnWire().awake();
    w.twin.enterField(isoDepCard());
    w.command('4A 01 00');
    const answer = w.command(`42 02 00 A4 04 00 07 ${hex(WALLET_AID)} 00`);
    expect(answer.startsWith(`${ACK} 00 00 FF`)).toBe(true);
    expect(answer).toContain('D5 43 00 02 6F');
    expect(answer.slice(-11, -6)).toBe('90 00');
    expect(w.command('42 C2')).toBe(`${ACK} 00 00 FF 04 FC D5 43 00 C2 26 00`);
  });

  it('reports a timeout (01) when nobody answers', () => {
    const w = chipOnWire().awake();
    expect(w.command('42 26')).toBe(`${ACK} 00 00 FF 03 FD D5 43 01 E7 00`);
  });
});

describe('InDeselect (0x44), InSelect (0x54), InRelease (0x52)', () => {
  it('deselects and selects again, answers 27 for a target it does not hold, and forgets it on release', () => {
    const w = chipOnWire().awake();
    const card = isoDepCard();
    w.twin.enterField(card);
    w.command('4A 01 00');
    expect(w.command('44 01')).toBe(`${ACK} 00 00 FF 03 FD D5 45 00 E6 00`);
    expect(w.command('54 01')).toBe(`${ACK} 00 00 FF 03 FD D5 55 00 D6 00`);
    expect(w.command('54 02')).toBe(`${ACK} 00 00 FF 03 FD D5 55 27 AF 00`);
    expect(w.command(`40 01 00 A4 04 00 07 ${hex(WALLET_AID)} 00`)).toContain('D5 41 00 6F');
    expect(w.command('52 00')).toBe(`${ACK} 00 00 FF 03 FD D5 53 00 D8 00`);
    expect(w.command('40 01 00 B0 00 00 00')).toBe(`${ACK} 00 00 FF 03 FD D5 41 27 C3 00`);
    expect(w.command('54')).toBe(`${ACK} ${ERROR}`);
  });
});

describe('InAutoPoll (0x60)', () => {
  it('reports the type found and its target data: an ISO-DEP card as 20, a tag as 10', () => {
    const w = chipOnWire().awake();
    w.twin.enterField(isoDepCard());
    expect(w.command('60 01 01 20')).toBe(`${ACK} 00 00 FF 13 ED D5 61 01 20 0E 01 00 04 20 04 08 A1 B2 C3 05 78 80 70 02 E5 00`);
    w.twin.leaveField();
    w.twin.enterField(new NtagTag());
    expect(w.command('60 01 01 10')).toBe(`${ACK} 00 00 FF 11 EF D5 61 01 10 0C 01 00 44 00 07 04 5A 31 92 2B 6C 80 29 00`);
    expect(hex(h(w.command('40 01 30 00')).subarray(14, 16))).toBe('04 5A');
  });

  it('answers NbTg 0 after PollNr periods, waits for a card when PollNr is FF, and refuses bad parameters', async () => {
    const w = chipOnWire({ autoPollPeriodUnitMs: 2 }).awake();
    expect(w.command('60 02 01 00 20')).toBe(ACK);
    let got = '';
    await until(() => (got += w.take()) !== '', 'NbTg 0');
    expect(got).toBe('00 00 FF 03 FD D5 61 00 CA 00');
    expect(w.command('60 FF 01 20')).toBe(ACK);
    w.twin.enterField(isoDepCard());
    expect(w.take()).toContain('D5 61 01 20');
    for (const bad of ['60 00 01 20', '60 01 00 20', '60 01 10 20', '60 01 01']) expect(w.command(bad), bad).toBe(`${ACK} ${ERROR}`);
  });
});

describe('NFCIP-1 and target-mode commands with nobody to talk to', () => {
  it('times out InJumpForDEP in passive mode after its three ATR_REQ', async () => {
    const w = chipOnWire({ passiveActivationAttemptMs: 1 }).awake();
    expect(w.command('56 00 00 00')).toBe(ACK);
    let got = '';
    await until(() => (got += w.take()) !== '', 'timeout');
    expect(got).toBe('00 00 FF 03 FD D5 57 01 D3 00');
  });

  it('answers 27 for a DEP target it does not hold, and for target-mode exchanges outside target mode', () => {
    const w = chipOnWire().awake();
    expect(w.command('50 01 00')).toBe(`${ACK} 00 00 FF 03 FD D5 51 27 B3 00`);
    expect(w.command('86')).toBe(`${ACK} 00 00 FF 03 FD D5 87 27 7D 00`);
    expect(w.command('8A')).toBe(`${ACK} 00 00 FF 03 FD D5 8B 00 A0 00`);
  });

  it('waits in TgInitAsTarget for an initiator that never comes, until the host sends anything', () => {
    const w = chipOnWire().awake();
    const tgInit = `8C 04 08 00 12 34 56 40 ${'01 FE A2 A3 A4 A5 A6 A7 C0 C1 C2 C3 C4 C5 C6 C7 FF FF'} ${'AA 99 88 77 66 55 44 33 22 11'} 00 00`;
    expect(w.command(tgInit)).toBe(ACK);
    expect(w.command('02')).toContain('D5 03 32');
    expect(w.command('8C 04 08')).toBe(`${ACK} ${ERROR}`);
  });

  it('keeps transmitting in RFRegulationTest without an answer', () => {
    const w = chipOnWire().awake();
    expect(w.command('58 00')).toBe(ACK);
    expect(w.twin.state.rf.fieldOn).toBe(true);
    expect(w.command('02')).toContain('D5 03 32');
    expect(w.twin.state.rf.fieldOn).toBe(false);
  });
});

describe('commands the PN532 does not have', () => {
  it('answers PN533-only and undefined codes with the syntax error frame', () => {
    const w = chipOnWire().awake();
    for (const code of ['18', '38', '48', '01', 'FF']) expect(w.command(code), code).toBe(`${ACK} ${ERROR}`);
  });

  it('can be told to answer as another chip', () => {
    const w = chipOnWire().awake();
    w.twin.behave(pn532Faults.firmware([0x33, 0x02, 0x01, 0x07]));
    expect(w.command('02')).toContain('D5 03 33 02 01 07');
  });
});

/** A response frame around a packet, for the few vectors above whose bytes come from a write. */
function frameOf(packet: string): string {
  const body = [0xd5, ...h(packet)];
  const dcs = (0x100 - (body.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return hex(Uint8Array.from([0x00, 0x00, 0xff, body.length, (0x100 - body.length) & 0xff, ...body, dcs, 0x00]));
}
