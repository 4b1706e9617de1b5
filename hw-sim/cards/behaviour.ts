import type { Behaviour } from '../behaviours/behaviour-stack.js';
import type { EmulatedTarget } from './target.js';

/** One way of handling a command that reaches a card; undefined lets the next behaviour (and finally the card) decide. */
export interface CardBehaviour extends Behaviour {
  /** The answer to send; `response: undefined`: the card stays silent (the reader times out). */
  onCommand?(card: EmulatedTarget, command: Uint8Array): { response: Uint8Array | undefined } | undefined;
  /**
   * The card's own answer to a command, before it leaves the card: a replacement, or undefined to
   * let it pass (a behaviour may also act here: take the card out of the field once it answered).
   */
  onResponse?(card: EmulatedTarget, command: Uint8Array, response: Uint8Array): { response: Uint8Array | undefined } | undefined;
}
