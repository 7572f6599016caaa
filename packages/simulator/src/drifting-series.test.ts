import { describe, expect, it } from 'vitest';
import { generateDriftingSeries, type DriftingSeriesOptions } from './drifting-series';

const base: DriftingSeriesOptions = { category: 'water', code: 'w01018', limit: 20, direction: 'upper', startMs: Date.UTC(2026, 10, 30, 16), stepMs: 60_000, steps: 2 * 1_440, seed: 'test' };

describe('generateDriftingSeries', () => {
  it('is reproducible from its seed', () => {
    expect(generateDriftingSeries(base)).toEqual(generateDriftingSeries(base));
    expect(generateDriftingSeries({ ...base, seed: 'other' }).points).not.toEqual(generateDriftingSeries(base).points);
  });

  it('plans non-overlapping crossing and near-miss episodes, episodesPerDay of them', () => {
    const { episodes, points } = generateDriftingSeries({ ...base, episodesPerDay: 4 });
    expect(points).toHaveLength(2 * 1_440);
    expect(episodes).toHaveLength(8);
    for (const [index, episode] of episodes.entries()) {
      expect(episode.startMs).toBeLessThan(episode.peakMs);
      expect(episode.peakMs).toBeLessThanOrEqual(episode.holdUntilMs);
      expect(episode.holdUntilMs).toBeLessThan(episode.endMs);
      if (index > 0) expect(episode.startMs).toBeGreaterThanOrEqual(episodes[index - 1]?.endMs ?? 0);
      if (episode.kind === 'crossing') expect(episode.peakValue).toBeGreaterThan(20);
      else expect(episode.peakValue).toBeLessThan(20);
    }
  });

  it('labels each crossing at a value beyond the limit that follows rearmReadings values within it', () => {
    for (const options of [base, { ...base, code: 'w01009', limit: 5, direction: 'lower' as const }]) {
      const { points, crossingsMs, episodes } = generateDriftingSeries({ ...options, rearmReadings: 10 });
      const beyond = (value: number): boolean => (options.direction === 'upper' ? value > options.limit : value < options.limit);
      expect(crossingsMs.length).toBeGreaterThanOrEqual(episodes.filter((episode) => episode.kind === 'crossing').length);
      for (const crossingMs of crossingsMs) {
        const index = points.findIndex((point) => point.atMs === crossingMs);
        expect(beyond(points[index]?.value ?? Number.NaN)).toBe(true);
        const before = points.slice(Math.max(0, index - 10), index);
        expect(before.every((point) => !beyond(point.value))).toBe(true);
      }
    }
  });

  it('drifts: in a crossing episode the values climb towards the peak rather than jumping', () => {
    const { points, episodes } = generateDriftingSeries(base);
    const episode = episodes.find((item) => item.kind === 'crossing');
    expect(episode).toBeDefined();
    const ramp = points.filter((point) => point.atMs >= (episode?.startMs ?? 0) && point.atMs < (episode?.peakMs ?? 0));
    const third = Math.floor(ramp.length / 3);
    const mean = (list: typeof ramp): number => list.reduce((sum, point) => sum + point.value, 0) / list.length;
    expect(mean(ramp.slice(-third))).toBeGreaterThan(mean(ramp.slice(0, third)));
  });
});
