import type { EarlyWarningPolicy } from './early-warning-policy';
import type { SeriesLimit } from './series-limit';
import { SeriesTracker } from './series-tracker';
import type { ClearReason } from './warning-state';

/** A series with its known crossings (data times at which the value first went beyond the limit). */
export interface LabelledSeries {
  readonly id: string;
  readonly stepMs: number;
  readonly limit: SeriesLimit;
  readonly points: ReadonlyArray<{ readonly atMs: number; readonly value: number }>;
  readonly crossingsMs: readonly number[];
}

export interface ReplayedWarning {
  readonly raisedAtMs: number;
  readonly clearedAtMs: number | null;
  readonly clearReason: ClearReason | null;
  /** The step at which the mean forecast crossed when the warning was raised, if it did. */
  readonly expectedCrossingStep: number | null;
}

/** Runs the same tracker the service runs over a recorded series, reading by reading, and lists its warnings. */
export function replaySeries(series: LabelledSeries, policy: EarlyWarningPolicy): ReplayedWarning[] {
  const tracker = new SeriesTracker(series.limit, series.stepMs, policy);
  const warnings: ReplayedWarning[] = [];
  let open: { raisedAtMs: number; expectedCrossingStep: number | null } | null = null;
  for (const [index, point] of series.points.entries()) {
    const outcome = tracker.observe({ atMs: point.atMs, value: point.value, observationId: `${series.id}:${index}` });
    if (outcome.kind !== 'accepted') continue;
    if (outcome.transition.kind === 'raised') open = { raisedAtMs: point.atMs, expectedCrossingStep: outcome.forecast?.expectedCrossingStep ?? null };
    if (outcome.transition.kind === 'cleared' && open) {
      warnings.push({ ...open, clearedAtMs: point.atMs, clearReason: outcome.transition.reason });
      open = null;
    }
  }
  if (open) warnings.push({ ...open, clearedAtMs: null, clearReason: null });
  return warnings;
}
