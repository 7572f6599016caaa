/**
 * Holt's linear trend with a damped trend (Gardner & McKenzie 1985; ETS(A,Ad,N) in Hyndman et al. 2008), fitted
 * to a series' recent, equally spaced values.
 *
 * Why this model: a pollutant drifting towards a limit (a slowly failing treatment step, a spreading plume, DO
 * sinking through an afternoon) is a level plus a local trend; Holt's method follows both with two smoothing
 * weights and needs no seasonality or training set. Damping (φ < 1) keeps a trend from being extrapolated
 * unchecked over a long horizon, which is what makes plain Holt raise false alarms on a short upswing. Its
 * state-space form gives the h-step forecast variance in closed form, so the error band comes from the
 * one-step residuals of the same fit (a prediction interval, not a confidence interval of the mean).
 */

export interface DampedTrendParameters {
  /** Level smoothing weight, 0 < α < 1. */
  readonly alpha: number;
  /** Trend smoothing weight in the error-correction form (β = α·β*), 0 ≤ β ≤ α. */
  readonly beta: number;
  /** Trend damping, 0 < φ ≤ 1 (1 = Holt's undamped linear trend). */
  readonly phi: number;
}

export interface DampedTrendFit extends DampedTrendParameters {
  /** Level at the last value. */
  readonly level: number;
  /** Trend per step at the last value. */
  readonly trend: number;
  /** Standard deviation of the one-step-ahead residuals. */
  readonly sigma: number;
  /** Values the fit used. */
  readonly points: number;
}

export interface ForecastStep {
  /** Steps ahead of the last value (1 = the next value). */
  readonly step: number;
  readonly mean: number;
  /** Standard deviation of the h-step forecast error. */
  readonly standardDeviation: number;
}

/** α, β* and φ tried by `fitDampedTrend`; a coarse grid is enough for a warning and costs ~90 passes over ≤ a few hundred values. */
const ALPHAS = [0.1, 0.2, 0.35, 0.5, 0.7, 0.9] as const;
const BETA_STARS = [0.02, 0.05, 0.1, 0.2, 0.4] as const;
const PHIS = [0.9, 0.95, 0.98, 1] as const;

/** Values before this index only initialise the state; their residuals are left out of the fit and of σ. */
const BURN_IN = 2;

export const MIN_FIT_POINTS = 6;

interface Pass {
  /** Squared one-step-ahead errors (for σ). */
  sse: number;
  residuals: number;
  /** Squared `selectionSteps`-ahead errors (for choosing the parameters). */
  selectionSse: number;
  level: number;
  trend: number;
}

function initialTrend(values: readonly number[]): number {
  const span = Math.min(4, values.length - 1);
  return span > 0 ? ((values[span] as number) - (values[0] as number)) / span : 0;
}

function runPass(values: readonly number[], alpha: number, beta: number, phi: number, selectionSteps: number): Pass {
  let level = values[0] as number;
  let trend = initialTrend(values);
  let dampedSum = 0;
  for (let step = 1, power = 1; step <= selectionSteps; step++) dampedSum += power *= phi;
  // The forecasts made `selectionSteps` ago for the value now: a ring of the states they were made from.
  const levels = new Float64Array(selectionSteps);
  const trends = new Float64Array(selectionSteps);
  let sse = 0;
  let residuals = 0;
  let selectionSse = 0;
  for (let index = 1; index < values.length; index++) {
    const value = values[index] as number;
    const predicted = level + phi * trend;
    const error = value - predicted;
    if (index >= BURN_IN) {
      sse += error * error;
      residuals += 1;
    }
    const slot = index % selectionSteps;
    if (index > selectionSteps + BURN_IN) {
      const selectionError = value - ((levels[slot] as number) + dampedSum * (trends[slot] as number));
      selectionSse += selectionError * selectionError;
    }
    level = predicted + alpha * error;
    trend = phi * trend + beta * error;
    levels[slot] = level;
    trends[slot] = trend;
  }
  return { sse, residuals, selectionSse: selectionSteps === 1 ? sse : selectionSse, level, trend };
}

export interface FitOptions {
  /** Use these parameters instead of searching the grid. */
  readonly fixed?: DampedTrendParameters;
  /**
   * Choose the parameters by the squared error of forecasts this many steps ahead (default 1, the classical
   * one-step fit). One-step errors hardly tell φ = 0.9 from φ = 1, yet over an hour's horizon they differ by a
   * factor of six in how far a trend is carried; judging the fit at the distance it is used for settles that.
   */
  readonly selectionSteps?: number;
}

/**
 * Fits α, β and φ over a small grid by least squares of the `selectionSteps`-ahead errors, then returns the final
 * state and the standard deviation of the one-step residuals (divided by their count − 3 for the fitted
 * parameters, at least 1). Throws on fewer than `MIN_FIT_POINTS` values: a trend from three points is noise.
 */
export function fitDampedTrend(values: readonly number[], options: FitOptions = {}): DampedTrendFit {
  if (values.length < MIN_FIT_POINTS) throw new RangeError(`a damped-trend fit needs at least ${MIN_FIT_POINTS} values, got ${values.length}`);
  const fixed = options.fixed;
  // Selection needs some k-step errors to compare; on a short window it falls back towards one step.
  const selectionSteps = Math.max(1, Math.min(options.selectionSteps ?? 1, Math.floor((values.length - BURN_IN) / 3)));
  let best: (Pass & DampedTrendParameters) | undefined;
  const candidates: DampedTrendParameters[] = fixed
    ? [fixed]
    : ALPHAS.flatMap((alpha) => BETA_STARS.flatMap((betaStar) => PHIS.map((phi) => ({ alpha, beta: alpha * betaStar, phi }))));
  for (const candidate of candidates) {
    const pass = runPass(values, candidate.alpha, candidate.beta, candidate.phi, selectionSteps);
    if (!best || pass.selectionSse < best.selectionSse) best = { ...pass, ...candidate };
  }
  const chosen = best as Pass & DampedTrendParameters;
  const degreesOfFreedom = Math.max(1, chosen.residuals - (fixed ? 0 : 3));
  return {
    alpha: chosen.alpha,
    beta: chosen.beta,
    phi: chosen.phi,
    level: chosen.level,
    trend: chosen.trend,
    sigma: Math.sqrt(chosen.sse / degreesOfFreedom),
    points: values.length,
  };
}

/**
 * Forecasts 1…`steps` ahead: mean ℓ + (φ + … + φʰ)·b, variance σ²·(1 + Σⱼ₌₁ʰ⁻¹ (α + β·(φ + … + φʲ))²)
 * (Hyndman et al. 2008, table 6.1, class 1).
 */
export function forecastDampedTrend(fit: DampedTrendFit, steps: number): ForecastStep[] {
  const forecast: ForecastStep[] = [];
  let dampedSum = 0;
  let power = 1;
  let varianceFactor = 1;
  for (let step = 1; step <= steps; step++) {
    power *= fit.phi;
    const previousDampedSum = dampedSum;
    dampedSum += power;
    if (step > 1) {
      const weight = fit.alpha + fit.beta * previousDampedSum;
      varianceFactor += weight * weight;
    }
    forecast.push({ step, mean: fit.level + dampedSum * fit.trend, standardDeviation: fit.sigma * Math.sqrt(varianceFactor) });
  }
  return forecast;
}
