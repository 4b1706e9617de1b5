/**
 * Finding, selecting and releasing targets (UM0701-02 §7.3.5, §7.3.10..7.3.13):
 * InListPassiveTarget, InAutoPoll, InSelect, InDeselect, InRelease. The field holds only
 * ISO/IEC 14443 type A targets (cards, tags, phones), so other modulations find nothing.
 */
import type { EmulatedTarget } from '../../cards/target.js';
import { commandHandler, type Pn532Behaviour } from '../behaviour.js';
import { Param, Status, type ListedTarget } from '../chip-state.js';
import type { Pn532Twin } from '../pn532-twin.js';

const BrTy = { typeA106: 0x00, felica212: 0x01, felica424: 0x02, typeB106: 0x03, jewel106: 0x04 } as const;

/** InAutoPoll target types this field can answer (UM0701-02 §7.3.13). */
const AutoPollType = { genericPassive106: 0x00, mifare: 0x10, iso14443_4A: 0x20 } as const;

/** Anticollision, select and (when asked) RATS: the target data the chip reports, from Tg on. */
function activate(target: EmulatedTarget, tg: number, rats: boolean): { listed: ListedTarget; data: number[] } {
  const identity = target.activate();
  const isoDep = rats && (identity.sak & 0x20) !== 0 && identity.ats !== undefined;
  const data = [tg, identity.atqa[0]!, identity.atqa[1]!, identity.sak, identity.uid.length, ...identity.uid];
  if (isoDep) data.push(...identity.ats!);
  return { listed: { tg, target, identity, isoDep, selected: true, blockNumber: 0, lastBlock: undefined }, data };
}

