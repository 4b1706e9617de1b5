/**
 * Faults the acquirer simulator can be switched into while it runs, to prove the terminal
 * survives each: nothing lost, nothing settled twice.
 * - refuse: stop accepting connections (ECONNREFUSED)
 * - reset: drop the connection as a request arrives, before it is processed
 * - commit_drop: process and commit the request, then drop the connection without answering
 * - delay: wait delayMs before processing (past the client's timeout, the client retries)
 * - error500: answer 500 without processing
 * - malformed: process and commit, then answer 200 with a body that is not JSON
 * - bad_signature: process and commit, then answer with an ack whose signature is broken
 * - lose_records: at the next close, first forget every other record of the range it had
 *   accepted (an acquirer restored from an old backup); the close then finds them missing
 */
export const FAULT_MODES = ['refuse', 'reset', 'commit_drop', 'delay', 'error500', 'malformed', 'bad_signature', 'lose_records'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSpec {
  mode: FaultMode | 'random';
  /** Affect this many requests, then clear by itself; absent = until cleared. */
  count?: number;
  delayMs?: number;
  /** With mode 'random': the share of requests that get a fault (0..1). */
  rate?: number;
}

export class FaultSwitch {
  private spec: FaultSpec | undefined;
  private remaining = Infinity;
  readonly injected: Record<FaultMode, number> = { refuse: 0, reset: 0, commit_drop: 0, delay: 0, error500: 0, malformed: 0, bad_signature: 0, lose_records: 0 };

  constructor(private readonly random: () => number = Math.random) {}

  set(spec: FaultSpec | undefined): void {
    if (spec && spec.mode !== 'random' && !(FAULT_MODES as readonly string[]).includes(spec.mode)) throw new Error(`unknown fault mode ${String(spec.mode)}`);
    this.spec = spec;
    this.remaining = spec?.count ?? Infinity;
  }

  get current(): FaultSpec | undefined {
    return this.spec;
  }

  /** Whether the server should refuse connections right now. */
  get refusing(): boolean {
    return this.spec?.mode === 'refuse' && this.remaining > 0;
  }

  /** Draws the fault for one request (or none), counting it. `lose_records` only applies to closes. */
  draw(request: 'upload' | 'close' | 'other'): { mode: FaultMode; delayMs: number } | undefined {
    const spec = this.spec;
    if (!spec || this.remaining <= 0) return undefined;
    let mode: FaultMode;
    if (spec.mode === 'random') {
      if (this.random() >= (spec.rate ?? 0.3)) return undefined;
      const choices = FAULT_MODES.filter((m) => m !== 'refuse' && m !== 'lose_records');
      mode = choices[Math.floor(this.random() * choices.length)]!;
    } else {
      mode = spec.mode;
    }
    if (mode === 'refuse' || (mode === 'lose_records' && request !== 'close')) return undefined;
    this.remaining--;
    if (this.remaining <= 0) this.spec = undefined;
    this.injected[mode]++;
    return { mode, delayMs: spec.delayMs ?? 2000 };
  }
}
