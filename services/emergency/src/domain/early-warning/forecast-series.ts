import { fitDampedTrend, forecastDampedTrend, type DampedTrendFit, type DampedTrendParameters } from './damped-trend';
import type { EarlyWarningPolicy } from './early-warning-policy';
import { standardNormalQuantile } from './normal-distribution';
import { probabilityBeyondLimit, type SeriesLimit } from './series-limit';

export interface ForecastPoint {
  readonly step: number;
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  /** P(the value at this step is beyond the limit). */
  readonly probabilityBeyond: number;
}

/** A series' forecast over the horizon, judged against its limit: what the evidence of a warning holds. */
export interface SeriesForecast {
  readonly fit: DampedTrendFit;
  readonly points: readonly ForecastPoint[];
  /** The highest per-step probability within the horizon. */
  readonly maxProbability: number;
  /** The first step whose probability reaches 0.5 (the mean forecast crosses), or null. */
  readonly expectedCrossingStep: number | null;
}

/**
 * Fits the damped trend to `values` (oldest first, equally spaced) — searching its parameters, or with the
 * `parameters` of an earlier search — and forecasts the policy's horizon with a
 * `bandLevel` band. Warning on the per-step maximum rather than the probability of any crossing along the path
 * keeps the rule explainable: "at 14:20 the forecast is 21.3 (band 19.8–22.9) against ≤ 20".
 */
export function forecastSeries(values: readonly number[], limit: SeriesLimit, policy: EarlyWarningPolicy, parameters?: DampedTrendParameters): SeriesForecast {
  const fit = fitDampedTrend(values, parameters ? { fixed: parameters } : { selectionSteps: policy.selectionSteps });
  const z = standardNormalQuantile(0.5 + policy.bandLevel / 2);
  let maxProbability = 0;
  let expectedCrossingStep: number | null = null;
  const points = forecastDampedTrend(fit, policy.horizonSteps).map((step): ForecastPoint => {
    const probabilityBeyond = probabilityBeyondLimit(limit, step.mean, step.standardDeviation);
    if (probabilityBeyond > maxProbability) maxProbability = probabilityBeyond;
    if (expectedCrossingStep === null && probabilityBeyond >= 0.5) expectedCrossingStep = step.step;
    return {
      step: step.step,
      mean: step.mean,
      lower: step.mean - z * step.standardDeviation,
      upper: step.mean + z * step.standardDeviation,
      probabilityBeyond,
    };
  });
  return { fit, points, maxProbability, expectedCrossingStep };
}
