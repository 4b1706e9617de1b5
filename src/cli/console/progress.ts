/**
 * A progress bar in one line, hand-written rather than cli-progress: the console needs one bar at
 * a time, on a real terminal or a dumb one (a serial console, `script`, a pipe), and twenty lines
 * do that without a dependency. On a terminal that can move the cursor back (\r) the bar is
 * redrawn in place, at most every 100 ms; elsewhere (TERM=dumb, not a TTY) it prints a line at
 * each tenth, so a log of the session stays readable.
 */
export interface ProgressBar {
  update(done: number, total: number): void;
  /** Draws the final state and ends the line. */
  finish(note?: string): void;
}

export interface ProgressTarget {
  write(text: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 30;

export function progressBar(label: string, target: ProgressTarget, options: { live?: boolean; clock?: () => number } = {}): ProgressBar {
  const live = options.live ?? (target.isTTY === true && process.env.TERM !== 'dumb');
  const clock = options.clock ?? Date.now;
  let lastDrawn = -Infinity;
  let lastTenth = -1;
  let last = { done: 0, total: 0 };
  const line = (done: number, total: number): string => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total}`;
  };
  return {
    update(done, total) {
      last = { done, total };
      if (live) {
        if (clock() - lastDrawn < 100) return;
        lastDrawn = clock();
        target.write(`\r${line(done, total)}`);
        return;
      }
      const tenth = total > 0 ? Math.floor((Math.min(done, total) / total) * 10) : 10;
      if (tenth > lastTenth && tenth < 10) {
        lastTenth = tenth;
        target.write(`${line(done, total)}\n`);
      }
    },
    finish(note) {
      target.write(`${live ? '\r' : ''}${line(last.total > 0 ? last.done : 1, last.total > 0 ? last.total : 1)}${note ? ` ${note}` : ''}\n`);
    },
  };
}
