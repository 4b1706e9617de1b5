/**
 * How an assembler learns that a silence (or a timeout) has passed.
 * - `timestamps`: from the gap between two inputs' times as well as from `tick()`. Right when the
 *   times are when the device sent the input (the protocol tests, replayed captures).
 * - `tick`: from `tick()` alone. For the device layer, whose times are when input reached an event
 *   loop that can stall: a long gap between two arrivals may be the loop's stall, during which the
 *   device went on sending into the OS's buffer, rather than the device's silence. The device
 *   layer calls `tick()` only after it has taken in the input that was waiting.
 */
export type SilenceWitness = 'timestamps' | 'tick';

export interface SilenceOptions {
  /** `timestamps` by default. */
  silenceSeenBy?: SilenceWitness;
}
