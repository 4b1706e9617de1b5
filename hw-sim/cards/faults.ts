import { Uses } from '../behaviours/behaviour-stack.js';
import type { CardBehaviour } from './behaviour.js';

/** Behaviours a test puts in front of a card to make it misbehave. */
export const cardFaults = {
  /** The card does not answer the next `times` commands (a phone whose app froze, a card half out of the field). */
  silent(times = 1): CardBehaviour {
    const uses = new Uses(times, 'silent');
    return {
      name: `silent for ${times} command(s)`,
      get spent() {
        return uses.spent;
      },
      onCommand: () => (uses.take() ? { response: undefined } : undefined),
    };
  },

  /** The next `times` commands are answered with these bytes (6F 00, a truncated answer, garbage). */
  answer(response: Uint8Array, times = 1): CardBehaviour {
    const uses = new Uses(times, 'answer');
    return {
      name: `answer ${times} command(s) with fixed bytes`,
      get spent() {
        return uses.spent;
      },
      onCommand: () => (uses.take() ? { response: Uint8Array.from(response) } : undefined),
    };
  },
};
