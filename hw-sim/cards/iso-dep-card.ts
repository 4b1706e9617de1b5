import { randomBytes } from 'node:crypto';
import { BehaviourStack, type RemoveBehaviour } from '../behaviours/behaviour-stack.js';
import type { CardBehaviour } from './behaviour.js';
import { CardSw, readCardCommand, responseBytes, type CardCommand, type CardResponse } from './card-apdu.js';
import type { EmulatedTarget, TypeAIdentity } from './target.js';

/** An application on the card, chosen by SELECT with its AID. */
export interface CardApplet {
  readonly aid: Uint8Array;
  /** The application was selected; returns its FCI. */
  select(): Uint8Array;
  /** Any command while selected, except SELECT and GET RESPONSE which the card handles. */
  process(command: CardCommand): CardResponse;
  deselect(): void;
}

export interface IsoDepCardOptions {
  label?: string;
  /** A fixed UID (4 or 7 bytes), or 'random': a new 4-byte random UID (08 xx xx xx) on each activation, as phones do. */
  uid?: Uint8Array | 'random';
  atqa?: Uint8Array;
  /** ATS including TL. Default 05 78 80 70 02: FSCI 8 (256 bytes), TA/TB/TC present. */
  ats?: Uint8Array;
}

export interface ApduLogEntry {
  command: Uint8Array;
  response: Uint8Array;
}

/**
 * An ISO-DEP (ISO/IEC 14443-4, SAK 0x20) card holding applets. It answers SELECT by AID (P1 04,
 * P2 00 with FCI or 0C without), keeps the rest of a long answer for GET RESPONSE, and applies
 * Le as follows (for every command):
 *   answer empty                     -> SW only
 *   Le absent, answer not empty      -> 6C XX (XX = length, 00 for 256 or more)
 *   answer <= Ne                     -> answer + SW
 *   answer > Ne and Le = 00 (256)    -> first 256 bytes + 61 XX (XX = bytes left, 00 for 256 or more)
 *   answer > Ne otherwise            -> 6C XX
 * GET RESPONSE (00 C0 00 00 Le) returns the next Ne bytes, with 61 XX while more remain.
 * Behaviours a test puts in front (cardFaults) may answer an APDU instead, or leave it unanswered.
 */
export class IsoDepCard implements EmulatedTarget {
  readonly label: string;
  readonly log: ApduLogEntry[] = [];
  readonly behaviours = new BehaviourStack<CardBehaviour>();
  private selected: CardApplet | undefined;
  private remaining: { data: Uint8Array; sw: number } | undefined;
  private uid: Uint8Array;

  constructor(
    private readonly applets: CardApplet[],
    private readonly options: IsoDepCardOptions = {},
  ) {
    this.label = options.label ?? 'iso-dep card';
    this.uid = options.uid instanceof Uint8Array ? options.uid : randomUid();
  }

  activate(): TypeAIdentity {
    this.deactivate();
    if (this.options.uid === undefined || this.options.uid === 'random') this.uid = randomUid();
    return {
      uid: this.uid,
      atqa: this.options.atqa ?? Uint8Array.of(0x00, 0x04),
      sak: 0x20,
      ats: this.options.ats ?? Uint8Array.of(0x05, 0x78, 0x80, 0x70, 0x02),
    };
  }

  deactivate(): void {
    this.selected?.deselect();
    this.selected = undefined;
    this.remaining = undefined;
  }

  /** Puts behaviours in front of the others (first given, first asked); returns their remover. */
  behave(...behaviours: CardBehaviour[]): RemoveBehaviour {
    return this.behaviours.add(...behaviours);
  }

  exchange(command: Uint8Array): Uint8Array | undefined {
    const decided = this.behaviours.first((b) => b.onCommand?.(this, command));
    const response = decided ? decided.response : this.afterAnswer(command, this.answer(command));
    if (response !== undefined) this.log.push({ command: Uint8Array.from(command), response });
    return response;
  }

  private afterAnswer(command: Uint8Array, answer: Uint8Array): Uint8Array | undefined {
    const replaced = this.behaviours.first((b) => b.onResponse?.(this, command, answer));
    return replaced ? replaced.response : answer;
  }

  private answer(bytes: Uint8Array): Uint8Array {
    const command = readCardCommand(bytes);
    if (!('cla' in command)) return responseBytes(new Uint8Array(0), command.sw);
    const interindustry = (command.cla & 0xfc) === 0x00;
    if (!interindustry && (command.cla & 0xfc) !== 0x80) return sw(CardSw.claNotSupported);
    if (interindustry && command.ins === 0xc0) return this.getResponse(command);
    this.remaining = undefined;
    if (interindustry && command.ins === 0xa4) return this.select(command);
    if (!this.selected) return sw(CardSw.insNotSupported);
    return this.shape(this.selected.process(command), command.ne);
  }

  private select(command: CardCommand): Uint8Array {
    if (command.p1 !== 0x04 || (command.p2 !== 0x00 && command.p2 !== 0x0c)) return sw(CardSw.incorrectP1P2);
    const applet = this.applets.find((a) => Buffer.compare(Buffer.from(a.aid), Buffer.from(command.data)) === 0);
    if (!applet) return sw(CardSw.fileNotFound);
    this.selected?.deselect();
    this.selected = applet;
    const fci = applet.select();
    if (command.p2 === 0x0c) return sw(CardSw.ok);
    return this.shape({ data: fci, sw: CardSw.ok }, command.ne);
  }

  private getResponse(command: CardCommand): Uint8Array {
    if (command.p1 !== 0 || command.p2 !== 0) return sw(CardSw.incorrectP1P2);
    const remaining = this.remaining;
    if (!remaining) return sw(CardSw.conditionsNotSatisfied);
    if (command.ne === undefined) return sw(CardSw.wrongLength);
    const part = remaining.data.subarray(0, command.ne);
    const rest = remaining.data.subarray(part.length);
    if (rest.length === 0) {
      this.remaining = undefined;
      return responseBytes(part, remaining.sw);
    }
    this.remaining = { data: rest, sw: remaining.sw };
    return responseBytes(part, 0x6100 | (rest.length >= 256 ? 0 : rest.length));
  }

  private shape(response: CardResponse, ne: number | undefined): Uint8Array {
    const data = response.data ?? new Uint8Array(0);
    if (data.length === 0) return sw(response.sw);
    const exact = 0x6c00 | (data.length >= 256 ? 0 : data.length);
    if (ne === undefined) return sw(exact);
    if (data.length <= ne) return responseBytes(data, response.sw);
    if (ne !== 256) return sw(exact);
    const rest = data.subarray(256);
    this.remaining = { data: rest, sw: response.sw };
    return responseBytes(data.subarray(0, 256), 0x6100 | (rest.length >= 256 ? 0 : rest.length));
  }
}

function sw(status: number): Uint8Array {
  return responseBytes(new Uint8Array(0), status);
}

/** ISO/IEC 14443-3 random UID: single size, first byte 08. */
function randomUid(): Uint8Array {
  const uid = new Uint8Array(randomBytes(4));
  uid[0] = 0x08;
  return uid;
}
