import { Uses } from '../behaviours/behaviour-stack.js';
import type { CardBehaviour } from './behaviour.js';
import { WALLET_V2 } from './offline-wallet.js';

/** A command of the wallet application: proprietary class (80..83), this INS. */
function isWalletCommand(command: Uint8Array, ins: number): boolean {
  return command.length >= 4 && (command[0]! & 0xfc) === 0x80 && command[1] === ins;
}

/**
 * Behaviours a test puts in front of a wallet card (IsoDepCard.behave) to make an offline
 * payment go wrong the ways real ones do. `leave` takes the card out of the reader's field
 * (e.g. `() => twin.leaveField(card)`).
 */
export const walletFaults = {
  /** The signature in the next `times` PAY answers is altered: a counterfeit wallet whose signatures do not verify. */
  forgeSignature(times = 1): CardBehaviour {
    const uses = new Uses(times, 'forgeSignature');
    return {
      name: `forge ${times} payment signature(s)`,
      get spent() {
        return uses.spent;
      },
      onResponse(_card, command, response) {
        const ok = response.length >= 66 && response[response.length - 2] === 0x90 && response[response.length - 1] === 0x00;
        if (!isWalletCommand(command, WALLET_V2.pay.ins) || !ok || !uses.take()) return undefined;
        const forged = Uint8Array.from(response);
        const at = forged.length - 10; // inside the signature, the last object of the answer
        forged[at] = forged[at]! ^ 0x01;
        return { response: forged };
      },
    };
  },

  /**
   * The next `times` commands `ins` get these bytes back instead of the wallet's answer (the
   * wallet never sees them): what a terminal reads when a spare answer to an earlier command,
   * delivered twice by the reader, arrives as this command's.
   */
  answerInstead(ins: number, response: Uint8Array, times = 1): CardBehaviour {
    const uses = new Uses(times, 'answerInstead');
    return {
      name: `answer ${times} INS ${ins.toString(16)} with other bytes`,
      get spent() {
        return uses.spent;
      },
      onCommand(_card, command) {
        if (!isWalletCommand(command, ins) || !uses.take()) return undefined;
        return { response: Uint8Array.from(response) };
      },
    };
  },

  /** The card leaves the field as command `ins` reaches it: the wallet never sees it (nothing debited). */
  leaveBefore(ins: number, leave: () => void, times = 1): CardBehaviour {
    const uses = new Uses(times, 'leaveBefore');
    return {
      name: `leave the field before INS ${ins.toString(16)}`,
      get spent() {
        return uses.spent;
      },
      onCommand(_card, command) {
        if (!isWalletCommand(command, ins) || !uses.take()) return undefined;
        leave();
        return { response: undefined };
      },
    };
  },

  /** The wallet carries out command `ins` (a PAY debits), then the card leaves before its answer is sent. */
  leaveAfter(ins: number, leave: () => void, times = 1): CardBehaviour {
    const uses = new Uses(times, 'leaveAfter');
    return {
      name: `leave the field after INS ${ins.toString(16)}`,
      get spent() {
        return uses.spent;
      },
      onResponse(_card, command) {
        if (!isWalletCommand(command, ins) || !uses.take()) return undefined;
        leave();
        return undefined;
      },
    };
  },
};
