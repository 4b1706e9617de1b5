import type { Behaviour } from '../behaviours/behaviour-stack.js';
import type { HostFrame } from './hsu-wire.js';
import type { Pn532Twin } from './pn532-twin.js';

/** A command the chip has taken (and ACKed): its code and parameters. */
export interface Pn532Command {
  readonly code: number;
  readonly params: Uint8Array;
  /** Milliseconds between the ACK and the response; behaviours may add to it. */
  delayMs: number;
}

/**
 * What the chip puts on the wire: its ACK, a response (or the syntax error frame), a repeat
 * of the last response after a NACK, or raw bytes (line noise a test injects).
 */
export type ChipFrameKind = 'ack' | 'response' | 'error' | 'repeat' | 'raw';

export interface ChipFrame {
  readonly kind: ChipFrameKind;
  readonly bytes: Uint8Array;
}

/**
 * One way of handling what happens at the chip. Each hook returns undefined to let the next
 * behaviour (and finally the twin's own) decide.
 */
export interface Pn532Behaviour extends Behaviour {
  /** Bytes from the host before the chip hears them. true: they never reach it. */
  onHostBytes?(chip: Pn532Twin, bytes: Uint8Array): true | undefined;
  /** A frame cut from the host's bytes (ACK, NACK, command, corrupt). true: handled here, nothing else happens. */
  onHostFrame?(chip: Pn532Twin, frame: HostFrame): true | undefined;
  /**
   * A command the chip ACKed. true: handled (answered, or deliberately left unanswered).
   * A behaviour may change `command.delayMs` and return undefined to let others answer.
   */
  onCommand?(chip: Pn532Twin, command: Pn532Command): true | undefined;
  /** A frame on its way to the host: a replacement, null to lose it, undefined to let it pass. */
  onChipFrame?(chip: Pn532Twin, frame: ChipFrame): ChipFrame | null | undefined;
}

/** A behaviour that answers one command code. */
export function commandHandler(code: number, name: string, handle: (chip: Pn532Twin, params: Uint8Array, command: Pn532Command) => void): Pn532Behaviour {
  return {
    name,
    onCommand(chip, command) {
      if (command.code !== code) return undefined;
      handle(chip, command.params, command);
      return true;
    },
  };
}
