import type { DampedTrendParameters } from './damped-trend';
import type { EarlyWarningPolicy } from './early-warning-policy';
import { forecastSeries, type SeriesForecast } from './forecast-series';
import { isBeyondLimit, type SeriesLimit } from './series-limit';
import { nextWarningState, QUIET, type SeriesWarningState, type WarningTransition } from './warning-state';

export interface SeriesPoint {
  /** The reading's data time (epoch ms). */
  readonly atMs: number;
  readonly value: number;
  /** Where the value came from (the observation id on the readings topic), for idempotency and evidence. */
  readonly observationId: string;
}

export type ObserveOutcome =
  | { readonly kind: 'duplicate' }
  /** Older than the newest value: kept out of the window, which forecasts from the present. */
  | { readonly kind: 'late' }
  | { readonly kind: 'accepted'; readonly forecast: SeriesForecast | null; readonly transition: WarningTransition; readonly windowRestarted: boolean };

/**
 * One series (device × factor × data interval): its bounded window of recent values and its warning state. Pure:
 * the app stores what `observe` reports. Idempotent by observation id — a redelivered reading changes nothing.
 */
export class SeriesTracker {
  private window: SeriesPoint[];
  private warning: SeriesWarningState;
  private parameters: DampedTrendParameters | undefined;
  private readingsSinceFit = 0;

  constructor(
    readonly limit: SeriesLimit,
    /** The series' nominal interval: 60 000 for minute data, 3 600 000 for hourly data. */
    readonly stepMs: number,
    private readonly policy: EarlyWarningPolicy,
    restored?: { window: readonly SeriesPoint[]; state: SeriesWarningState },
  ) {
    this.window = restored ? restored.window.slice(-policy.windowPoints) : [];
    this.warning = restored?.state ?? QUIET;
  }

  get state(): SeriesWarningState {
    return this.warning;
  }

  /** The values the next forecast is fitted to, oldest first (a copy). */
  points(): SeriesPoint[] {
    return this.window.slice();
  }

  observe(point: SeriesPoint): ObserveOutcome {
    const last = this.window.at(-1);
    if (this.window.some((held) => held.observationId === point.observationId)) return { kind: 'duplicate' };
    if (last && point.atMs <= last.atMs) return { kind: 'late' };
    const windowRestarted = last !== undefined && point.atMs - last.atMs > this.policy.maxGapSteps * this.stepMs;
    if (windowRestarted) {
      this.window = [];
      this.parameters = undefined;
    }
    this.window.push(point);
    if (this.window.length > this.policy.windowPoints) this.window.splice(0, this.window.length - this.policy.windowPoints);
    const beyondNow = isBeyondLimit(this.limit, point.value);
    let forecast: SeriesForecast | null = null;
    if (!beyondNow && this.window.length >= this.policy.minPoints) {
      const refit = this.parameters === undefined || this.readingsSinceFit >= this.policy.refitEveryReadings;
      forecast = forecastSeries(
        this.window.map((held) => held.value),
        this.limit,
        this.policy,
        refit ? this.policy.fixedParameters : this.parameters,
      );
      if (refit) {
        this.parameters = { alpha: forecast.fit.alpha, beta: forecast.fit.beta, phi: forecast.fit.phi };
        this.readingsSinceFit = 0;
      }
      this.readingsSinceFit += 1;
    }
    const next = nextWarningState(this.warning, { beyondNow, maxProbability: forecast?.maxProbability ?? null }, this.policy);
    this.warning = next.state;
    return { kind: 'accepted', forecast, transition: next.transition, windowRestarted };
  }
}
