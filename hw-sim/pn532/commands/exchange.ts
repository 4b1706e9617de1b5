/**
 * Talking to an activated target (UM0701-02 §7.3.8, §7.3.9): InDataExchange, where the chip
 * runs the protocol (ISO-DEP blocks, chaining, CRC) and the host sees APDUs or tag commands,
 * and InCommunicateThru, where the host's bytes go on the air as they are (the chip adds and
 * checks CRC_A only as CIU TxMode / RxMode say).
 */
import { commandHandler, type Pn532Behaviour } from '../behaviour.js';
import { retryTimeoutMs, Status, type ListedTarget } from '../chip-state.js';
import { crcA } from '../crc-a.js';
import type { Pn532Twin } from '../pn532-twin.js';
import { Reg } from '../registers.js';

const MI = 0x40;
/** What the twin holds of a host's chained command before it answers "buffer too small". */
const HOST_CHAIN_LIMIT = 4096;
/** Air time per byte at 106 kbps, for the rough timing model. */
const MS_PER_BYTE = 0.085;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** How long the chip waits for a silent target before it reports a timeout; undefined: it retries forever. */
function silenceMs(chip: Pn532Twin): number | undefined {
  const rf = chip.state.rf;
  if (rf.maxRtyCom === 0xff) return undefined;
  return retryTimeoutMs(rf.retryTimeout) * (rf.maxRtyCom + 1);
}

/** The target did not answer: status 01 after the retry timeouts, or no answer at all while the chip retries forever. */
function noAnswer(chip: Pn532Twin, code: number, bytesSent: number): void {
  const wait = silenceMs(chip);
  chip.state.lastError = Status.timeout;
  if (wait === undefined) return chip.waitFor({});
  chip.reply([code, Status.timeout], { chipMs: 1 + bytesSent * MS_PER_BYTE + wait });
}

function exchangeStatus(chip: Pn532Twin, status: number, bytes = 0): void {
  chip.state.lastError = status;
  chip.reply([0x41, status], { chipMs: 1 + bytes * MS_PER_BYTE });
}

/** Sends the card's answer, or its first maxDataInPerFrame bytes with MI and keeps the rest for the host to fetch. */
function sendAnswerPart(chip: Pn532Twin, listed: ListedTarget, answer: Uint8Array, commandLength = 0): void {
  const part = answer.subarray(0, chip.options.maxDataInPerFrame);
  const rest = answer.subarray(part.length);
  chip.state.lastError = Status.ok;
  chip.reply([0x41, rest.length > 0 ? MI : Status.ok, ...part], {
    chipMs: 1 + (commandLength + part.length) * MS_PER_BYTE,
    after: () => {
      if (rest.length > 0) chip.state.chaining.toHost = { tg: listed.tg, data: rest };
    },
    // A card that left while the chip worked never sent its answer.
    atSend: () => (chip.isInField(listed.target) ? undefined : [0x41, Status.timeout]),
  });
}

/** Tg (bit 6: more data follows from the host), then DataOut. */
const inDataExchange = commandHandler(0x40, 'InDataExchange', (chip, params) => {
  const tgByte = params[0];
  if (tgByte === undefined) return chip.syntaxError();
  const tg = tgByte & 0x3f;
  const hostHasMore = (tgByte & MI) !== 0;
  const data = params.subarray(1);
  const listed = chip.listed.find((l) => l.tg === tg);
  if (!listed) return exchangeStatus(chip, Status.notAcceptable);
  if (!chip.isInField(listed.target)) {
    chip.releaseAll();
    return exchangeStatus(chip, Status.timeout);
  }
  if (!listed.selected) {
    listed.target.activate();
    listed.selected = true;
  }
  const chaining = chip.state.chaining;
  const pending = chaining.toHost;
  chaining.toHost = undefined;
  if (pending && pending.tg === tg && data.length === 0 && !hostHasMore) return sendAnswerPart(chip, listed, pending.data);
  if (hostHasMore) {
    const held = chaining.fromHost.reduce((n, c) => n + c.length, 0);
    if (held + data.length > HOST_CHAIN_LIMIT) {
      chaining.fromHost = [];
      return exchangeStatus(chip, Status.bufferTooSmall);
    }
    chaining.fromHost.push(Uint8Array.from(data));
    return exchangeStatus(chip, Status.ok, data.length);
  }
  const command = chaining.fromHost.length ? concat([...chaining.fromHost, data]) : Uint8Array.from(data);
  chaining.fromHost = [];
  const answer = listed.target.exchange(command);
  if (answer === undefined) return noAnswer(chip, 0x41, command.length);
  sendAnswerPart(chip, listed, answer, command.length);
});

