import { describe, expect, it } from 'vitest';
import { DEFAULT_EARLY_WARNING_POLICY } from './early-warning-policy';
import { SeriesTracker, type ObserveOutcome } from './series-tracker';
import type { SeriesLimit } from './series-limit';
import { seededGaussian } from './testing/seeded-noise';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 1, 0, 0);

/** Feeds values a minute apart; answers the minute of the first raise and the minute the value first crossed. */
function drive(limit: SeriesLimit, values: number[]): { raisedAt: number | null; crossedAt: number | null; outcomes: ObserveOutcome[] } {
  const tracker = new SeriesTracker(limit, MINUTE, DEFAULT_EARLY_WARNING_POLICY);
  let raisedAt: number | null = null;
  let crossedAt: number | null = null;
  const outcomes = values.map((value, minute) => {
    const outcome = tracker.observe({ atMs: T0 + minute * MINUTE, value, observationId: `obs-${minute}` });
    if (outcome.kind === 'accepted' && outcome.transition.kind === 'raised' && raisedAt === null) raisedAt = minute;
    if (tracker.state.phase === 'exceeded' && crossedAt === null) crossedAt = minute;
    return outcome;
  });
  return { raisedAt, crossedAt, outcomes };
}

describe('SeriesTracker', () => {
  it('warns ahead of an upper limit (COD ≤ 20) when the series drifts towards it', () => {
    const noise = seededGaussian(1);
    const values = Array.from({ length: 200 }, (_, minute) => 12 + (minute < 60 ? 0 : 0.1 * (minute - 60)) + 0.3 * noise());
    const { raisedAt, crossedAt } = drive({ kind: 'upper', value: 20 }, values);
    expect(crossedAt).not.toBeNull();
    expect(raisedAt).not.toBeNull();
    expect((crossedAt as number) - (raisedAt as number)).toBeGreaterThanOrEqual(10);
  });

  it('warns ahead of a lower limit: DO sinking towards 5 mg/L', () => {
    const noise = seededGaussian(2);
    const values = Array.from({ length: 200 }, (_, minute) => 7.5 - (minute < 60 ? 0 : 0.03 * (minute - 60)) + 0.08 * noise());
    const { raisedAt, crossedAt } = drive({ kind: 'lower', value: 5 }, values);
    expect(crossedAt).not.toBeNull();
    expect((crossedAt as number) - (raisedAt as number)).toBeGreaterThanOrEqual(10);
  });

  it('warns on either side of a range: pH rising towards 9, and falling towards 6', () => {
    const noise = seededGaussian(3);
    const rising = Array.from({ length: 200 }, (_, minute) => 7.4 + (minute < 60 ? 0 : 0.02 * (minute - 60)) + 0.03 * noise());
    const falling = rising.map((value) => 14.8 - value); // the mirror image around 7.4
    for (const values of [rising, falling]) {
      const { raisedAt, crossedAt } = drive({ kind: 'range', low: 6, high: 9 }, values);
      expect(crossedAt).not.toBeNull();
      expect((crossedAt as number) - (raisedAt as number)).toBeGreaterThanOrEqual(10);
    }
  });

  it('stays quiet on a steady noisy series well inside its limit', () => {
    const noise = seededGaussian(4);
    const values = Array.from({ length: 600 }, () => 12 + 0.6 * noise());
    expect(drive({ kind: 'upper', value: 20 }, values).raisedAt).toBeNull();
  });

  it('forecasts nothing until it holds minPoints values', () => {
    const { outcomes } = drive({ kind: 'upper', value: 20 }, Array.from({ length: DEFAULT_EARLY_WARNING_POLICY.minPoints }, (_, minute) => 10 + 0.01 * minute));
    const forecasts = outcomes.map((outcome) => (outcome.kind === 'accepted' ? outcome.forecast !== null : false));
    expect(forecasts.indexOf(true)).toBe(DEFAULT_EARLY_WARNING_POLICY.minPoints - 1);
  });

  it('is idempotent by observation id, keeps late values out and starts afresh after a long gap', () => {
    const tracker = new SeriesTracker({ kind: 'upper', value: 20 }, MINUTE, DEFAULT_EARLY_WARNING_POLICY);
    expect(tracker.observe({ atMs: T0, value: 10, observationId: 'a' }).kind).toBe('accepted');
    expect(tracker.observe({ atMs: T0 + MINUTE, value: 11, observationId: 'b' }).kind).toBe('accepted');
    expect(tracker.observe({ atMs: T0 + MINUTE, value: 11, observationId: 'b' }).kind).toBe('duplicate');
    expect(tracker.observe({ atMs: T0 + 30_000, value: 12, observationId: 'c' }).kind).toBe('late');
    expect(tracker.points().map((point) => point.observationId)).toEqual(['a', 'b']);
    const afterGap = tracker.observe({ atMs: T0 + MINUTE + 6 * MINUTE, value: 12, observationId: 'd' });
    expect(afterGap).toMatchObject({ kind: 'accepted', windowRestarted: true });
    expect(tracker.points().map((point) => point.observationId)).toEqual(['d']);
  });

  it('keeps at most windowPoints values', () => {
    const tracker = new SeriesTracker({ kind: 'upper', value: 1e9 }, MINUTE, { ...DEFAULT_EARLY_WARNING_POLICY, windowPoints: 30 });
    for (let minute = 0; minute < 100; minute++) tracker.observe({ atMs: T0 + minute * MINUTE, value: minute, observationId: String(minute) });
    expect(tracker.points()).toHaveLength(30);
    expect(tracker.points()[0]?.observationId).toBe('70');
  });
});
