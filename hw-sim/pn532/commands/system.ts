/**
 * The "miscellaneous" commands of UM0701-02 §7.2: Diagnose, GetFirmwareVersion,
 * GetGeneralStatus, Read/WriteRegister, Read/WriteGPIO, SetSerialBaudRate, SetParameters,
 * SAMConfiguration and PowerDown. Each answers as the chip does; bad parameters get the
 * syntax error frame.
 */
import { commandHandler, type Pn532Behaviour } from '../behaviour.js';
import { SERIAL_BAUD_RATES, Status } from '../chip-state.js';
import { Reg } from '../registers.js';

const Cmd = {
  Diagnose: 0x00,
  GetFirmwareVersion: 0x02,
  GetGeneralStatus: 0x04,
  ReadRegister: 0x06,
  WriteRegister: 0x08,
  ReadGPIO: 0x0c,
  WriteGPIO: 0x0e,
  SetSerialBaudRate: 0x10,
  SetParameters: 0x12,
  SAMConfiguration: 0x14,
  PowerDown: 0x16,
} as const;

/** Diagnose NumTst values (UM0701-02 §7.2.1). */
export const DiagnoseTest = {
  communicationLine: 0x00,
  rom: 0x01,
  ram: 0x02,
  pollingToTarget: 0x04,
  echoBack: 0x05,
  attentionRequest: 0x06,
  selfAntenna: 0x07,
} as const;

/** FeliCa polls of the polling test: with no FeliCa target in the field every one fails. */
const POLLING_TEST_ROUNDS = 128;

const diagnose = commandHandler(Cmd.Diagnose, 'Diagnose', (chip, params) => {
  const test = params[0];
  switch (test) {
    case DiagnoseTest.communicationLine:
      // OutParam is NumTst followed by InParam, unchanged.
      return chip.reply([0x01, ...params]);
    case DiagnoseTest.rom:
    case DiagnoseTest.ram:
      if (params.length !== 1) return chip.syntaxError();
      return chip.reply([0x01, 0x00], { chipMs: test === DiagnoseTest.rom ? 400 : 100 });
    case DiagnoseTest.pollingToTarget: {
      if (params.length !== 2 || (params[1] !== 0x01 && params[1] !== 0x02)) return chip.syntaxError();
      chip.state.setField(true);
      return chip.reply([0x01, POLLING_TEST_ROUNDS], { chipMs: POLLING_TEST_ROUNDS * 4 });
    }
    case DiagnoseTest.echoBack:
      // The chip turns target and echoes what an initiator sends, until the host sends anything:
      // no answer to the host at all.
      if (params.length !== 4) return chip.syntaxError();
      return chip.waitFor({});
    case DiagnoseTest.attentionRequest: {
      if (params.length !== 1) return chip.syntaxError();
      const listed = chip.listed[0];
      const status = !listed ? Status.notAcceptable : chip.isInField(listed.target) ? Status.ok : Status.timeout;
      chip.state.lastError = status;
      return chip.reply([0x01, status], { chipMs: 2 });
    }
    case DiagnoseTest.selfAntenna:
      if (params.length !== 2) return chip.syntaxError();
      return chip.reply([0x01, 0x00], { chipMs: 5 });
    default:
      return chip.syntaxError();
  }
});

const getFirmwareVersion = commandHandler(Cmd.GetFirmwareVersion, 'GetFirmwareVersion', (chip) => chip.reply([0x03, ...chip.options.firmware]));

/** Err, Field, NbTg, then Tg BrRx BrTx Type per target (106 kbps type A: 00 00 00), then the SAM status. */
const getGeneralStatus = commandHandler(Cmd.GetGeneralStatus, 'GetGeneralStatus', (chip) => {
  const targets = chip.listed.flatMap((l) => [l.tg, 0x00, 0x00, 0x00]);
  chip.reply([0x05, chip.state.lastError, chip.state.externalField ? 0x01 : 0x00, chip.listed.length, ...targets, 0x00]);
});

