import type { Behaviour } from '../behaviours/behaviour-stack.js';
import type { EmulatedTarget } from './target.js';

/** One way of handling a command that reaches a card; undefined lets the next behaviour (and finally the card) decide. */
export interface CardBehaviour extends Behaviour {
  /** The answer to send; `response: undefined`: the card stays silent (the reader times out). */
  onCommand?(card: EmulatedTarget, command: Uint8Array): { response: Uint8Array | undefined } | undefined;
}
