import type { Parameters } from 'fast-check';

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
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
  };
}