const readRegister = commandHandler(Cmd.ReadRegister, 'ReadRegister', (chip, params) => {
  if (params.length < 2 || params.length % 2 !== 0) return chip.syntaxError();
  const values: number[] = [0x07];
  for (let i = 0; i < params.length; i += 2) values.push(chip.state.registers.read((params[i]! << 8) | params[i + 1]!));
  chip.reply(values);
});

const writeRegister = commandHandler(Cmd.WriteRegister, 'WriteRegister', (chip, params) => {
  if (params.length < 3 || params.length % 3 !== 0) return chip.syntaxError();
  const registers = chip.state.registers;
  for (let i = 0; i < params.length; i += 3) registers.write((params[i]! << 8) | params[i + 1]!, params[i + 2]!);
  // The antenna drivers are the RF field: a host that switches them directly switches the field.
  chip.state.rf.fieldOn = (registers.read(Reg.TxControl) & 0x03) !== 0;
  chip.reply([0x09]);
});

/** P3 (P30..P35), P7 (P71, P72), I0I1 (0 0 on HSU). */
const readGpio = commandHandler(Cmd.ReadGPIO, 'ReadGPIO', (chip) => {
  const r = chip.state.registers;
  chip.reply([0x0d, r.read(Reg.P3) & 0x3f, r.read(Reg.P7) & 0x06, 0x00]);
});

/** Each port byte applies only with its Val bit (0x80) set. */
const writeGpio = commandHandler(Cmd.WriteGPIO, 'WriteGPIO', (chip, params) => {
  if (params.length !== 2) return chip.syntaxError();
  const r = chip.state.registers;
  if (params[0]! & 0x80) r.update(Reg.P3, 0x3f, params[0]!);
  if (params[1]! & 0x80) r.update(Reg.P7, 0x06, params[1]!);
  chip.reply([0x0f]);
});

/** Answered at the old speed; the chip changes speed once the host ACKs the answer. */
const setSerialBaudRate = commandHandler(Cmd.SetSerialBaudRate, 'SetSerialBaudRate', (chip, params) => {
  const rate = params.length === 1 ? SERIAL_BAUD_RATES[params[0]!] : undefined;
  if (rate === undefined) return chip.syntaxError();
  chip.reply([0x11], { after: () => (chip.state.pendingBaudRate = rate) });
});

const setParameters = commandHandler(Cmd.SetParameters, 'SetParameters', (chip, params) => {
  if (params.length !== 1) return chip.syntaxError();
  chip.state.parameters = params[0]!;
  chip.reply([0x13]);
});

/** Mode 1..4; Timeout is mandatory in virtual-card mode (2), optional otherwise; IRQ optional. */
const samConfiguration = commandHandler(Cmd.SAMConfiguration, 'SAMConfiguration', (chip, params) => {
  const mode = params[0];
  if (mode === undefined || mode < 1 || mode > 4 || params.length > 3 || (mode === 2 && params.length < 2)) return chip.syntaxError();
  chip.state.sam = { mode, timeout: params[1] ?? 0x00, irq: params[2] ?? 0x01 };
  if (chip.state.power === 'low-vbat') chip.state.power = 'normal';
  chip.reply([0x15]);
});

/** WakeUpEnable, optional GenerateIRQ; answers, then sleeps (RF off, targets released). */
const powerDown = commandHandler(Cmd.PowerDown, 'PowerDown', (chip, params) => {
  if (params.length < 1 || params.length > 2) return chip.syntaxError();
  const sources = params[0]!;
  const irq = params[1] === 0x01;
  chip.reply([0x17, Status.ok], { after: () => chip.sleep(sources, irq) });
});

export const SYSTEM_COMMANDS: readonly Pn532Behaviour[] = [
  diagnose,
  getFirmwareVersion,
  getGeneralStatus,
  readRegister,
  writeRegister,
  readGpio,
  writeGpio,
  setSerialBaudRate,
  setParameters,
  samConfiguration,
  powerDown,
];
