import fc, { type Parameters } from 'fast-check';

/**
 * fast-check settings for the fuzz tests in `npm test`: a bounded number of runs, and a time
 * limit well under 5 s per property so a slow machine shortens a run instead of failing it.
 * On a failure fast-check prints the seed and the shrunk counterexample; replay it with
 * FC_SEED=<seed> (and FC_PATH=<path>) in the environment.
 */
export function fuzz<T>(numRuns: number, timeLimitMs = 3000): Parameters<T> {
  const seed = process.env.FC_SEED;
  const path = process.env.FC_PATH;
  return {
    numRuns,
    interruptAfterTimeLimit: timeLimitMs,
    markInterruptAsFailure: false,
    ...(seed ? { seed: Number(seed) } : {}),
    ...(path ? { path } : {}),
  };
}

/**
 * Strings of arbitrary UTF-16 code units, lone surrogates included (fast-check's 'binary' unit
 * is whole code points, so it never makes one), with JSON's special characters favoured.
 */
export function codeUnitString(maxLength: number, minLength = 0): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 4, arbitrary: fc.nat(0xffff).map((c) => String.fromCharCode(c)) },
    { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '"', '\\', '\u0000', '\n', '\u2028', '{', '}', '[', ']', ',', ':') },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  );
  return fc.string({ unit, minLength, maxLength });
}
