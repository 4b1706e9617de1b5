import { pathToFileURL } from 'node:url';

/** One number a bench reports. `name` is the key in `npm run bench -- --json`. */
export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** The issue's goal, for the table, e.g. '>= 0.8'. */
  goal?: string;
  note?: string;
}

export interface BenchModule {
  title: string;
  run(log: (line: string) => void): Promise<Metric[]>;
}

/**
 * Runs a bench module on its own when its file is the program (`node dist/bench/tap.js`), printing
 * its lines and then its metrics; exits when done, whatever handles the bench left open.
 */
export function runWhenMain(bench: BenchModule, moduleUrl: string): void {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  bench
    .run((line) => console.log(line))
    .then((metrics) => {
      for (const m of metrics) console.log(`${m.name.padEnd(44)} ${m.value.toFixed(3).padStart(9)} ${m.unit}${m.goal ? `  (goal ${m.goal})` : ''}${m.note ? `  ${m.note}` : ''}`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
