import { Uses } from '../behaviours/behaviour-stack.js';
import type { GpioBehaviour } from './behaviour.js';

/** Behaviours a test puts in front of the GPIO twin to make it misbehave. */
export const gpioFaults = {
  /** The next `times` digitalWrite calls on `pin` throw, as a flaky plugin's would. */
  failWrites(pin: number, times = 1): GpioBehaviour {
    const uses = new Uses(times, 'failWrites');
    return {
      name: `fail ${times} write(s) on pin ${pin}`,
      get spent() {
        return uses.spent;
      },
      onWrite(_twin, write) {
        if (write.pin !== pin || !uses.take()) return undefined;
        throw new Error(`GPIO twin: simulated write failure on pin ${pin}`);
      },
    };
  },

  /** An input reads `level` whatever its switch does (shorted, or broken open with a pull), until removed. */
  stuckInput(pin: number, level: 0 | 1): GpioBehaviour {
    return { name: `pin ${pin} stuck at ${level}`, onInputLevel: (_twin, at) => (at === pin ? level : undefined) };
  },
};
