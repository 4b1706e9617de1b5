/**
 * NFCIP-1 (DEP) initiator commands and the target-mode commands (UM0701-02 §7.3.3..7.3.7,
 * §7.3.14..7.3.23). The twin's field holds no DEP peer and no reader, so they answer as the
 * chip does when there is nobody to talk to: activation times out, target mode waits for an
 * initiator that never comes, and data commands are not acceptable outside target mode.
 */
import { commandHandler, type Pn532Behaviour } from '../behaviour.js';
import { Status } from '../chip-state.js';
import type { Pn532Twin } from '../pn532-twin.js';

/** ActPass (0 passive, 1 active), BR (0..2), Next, then optional fields: no DEP target answers. */
function jump(code: 0x56 | 0x46, name: string): Pn532Behaviour {
  return commandHandler(code, name, (chip, params) => {
    const [actPass, br] = params;
    if (params.length < 3 || actPass === undefined || actPass > 1 || br === undefined || br > 2) return chip.syntaxError();
    chip.state.setField(true);
    // Passive mode always tries ATR_REQ three times (MxRtyATR is overruled with 2 retries).
    const retries = actPass === 0 ? 2 : chip.state.rf.mxRtyAtr;
    const timedOut = (): void => {
      chip.state.lastError = Status.timeout;
      chip.reply([code + 1, Status.timeout]);
    };
    if (retries === 0xff) return chip.waitFor({});
    chip.waitFor({ timeoutMs: (retries + 1) * chip.options.passiveActivationAttemptMs, onTimeout: timedOut });
  });
}

/** A command about a DEP target the chip does not have. */
function notADepTarget(code: number, name: string, minParams: number): Pn532Behaviour {
  return commandHandler(code, name, (chip, params) => {
    if (params.length < minParams) return chip.syntaxError();
    chip.state.lastError = Status.notAcceptable;
    chip.reply([code + 1, Status.notAcceptable]);
  });
}

/** Mode, MifareParams (6), FeliCaParams (18), NFCID3t (10), LEN Gt, Gt, LEN Tk, Tk. */
const TG_INIT_MIN = 1 + 6 + 18 + 10 + 1 + 1;

const tgInitAsTarget = commandHandler(0x8c, 'TgInitAsTarget', (chip: Pn532Twin, params) => {
  if (params.length < TG_INIT_MIN || params[0]! > 0x07) return chip.syntaxError();
  const gt = params[35]!;
  if (params.length < TG_INIT_MIN + gt) return chip.syntaxError();
  chip.waitFor({});
});

/** Target-mode exchanges outside target mode. */
function notInTargetMode(code: number, name: string): Pn532Behaviour {
  return commandHandler(code, name, (chip) => {
    chip.state.lastError = Status.notAcceptable;
    chip.reply([code + 1, Status.notAcceptable]);
  });
}

/** Status 00: the chip is not activated as a target. */
const tgGetTargetStatus = commandHandler(0x8a, 'TgGetTargetStatus', (chip) => chip.reply([0x8b, 0x00]));

export const DEP_AND_TARGET_COMMANDS: readonly Pn532Behaviour[] = [
  jump(0x56, 'InJumpForDEP'),
  jump(0x46, 'InJumpForPSL'),
  notADepTarget(0x50, 'InATR', 2),
  notADepTarget(0x4e, 'InPSL', 3),
  tgInitAsTarget,
  notInTargetMode(0x86, 'TgGetData'),
  notInTargetMode(0x8e, 'TgSetData'),
  notInTargetMode(0x94, 'TgSetMetaData'),
  notInTargetMode(0x88, 'TgGetInitiatorCommand'),
  notInTargetMode(0x90, 'TgResponseToInitiator'),
  notInTargetMode(0x92, 'TgSetGeneralBytes'),
  tgGetTargetStatus,
];
