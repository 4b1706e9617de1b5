/** How long the second round may wait for input already on its way (a serial read in libuv's thread pool). */
const SETTLE_MS = 2;

/**
 * Calls `then` once the input that was already waiting when this was called has been delivered.
 * Node runs expired timers before it reads what arrived while the loop was busy (the timers
 * phase comes before the poll phase), so a deadline timer that fires after a stall fires ahead
 * of the input the device sent during the stall. Two rounds of I/O go by first: the check phase
 * after one poll phase, then a short timer, during which the poll phase can wait for a read in
 * flight, and the check phase after the poll phase that follows it. Returns a cancel function.
 */
export function afterWaitingInput(then: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let immediate = setImmediate(() => {
    timer = setTimeout(() => {
      immediate = setImmediate(then);
    }, SETTLE_MS);
  });
  return () => {
    clearImmediate(immediate);
    clearTimeout(timer);
  };
}
