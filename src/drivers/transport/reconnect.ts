/** Delay before reopen attempt n (0-based): doubles from minMs up to maxMs. */
export function reopenDelay(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 16));
}

export interface ReopenPolicy {
  minMs: number;
  maxMs: number;
}

export const defaultReopenPolicy: ReopenPolicy = { minMs: 50, maxMs: 2000 };
