export interface ScenarioSlo {
  description?: string;
  /** Offered arrival rate, per second. */
  rate: number;
  duration_s: number;
  /** Requests allowed in flight (k6 maxVUs); beyond it an iteration is dropped. */
  max_in_flight: number;
  connections?: number;
  p99_ms: number;
  error_rate: number;
}
export type Slo = Record<string, ScenarioSlo>;
export declare const SCENARIO_METRICS: Record<string, { duration: string; failed: string; failedKind: 'rate_failed' | 'rate_passed' }>;
export declare function thresholdsFor(slo: Slo, scenario: string): Record<string, string[]>;
export declare const SUMMARY_TREND_STATS: string[];
