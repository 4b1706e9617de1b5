/** One command to a card application, as ISO/IEC 7816-4 shapes it (short lengths). */
export interface CardCommand {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  /** Expected response length, 1..256 (256 is written 00). */
  le?: number;
}

/**
 * The card in the field as payments sees it: the NFC driver's APDU client satisfies it.
 * Any status word but 9000 rejects with an error carrying the status word (a numeric `sw`):
 * the card refused. Any other rejection means the card could not be reached (it left the
 * field, the reader failed): the card may or may not have carried the command out.
 */
export interface CardPort {
  /** SELECT by AID; resolves with the FCI. */
  select(aid: Uint8Array): Promise<Uint8Array>;
  /** Resolves with the response data. */
  send(command: CardCommand): Promise<Uint8Array>;
}

/** The status word of a card's refusal, or undefined when the error is not one (the card was not reached). */
export function statusWordOf(err: unknown): number | undefined {
  const sw = (err as { sw?: unknown } | null)?.sw;
  return typeof sw === 'number' ? sw : undefined;
}
