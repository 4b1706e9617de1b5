import { CodedError } from '../../errors/coded-error.js';

/** The inputs a self-test may take from the counter for a while. */
export type HeldInput = 'scanner' | 'nfc';

export class InputHoldError extends CodedError<'busy'> {
  override readonly name = 'InputHoldError';
}

/**
 * While a technician's scan or tap test waits, what the scanner reads and what is tapped goes to
 * the test, not the sale: a product scanned to test the scanner is not rung up, a wallet tapped
 * to test the reader does not pay. One test per input at a time.
 */
export class InputHold {
  private readonly held = new Set<HeldInput>();

  /** The inputs a test holds now. */
  list(): HeldInput[] {
    return [...this.held];
  }

  isHeld(input: HeldInput): boolean {
    return this.held.has(input);
  }

  /** Takes the input; the function returned gives it back (safe to call twice). */
  take(input: HeldInput): () => void {
    if (this.held.has(input)) throw new InputHoldError('busy', `a ${input} test is already waiting: finish it first`);
    this.held.add(input);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(input);
    };
  }
}
