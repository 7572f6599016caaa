import type { ReplayedWarning } from './replay-series';

export interface EvaluationWindow {
  /** The warning horizon: a warning promises a crossing within this time of being raised. */
  readonly horizonMs: number;
  /** A crossing counts as warned only if a warning was already up this long before it. */
  readonly minLeadMs: number;
}

export interface WarningEvaluation {
  readonly crossings: number;
  /** Crossings with a warning up at least `minLeadMs` before them. */
  readonly hits: number;
  /** hits / crossings; null without crossings. */
  readonly hitRate: number | null;
  readonly warnings: number;
  /** Warnings with no crossing within the horizon after they were raised. */
  readonly falseAlarms: number;
  /** falseAlarms / warnings; null without warnings. */
  readonly falseAlarmRate: number | null;
  /** For every crossing that had a warning up before it (any lead): crossing time − raise time, in ms. */
  readonly leadTimesMs: readonly number[];
}

/** The warning up at `atMs` (raised at or before, not yet cleared), if any. A warning cleared because the limit was reached is still up until that instant. */
function warningUpAt(warnings: readonly ReplayedWarning[], atMs: number): ReplayedWarning | undefined {
  return warnings.find((warning) => warning.raisedAtMs <= atMs && (warning.clearedAtMs === null || warning.clearedAtMs > atMs || (warning.clearReason === 'limit_reached' && warning.clearedAtMs >= atMs)));
}

/**
 * Scores warnings against known crossings.
 * - A crossing at c is a **hit** when a warning was up at c − minLead; its lead time is c − that warning's raise time.
 * - A warning raised at r is a **false alarm** when no crossing falls in (r, r + horizon].
 * A warning raised too late (less than minLead before the crossing) is neither: the crossing is missed, the warning
 * was right. Crossings with any warning up just before them give the lead-time distribution.
 */
export function evaluateWarnings(crossingsMs: readonly number[], warnings: readonly ReplayedWarning[], window: EvaluationWindow): WarningEvaluation {
  let hits = 0;
  const leadTimesMs: number[] = [];
  for (const crossingMs of crossingsMs) {
    if (warningUpAt(warnings, crossingMs - window.minLeadMs)) hits += 1;
    const before = warningUpAt(warnings, crossingMs - 1);
    if (before) leadTimesMs.push(crossingMs - before.raisedAtMs);
  }
  const falseAlarms = warnings.filter((warning) => !crossingsMs.some((crossingMs) => crossingMs > warning.raisedAtMs && crossingMs <= warning.raisedAtMs + window.horizonMs)).length;
  return {
    crossings: crossingsMs.length,
    hits,
    hitRate: crossingsMs.length > 0 ? hits / crossingsMs.length : null,
    warnings: warnings.length,
    falseAlarms,
    falseAlarmRate: warnings.length > 0 ? falseAlarms / warnings.length : null,
    leadTimesMs,
  };
}

/** Adds up evaluations of several series (rates recomputed from the counts, not averaged). */
export function combineEvaluations(evaluations: readonly WarningEvaluation[]): WarningEvaluation {
  const crossings = evaluations.reduce((sum, item) => sum + item.crossings, 0);
  const hits = evaluations.reduce((sum, item) => sum + item.hits, 0);
  const warnings = evaluations.reduce((sum, item) => sum + item.warnings, 0);
  const falseAlarms = evaluations.reduce((sum, item) => sum + item.falseAlarms, 0);
  return {
    crossings,
    hits,
    hitRate: crossings > 0 ? hits / crossings : null,
    warnings,
    falseAlarms,
    falseAlarmRate: warnings > 0 ? falseAlarms / warnings : null,
    leadTimesMs: evaluations.flatMap((item) => item.leadTimesMs),
  };
}

export interface LeadTimeSummary {
  readonly count: number;
  readonly minMs: number | null;
  readonly p10Ms: number | null;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly maxMs: number | null;
}

/** Nearest-rank percentiles of the lead times. */
export function summarizeLeadTimes(leadTimesMs: readonly number[]): LeadTimeSummary {
  const sorted = leadTimesMs.slice().sort((a, b) => a - b);
  const rank = (percent: number): number | null => (sorted.length === 0 ? null : (sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)] as number));
  return { count: sorted.length, minMs: sorted[0] ?? null, p10Ms: rank(10), p50Ms: rank(50), p90Ms: rank(90), maxMs: sorted.at(-1) ?? null };
}