/** The UID a host asks for, without the cascade tags (88) a host may put in front of a double or triple UID. */
function wantedUid(initiatorData: Uint8Array): Uint8Array {
  if (initiatorData.length === 8 && initiatorData[0] === 0x88) return initiatorData.subarray(1);
  if (initiatorData.length === 12 && initiatorData[0] === 0x88 && initiatorData[4] === 0x88) {
    return Uint8Array.from([...initiatorData.subarray(1, 4), ...initiatorData.subarray(5)]);
  }
  return initiatorData;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Waits `attempts` activation attempts (0xFF: forever) for `attempt` to succeed; `none` answers otherwise. */
function poll(chip: Pn532Twin, attempt: () => boolean, attempts: number, msPerAttempt: number, none: () => void): void {
  if (attempt()) return;
  chip.waitFor({
    onFieldChange: attempt,
    ...(attempts === Infinity ? {} : { timeoutMs: attempts * msPerAttempt, onTimeout: none }),
  });
}

const inListPassiveTarget = commandHandler(0x4a, 'InListPassiveTarget', (chip, params) => {
  const maxTg = params[0];
  const brTy = params[1];
  if (maxTg === undefined || brTy === undefined || maxTg < 1 || maxTg > 2 || brTy > BrTy.jewel106) return chip.syntaxError();
  const initiatorData = params.subarray(2);
  if (brTy === BrTy.jewel106 && maxTg !== 1) return chip.syntaxError();
  if ((brTy === BrTy.felica212 || brTy === BrTy.felica424) && initiatorData.length < 5) return chip.syntaxError();
  if (brTy === BrTy.typeB106 && initiatorData.length < 1) return chip.syntaxError();
  chip.releaseAll();
  chip.state.setField(true);
  chip.state.lastError = Status.ok;
  if (brTy === BrTy.typeA106) chip.state.loadAnalogTypeA106();
  const uid = brTy === BrTy.typeA106 ? wantedUid(initiatorData) : new Uint8Array(0);
  const rats = chip.state.hasParameter(Param.autoRats);
  const attempt = (): boolean => {
    if (brTy !== BrTy.typeA106) return false;
    const found: ListedTarget[] = [];
    const data: number[] = [];
    for (const target of chip.targetsInField) {
      if (found.length >= maxTg) break;
      const activated = activate(target, found.length + 1, rats);
      if (uid.length > 0 && !sameBytes(activated.listed.identity.uid, uid)) {
        target.deactivate();
        continue;
      }
      found.push(activated.listed);
      data.push(...activated.data);
    }
    if (found.length === 0) return false;
    chip.state.listed = found;
    chip.reply([0x4b, found.length, ...data], { chipMs: 6 });
    return true;
  };
  const retries = chip.state.rf.mxRtyPassiveActivation;
  poll(chip, attempt, retries === 0xff ? Infinity : retries + 1, chip.options.passiveActivationAttemptMs, () => chip.reply([0x4b, 0x00]));
});

/**
 * PollNr (1..FE, FF endless), Period (1..F, in 150 ms), 1..15 target types. Answers NbTg and,
 * per target, Type, AutoPollTargetData length, AutoPollTargetData (as InListPassiveTarget's).
 */
const inAutoPoll = commandHandler(0x60, 'InAutoPoll', (chip, params) => {
  const pollNr = params[0];
  const period = params[1];
  const types = params.subarray(2);
  if (pollNr === undefined || period === undefined || pollNr === 0 || period === 0 || period > 0x0f || types.length === 0 || types.length > 15) {
    return chip.syntaxError();
  }
  chip.releaseAll();
  chip.state.setField(true);
  chip.state.loadAnalogTypeA106();
  const attempt = (): boolean => {
    const found: ListedTarget[] = [];
    const out: number[] = [];
    for (const type of types) {
      for (const target of chip.targetsInField) {
        if (found.length >= 2) break;
        if (found.some((l) => l.target === target)) continue;
        const sak = target.activate().sak;
        target.deactivate();
        const isoDepCapable = (sak & 0x20) !== 0;
        const reported =
          type === AutoPollType.iso14443_4A ? (isoDepCapable ? AutoPollType.iso14443_4A : undefined)
          : type === AutoPollType.mifare ? AutoPollType.mifare
          : type === AutoPollType.genericPassive106 ? (isoDepCapable ? AutoPollType.iso14443_4A : AutoPollType.mifare)
          : undefined;
        if (reported === undefined) continue;
        const activated = activate(target, found.length + 1, reported === AutoPollType.iso14443_4A);
        found.push(activated.listed);
        out.push(reported, activated.data.length, ...activated.data);
      }
    }
    if (found.length === 0) return false;
    chip.state.listed = found;
    chip.reply([0x61, found.length, ...out], { chipMs: 6 });
    return true;
  };
  const msPerPoll = Math.max(chip.options.passiveActivationAttemptMs * types.length, period * chip.options.autoPollPeriodUnitMs);
  poll(chip, attempt, pollNr === 0xff ? Infinity : pollNr, msPerPoll, () => chip.reply([0x61, 0x00]));
});

/** Selects a deselected target again (WUPA, select, RATS for ISO-DEP): a fresh session. */
const inSelect = commandHandler(0x54, 'InSelect', (chip, params) => {
  if (params.length !== 1) return chip.syntaxError();
  const listed = chip.listed.find((l) => l.tg === params[0]);
  let status: number = Status.notAcceptable;
  if (listed) {
    if (chip.isInField(listed.target)) {
      listed.target.activate();
      listed.selected = true;
      listed.blockNumber = 0;
      listed.lastBlock = undefined;
      status = Status.ok;
    } else {
      status = Status.timeout;
    }
  }
  chip.state.lastError = status;
  chip.reply([0x55, status], { chipMs: 3 });
});

/** Tg 0: all targets. Deselect keeps the target known (InSelect brings it back); release forgets it. */
function releaseOrDeselect(code: 0x44 | 0x52, name: string): Pn532Behaviour {
  return commandHandler(code, name, (chip, params) => {
    if (params.length !== 1) return chip.syntaxError();
    const tg = params[0]!;
    const known = tg === 0 || chip.listed.some((l) => l.tg === tg);
    for (const l of chip.listed) {
      if (tg !== 0 && l.tg !== tg) continue;
      l.target.deactivate();
      l.selected = false;
    }
    chip.state.chaining = { fromHost: [], toHost: undefined };
    if (code === 0x52) chip.state.listed = tg === 0 ? [] : chip.state.listed.filter((l) => l.tg !== tg);
    const status = known ? Status.ok : Status.notAcceptable;
    chip.state.lastError = status;
    chip.reply([code + 1, status]);
  });
}

export const ACTIVATION_COMMANDS: readonly Pn532Behaviour[] = [
  inListPassiveTarget,
  inAutoPoll,
  inSelect,
  releaseOrDeselect(0x44, 'InDeselect'),
  releaseOrDeselect(0x52, 'InRelease'),
];
