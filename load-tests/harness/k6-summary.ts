import type { Histogram } from 'hdr-histogram-js';

/** The part of k6's end-of-test summary (`handleSummary` data) that thresholds and readers use. */
export interface K6Summary {
  state: { testRunDurationMs: number };
  options?: { summaryTrendStats?: string[] };
  metrics: Record<string, K6Metric>;
  /** Harness-only context; k6 has none. */
  harness?: Record<string, unknown>;
}

export interface K6Metric {
  type: 'trend' | 'rate' | 'counter' | 'gauge';
  contains: 'time' | 'default' | 'data';
  values: Record<string, number>;
}

/** A latency histogram recorded in microseconds, as a k6 trend in milliseconds. */
export function trendMetric(histogram: Histogram): K6Metric {
  const ms = (us: number): number => Math.round(us) / 1000;
  const empty = histogram.totalCount === 0;
  return {
    type: 'trend',
    contains: 'time',
    values: {
      avg: empty ? 0 : ms(histogram.mean),
      min: empty ? 0 : ms(histogram.minNonZeroValue),
      med: ms(histogram.getValueAtPercentile(50)),
      max: ms(histogram.maxValue),
      'p(90)': ms(histogram.getValueAtPercentile(90)),
      'p(95)': ms(histogram.getValueAtPercentile(95)),
      'p(99)': ms(histogram.getValueAtPercentile(99)),
      'p(99.9)': ms(histogram.getValueAtPercentile(99.9)),
    },
  };
}

/** k6 `rate` metrics: the share of true values (`passes`) among all. */
export function rateMetric(passes: number, fails: number): K6Metric {
  const total = passes + fails;
  return { type: 'rate', contains: 'default', values: { rate: total === 0 ? 0 : passes / total, passes, fails } };
}

export function counterMetric(count: number, seconds: number): K6Metric {
  return { type: 'counter', contains: 'default', values: { count, rate: seconds > 0 ? count / seconds : 0 } };
}
