import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLAY_OPTIONS, formatReplayReport, runEarlyWarningReplay } from './early-warning-replay';

/** Picks `name=value` figures of one set's block out of the printed report. */
function figures(report: string, set: string): Record<string, number> {
  const lines = report.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`[${set}]`));
  const block = lines.slice(start + 1, start + 3).join(' ');
  return Object.fromEntries([...block.matchAll(/(\w+)=([\d.]+)%?/g)].map(([, key, value]) => [key as string, Number(value)]));
}

describe('the early-warning replay', () => {
  // Two days (60 of hourly data) and two seeds keep the test quick; the README's figures come from the full run.
  const options = { ...DEFAULT_REPLAY_OPTIONS, days: 2, seeds: [11, 12], hourlyDays: 60 };
  const report = formatReplayReport(runEarlyWarningReplay(options), options);

  it('prints hit rate, false-alarm rate and lead times within the bounds the README states', () => {
    const drift = figures(report, 'simulator-drift');
    expect(drift.crossings).toBeGreaterThan(10);
    // Drifts: most crossings warned ≥ 10 min ahead, typically a quarter of an hour or more.
    expect(drift.hit_rate).toBeGreaterThanOrEqual(70);
    expect(drift.p50).toBeGreaterThanOrEqual(10);
    // Half the episodes are near misses built to tempt a trend model: false alarms exist but are not the rule.
    expect(drift.false_alarm_rate).toBeLessThanOrEqual(70);
    const yanhuDrift = figures(report, 'yanhu-drift');
    expect(yanhuDrift.hit_rate).toBeGreaterThanOrEqual(60);
    // Jumps cannot be foreseen: few hits, and the model stays quiet rather than guessing.
    const steps = figures(report, 'yanhu-steps');
    expect(steps.crossings).toBeGreaterThan(0);
    expect(steps.hit_rate).toBeLessThanOrEqual(20);
    expect(steps.warnings).toBeLessThanOrEqual(steps.crossings as number);
    // Hourly data, 6 h ahead: most drifts warned at least an hour ahead, false alarms not the rule.
    const hourly = figures(report, 'simulator-drift-hourly');
    expect(hourly.crossings).toBeGreaterThan(10);
    expect(hourly.hit_rate).toBeGreaterThanOrEqual(60);
    expect(hourly.false_alarm_rate).toBeLessThanOrEqual(60);
    expect(hourly.p50).toBeGreaterThanOrEqual(60);
  });

  it('prints figures that agree with each other', () => {
    for (const set of ['simulator-drift', 'yanhu-drift', 'yanhu-steps', 'simulator-drift-hourly', 'all-minute']) {
      const f = figures(report, set);
      expect(f.hits).toBeLessThanOrEqual(f.crossings as number);
      expect(f.false_alarms).toBeLessThanOrEqual(f.warnings as number);
      if ((f.crossings as number) > 0) expect(f.hit_rate).toBeCloseTo((100 * (f.hits as number)) / (f.crossings as number), 1);
    }
  });
});