/** PCB bits of ISO/IEC 14443-4 blocks. */
const Pcb = { iBlockMask: 0xe2, iBlock: 0x02, rBlockMask: 0xe6, rBlock: 0xa2, deselectMask: 0xf7, deselect: 0xc2, cid: 0x08, nad: 0x04, chaining: 0x10, nak: 0x10 } as const;

/** One ISO-DEP block from the host to a card whose APDUs the twin knows: I-blocks carry APDUs, S(DESELECT) ends the session. */
function isoDepBlock(listed: ListedTarget, block: Uint8Array): Uint8Array | undefined {
  const pcb = block[0];
  if (pcb === undefined) return undefined;
  const header = 1 + (pcb & Pcb.cid ? 1 : 0) + (pcb & Pcb.nad ? 1 : 0);
  const prologue = Array.from(block.subarray(0, header));
  if ((pcb & Pcb.deselectMask) === Pcb.deselect) {
    listed.target.deactivate();
    listed.selected = false;
    return Uint8Array.from(prologue);
  }
  if ((pcb & Pcb.iBlockMask) === Pcb.iBlock && (pcb & Pcb.chaining) === 0) {
    const answer = listed.target.exchange(block.subarray(header));
    if (answer === undefined) return undefined;
    listed.blockNumber = pcb & 0x01;
    listed.lastBlock = Uint8Array.from([...prologue, ...answer]);
    return listed.lastBlock;
  }
  if ((pcb & Pcb.rBlockMask) === Pcb.rBlock && (pcb & Pcb.nak) !== 0) {
    // R(NAK): the card sends its last I-block again (how a reader checks that a card is still there).
    return listed.lastBlock;
  }
  return undefined;
}

/** DataOut goes to the current target as it is; the answer comes back as DataIn (status, data). */
const inCommunicateThru = commandHandler(0x42, 'InCommunicateThru', (chip, params) => {
  const registers = chip.state.registers;
  const txCrc = (registers.read(Reg.TxMode) & 0x80) !== 0;
  const rxCrc = (registers.read(Reg.RxMode) & 0x80) !== 0;
  const listed = chip.listed.find((l) => l.selected && chip.isInField(l.target));
  let frame: Uint8Array = params;
  if (!txCrc) {
    // The host sends the CRC itself; a frame whose CRC is wrong is ignored by the card.
    const body = params.subarray(0, -2);
    const [lo, hi] = crcA(body);
    if (params.length < 3 || params[params.length - 2] !== lo || params[params.length - 1] !== hi) return noAnswer(chip, 0x43, params.length);
    frame = body;
  }
  if (!listed || frame.length === 0) return noAnswer(chip, 0x43, params.length);
  const answer = listed.isoDep ? isoDepBlock(listed, frame) : listed.target.exchange(Uint8Array.from(frame));
  if (answer === undefined) return noAnswer(chip, 0x43, params.length);
  const dataIn = rxCrc ? Array.from(answer) : [...answer, ...crcA(answer)];
  chip.state.lastError = Status.ok;
  chip.reply([0x43, Status.ok, ...dataIn], {
    chipMs: 1 + (params.length + dataIn.length) * MS_PER_BYTE,
    atSend: () => (chip.isInField(listed.target) ? undefined : [0x43, Status.timeout]),
  });
});

export const EXCHANGE_COMMANDS: readonly Pn532Behaviour[] = [inDataExchange, inCommunicateThru];
