import { AckError, checkCloseAck, type Ack, type CloseAck, type CountersignedCheckpoint } from './settlement.js';

export type BalancedCloseAck = CloseAck & { balanced: true; checkpoint: CountersignedCheckpoint };

/**
 * A balanced close ack: the acquirer's countersignature of a checkpoint, as a settlement_ack
 * record carries it and as an anchor is served (docs/journal.md, section 4). Its members are
 * exactly those of CloseAckSchema, the definition the terminal checks every close ack with;
 * on top of that it is balanced, lists nothing missing and no problem, and countersigns the
 * checkpoint that ends the settlement (seq = size = through) of the same terminal.
 * Checks the shape only, not the signature. Throws AckError.
 */
export function checkBalancedCloseAck(value: unknown): BalancedCloseAck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AckError('malformed', 'the ack is not an object');
  const ack = checkCloseAck(value as Ack);
  if (!ack.balanced || ack.checkpoint === null) throw new AckError('malformed', 'the close ack is not balanced: it countersigns no checkpoint');
  if (ack.missing.length > 0 || ack.problems.length > 0) throw new AckError('malformed', 'a balanced close ack lists no missing records and no problems');
  const cp = ack.checkpoint;
  if (cp.seq !== ack.through || cp.size !== ack.through) {
    throw new AckError('malformed', `the countersigned checkpoint (seq ${cp.seq}, size ${cp.size}) is not the one that ends the settlement at ${ack.through}`);
  }
  if (cp.terminal !== ack.terminal) throw new AckError('malformed', `the countersigned checkpoint is of terminal ${cp.terminal}, the ack of ${ack.terminal}`);
  if (ack.from > ack.through) throw new AckError('malformed', `the settlement runs from ${ack.from} to ${ack.through}: backwards`);
  return ack as BalancedCloseAck;
}
