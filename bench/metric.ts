/** One number a bench reports. `name` is the key in `npm run bench -- --json`. */
export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** The goal, for the table, e.g. '>= 0.8'. */
  goal?: string;
  note?: string;
}

export interface BenchModule {
  title: string;
  run(log: (line: string) => void): Promise<Metric[]>;
}
