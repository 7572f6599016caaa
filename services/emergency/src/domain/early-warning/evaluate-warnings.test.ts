import { describe, expect, it } from 'vitest';
import { DEFAULT_EARLY_WARNING_POLICY } from './early-warning-policy';
import { combineEvaluations, evaluateWarnings, summarizeLeadTimes } from './evaluate-warnings';
import { replaySeries, type ReplayedWarning } from './replay-series';

const MIN = 60_000;
const window = { horizonMs: 60 * MIN, minLeadMs: 10 * MIN };
const warning = (raisedMin: number, clearedMin: number | null, reason: ReplayedWarning['clearReason'] = clearedMin === null ? null : 'forecast_recovered'): ReplayedWarning => ({
  raisedAtMs: raisedMin * MIN,
  clearedAtMs: clearedMin === null ? null : clearedMin * MIN,
  clearReason: reason,
  expectedCrossingStep: null,
});

describe('evaluateWarnings on constructed warnings', () => {
  // Crossings at minutes 100, 300, 500, 700. Warnings:
  //   A raised 70, cleared at the crossing (limit reached) 100 → hit, lead 30; a crossing within 60 min: not false.
  //   B raised 295, cleared 300 (limit reached) → raised 5 min ahead: crossing 300 missed; B is not a false alarm.
  //   C raised 400, cleared 420 → no crossing in (400, 460]: false alarm.
  //   D raised 420, still up at 500 → hit (up at 490), lead 80; but 500 is beyond 420 + 60: D is also a false alarm.
  //   Crossing 700: no warning → missed.
  const crossings = [100, 300, 500, 700].map((minute) => minute * MIN);
  const warnings = [warning(70, 100, 'limit_reached'), warning(295, 300, 'limit_reached'), warning(400, 420), warning(420, 500, 'limit_reached')];

  it('counts hits, misses, false alarms and lead times by their definitions', () => {
    const result = evaluateWarnings(crossings, warnings, window);
    expect(result).toMatchObject({ crossings: 4, hits: 2, hitRate: 0.5, warnings: 4, falseAlarms: 2, falseAlarmRate: 0.5 });
    expect(result.leadTimesMs.map((ms) => ms / MIN)).toEqual([30, 5, 80]);
  });

  it('needs the lead: the same warnings with a 40-minute minimum lead hit only crossing 500', () => {
    expect(evaluateWarnings(crossings, warnings, { ...window, minLeadMs: 40 * MIN })).toMatchObject({ hits: 1, hitRate: 0.25 });
  });

  it('answers null rates when there is nothing to divide by', () => {
    expect(evaluateWarnings([], [], window)).toMatchObject({ hitRate: null, falseAlarmRate: null, leadTimesMs: [] });
  });

  it('adds series up by counts, not by averaging rates', () => {
    const first = evaluateWarnings(crossings, warnings, window);
    const second = evaluateWarnings([10 * MIN], [], window);
    expect(combineEvaluations([first, second])).toMatchObject({ crossings: 5, hits: 2, hitRate: 0.4, warnings: 4, falseAlarms: 2, falseAlarmRate: 0.5 });
  });

  it('summarises lead times by nearest rank', () => {
    expect(summarizeLeadTimes([5, 1, 4, 2, 3, 10, 9, 8, 7, 6])).toEqual({ count: 10, minMs: 1, p10Ms: 1, p50Ms: 5, p90Ms: 9, maxMs: 10 });
    expect(summarizeLeadTimes([])).toMatchObject({ count: 0, p50Ms: null });
  });
});

describe('replaySeries + evaluateWarnings on a constructed series', () => {
  it('scores a series whose answer follows from its construction: one slow drift over the limit, one flat stretch', () => {
    // Flat at 10 for 3 h, then +0.1/min: the limit 20 is crossed at minute 180 + 101 = 281 (20.1 > 20).
    // A drift of 0.1/min is visible long before; the flat stretch gives nothing to warn about.
    const values = Array.from({ length: 400 }, (_, minute) => (minute < 180 ? 10 : 10 + 0.1 * (minute - 180)));
    const points = values.map((value, minute) => ({ atMs: minute * MIN, value }));
    const crossedMinute = values.findIndex((value) => value > 20);
    expect(crossedMinute).toBe(281);
    const series = { id: 'constructed', stepMs: MIN, limit: { kind: 'upper' as const, value: 20 }, points, crossingsMs: [crossedMinute * MIN] };
    const warnings = replaySeries(series, DEFAULT_EARLY_WARNING_POLICY);
    expect(warnings).toHaveLength(1);
    const [only] = warnings;
    expect(only?.clearReason).toBe('limit_reached');
    expect(only?.clearedAtMs).toBe(crossedMinute * MIN);
    const result = evaluateWarnings(series.crossingsMs, warnings, window);
    expect(result).toMatchObject({ crossings: 1, hits: 1, hitRate: 1, warnings: 1, falseAlarms: 0, falseAlarmRate: 0 });
    // The lead is the time from the raise to the crossing, at least the required 10 min, at most the horizon.
    expect(result.leadTimesMs[0]).toBe(crossedMinute * MIN - (only?.raisedAtMs ?? 0));
    expect(result.leadTimesMs[0]).toBeGreaterThanOrEqual(10 * MIN);
    expect(result.leadTimesMs[0]).toBeLessThanOrEqual(60 * MIN);
  });
});
