/** RFConfiguration and RFRegulationTest (UM0701-02 §7.3.1, §7.3.2). */
import { commandHandler, type Pn532Behaviour } from '../behaviour.js';

export const RfItem = {
  field: 0x01,
  timings: 0x02,
  maxRtyCom: 0x04,
  maxRetries: 0x05,
  analogTypeA106: 0x0a,
  analog212_424: 0x0b,
  analogTypeB: 0x0c,
  analogIsoDep: 0x0d,
} as const;

/** ConfigurationData length of each item; any other item, or another length, is a syntax error. */
const ITEM_LENGTH: Readonly<Record<number, number>> = { 0x01: 1, 0x02: 3, 0x04: 1, 0x05: 3, 0x0a: 11, 0x0b: 8, 0x0c: 3, 0x0d: 9 };

const rfConfiguration = commandHandler(0x32, 'RFConfiguration', (chip, params) => {
  const item = params[0];
  if (item === undefined || ITEM_LENGTH[item] !== params.length - 1) return chip.syntaxError();
  const data = params.subarray(1);
  const rf = chip.state.rf;
  switch (item) {
    case RfItem.field: {
      rf.autoRfca = (data[0]! & 0x02) !== 0;
      const on = (data[0]! & 0x01) !== 0;
      // Without the field the targets lose power: their sessions, and the chip's hold on them, end.
      if (!on) chip.releaseAll();
      chip.state.setField(on);
      break;
    }
    case RfItem.timings:
      rf.atrResTimeout = data[1]!;
      rf.retryTimeout = data[2]!;
      break;
    case RfItem.maxRtyCom:
      rf.maxRtyCom = data[0]!;
      break;
    case RfItem.maxRetries:
      rf.mxRtyAtr = data[0]!;
      rf.mxRtyPsl = data[1]!;
      rf.mxRtyPassiveActivation = data[2]!;
      break;
    case RfItem.analogTypeA106:
      rf.analogTypeA106 = Uint8Array.from(data);
      break;
    case RfItem.analog212_424:
      rf.analog212_424 = Uint8Array.from(data);
      break;
    case RfItem.analogTypeB:
      rf.analogTypeB = Uint8Array.from(data);
      break;
    case RfItem.analogIsoDep:
      rf.analogIsoDep = Uint8Array.from(data);
      break;
  }
  chip.reply([0x33]);
});

/** The chip transmits continuously in the given mode until the host sends anything: no answer. */
const rfRegulationTest = commandHandler(0x58, 'RFRegulationTest', (chip, params) => {
  if (params.length !== 1) return chip.syntaxError();
  chip.state.setField(true);
  chip.waitFor({ onAbort: () => chip.state.setField(false) });
});

export const RF_COMMANDS: readonly Pn532Behaviour[] = [rfConfiguration, rfRegulationTest];
