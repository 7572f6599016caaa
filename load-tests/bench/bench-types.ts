/** One measured figure. `baseline` names another metric of the same run that this one is compared with. */
export interface BenchMetric {
  value: number;
  unit: string;
  baseline?: string;
  /** What was measured and how, in one line, for BENCHMARKS.md. */
  note?: string;
  /** A target from an issue or the SLO file, for the readable table (e.g. ">= 300000"). */
  target?: string;
}

export type BenchMetrics = Record<string, BenchMetric>;

/** A bench module exports a default `run` that measures and returns its figures; it must stop by itself. */
export interface BenchModule {
  title: string;
  /** Infrastructure the bench needs; benches whose needs are unmet fail loudly instead of being skipped. */
  needs?: Array<'kafka' | 'redis' | 'postgres'>;
  /** `earlier` holds the figures measured so far (this run's, then the previous run's for a filtered run). */
  run(earlier: BenchMetrics): Promise<BenchMetrics>;
}
