import { Uses } from '../behaviours/behaviour-stack.js';
import type { ChipFrame, Pn532Behaviour } from './behaviour.js';

/**
 * Behaviours a test puts in front of the twin's own to make it misbehave as real chips and
 * wires do. Each acts `times` times (default once) unless it says otherwise, then drops out.
 */
export const pn532Faults = {
  /** The ACK of the next command(s) is lost on the wire; the command still runs and answers. */
  dropAcks(times = 1): Pn532Behaviour {
    const uses = new Uses(times, 'dropAcks');
    return {
      name: `drop ${times} ACK(s)`,
      get spent() {
        return uses.spent;
      },
      onChipFrame: (_chip, frame) => (frame.kind === 'ack' && uses.take() ? null : undefined),
    };
  },

  /** The next command frame(s) are lost on the wire: no ACK, nothing runs. */
  ignoreCommands(times = 1): Pn532Behaviour {
    const uses = new Uses(times, 'ignoreCommands');
    return {
      name: `ignore ${times} command(s)`,
      get spent() {
        return uses.spent;
      },
      onHostFrame: (_chip, frame) => (frame.type === 'information' && uses.take() ? true : undefined),
    };
  },

  /** The next command(s) are refused with the syntax error frame (after their ACK). */
  errorFrames(times = 1): Pn532Behaviour {
    const uses = new Uses(times, 'errorFrames');
    return {
      name: `refuse ${times} command(s)`,
      get spent() {
        return uses.spent;
      },
      onCommand(chip) {
        if (!uses.take()) return undefined;
        chip.syntaxError();
        return true;
      },
    };
  },

  /** The next response frame(s) (a first copy, a repeat after a NACK, or an error frame) reach the host with a wrong DCS. */
  corruptResponses(times = 1): Pn532Behaviour {
    const uses = new Uses(times, 'corruptResponses');
    return {
      name: `corrupt ${times} response(s)`,
      get spent() {
        return uses.spent;
      },
      onChipFrame(_chip, frame): ChipFrame | undefined {
        if (frame.kind === 'ack' || frame.kind === 'raw' || !uses.take()) return undefined;
        const bad = Uint8Array.from(frame.bytes);
        bad[bad.length - 2] = bad[bad.length - 2]! ^ 0x5a;
        return { kind: frame.kind, bytes: bad };
      },
    };
  },

  /** Adds `ms` between the ACK and the response of every command (of the next `times` commands). */
  delayResponses(ms: number, times = Infinity): Pn532Behaviour {
    if (!(ms >= 0)) throw new RangeError(`delayResponses: ${ms} ms`);
    const uses = new Uses(times, 'delayResponses');
    return {
      name: `delay responses by ${ms} ms`,
      get spent() {
        return uses.spent;
      },
      onCommand(_chip, command) {
        if (uses.take()) command.delayMs += ms;
        return undefined;
      },
    };
  },

  /** The chip hears nothing at all (a dead chip, a cut RX line) until the behaviour is removed. */
  stopAnswering(): Pn532Behaviour {
    return { name: 'stop answering', onHostBytes: () => true };
  },

  /** The next command(s) are ACKed, then answered with these bytes instead of a response. */
  answerGarbage(bytes: Uint8Array, times = 1): Pn532Behaviour {
    const uses = new Uses(times, 'answerGarbage');
    return {
      name: `answer ${times} command(s) with garbage`,
      get spent() {
        return uses.spent;
      },
      onCommand(chip) {
        if (!uses.take()) return undefined;
        chip.sendRaw(bytes);
        return true;
      },
    };
  },

  /** The next InDataExchange finds its card leaving the field: no answer, status 0x01 (timeout). */
  loseCardOnExchange(times = 1): Pn532Behaviour {
    const uses = new Uses(times, 'loseCardOnExchange');
    return {
      name: `lose the card on ${times} exchange(s)`,
      get spent() {
        return uses.spent;
      },
      onCommand(chip, command) {
        if (command.code !== 0x40 || (command.params[0]! & 0x40) !== 0) return undefined;
        const listed = chip.listed.find((l) => l.tg === (command.params[0]! & 0x3f));
        if (!listed || !chip.isInField(listed.target) || !uses.take()) return undefined;
        chip.leaveField(listed.target);
        chip.releaseAll();
        chip.state.lastError = 0x01;
        chip.reply([0x41, 0x01], { chipMs: 1 + (command.params.length - 1) * 0.085 });
        return true;
      },
    };
  },

  /** GetFirmwareVersion answers these bytes: another chip (PN533: 33 ..), another firmware, a clone. */
  firmware(answer: readonly number[]): Pn532Behaviour {
    return {
      name: `firmware ${answer.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
      onCommand(chip, command) {
        if (command.code !== 0x02) return undefined;
        chip.reply([0x03, ...answer]);
        return true;
      },
    };
  },

  /** A strict chip: in low-VBat mode it refuses everything but SAMConfiguration with the syntax error frame. */
  requireSamConfigurationFirst(): Pn532Behaviour {
    return {
      name: 'SAMConfiguration first',
      onCommand(chip, command) {
        if (chip.samConfigured || command.code === 0x14) return undefined;
        chip.syntaxError();
        return true;
      },
    };
  },
};
