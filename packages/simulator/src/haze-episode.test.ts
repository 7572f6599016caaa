import { describe, expect, it } from 'vitest';
import type { SimulatedDevice } from './device';
import { backfillReadings, hazeEpisodes, pastEpisodeHours, planHazeEpisode } from './haze-episode';
import { generateReadings, type BehaviourState } from './readings';
import { seededRandom } from './random';

const station = (mn: string, codes: string[]): SimulatedDevice => ({ mn, password: 'p', systemCode: '22', category: 'ambient_air', profile: '2017', factors: codes.map((code) => ({ code })) });

describe('the demo haze episode', () => {
  const start = Date.parse('2026-01-10T00:00:00Z');

  it('schedules PM2.5 on every air station that measures it, and on nothing else', () => {
    const devices = [station('AIR1', ['a34004', 'a34002']), station('AIR2', ['a05024']), { ...station('CEMS1', ['a34004']), category: 'flue_gas' as const }];
    expect(hazeEpisodes(devices, { startMs: start, durationMs: 3_600_000, multiple: 1.4 })).toEqual([{ mn: 'AIR1', code: 'a34004', startMs: start, durationMs: 3_600_000, multiple: 1.4 }]);
  });

  it('holds PM2.5 near 140 µg/m³ (an hourly AQI near 180) while it lasts', () => {
    const device = station('AIR1', ['a34004']);
    const state: BehaviourState = { exceedance: { code: 'a34004', untilMs: start + 3_600_000, multiple: 1.4 } };
    const values = Array.from({ length: 50 }, (_, index) => generateReadings(device, start + index * 60_000, 0, state, seededRandom(`haze-${index}`), { exceedanceProbability: 0, exceedanceDurationMs: 0, abnormalFlagProbability: 0 })[0]?.value ?? 0);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeGreaterThan(130);
    expect(mean).toBeLessThan(150);
  });

  it('back-fills only whole hours that have ended: from the first hour starting in the episode to the last one before now', () => {
    const HOUR = 3_600_000;
    expect(pastEpisodeHours({ startMs: start, durationMs: 10 * HOUR, multiple: 1.4 }, start + 3 * HOUR + 59 * 60_000)).toEqual([start, start + HOUR, start + 2 * HOUR]);
    expect(pastEpisodeHours({ startMs: start + 1, durationMs: 10 * HOUR, multiple: 1.4 }, start + 3 * HOUR)).toEqual([start + HOUR, start + 2 * HOUR]);
    // Ended before now: its own end bounds it. Not begun yet: nothing to back-fill.
    expect(pastEpisodeHours({ startMs: start, durationMs: 2 * HOUR, multiple: 1.4 }, start + 30 * HOUR)).toEqual([start, start + HOUR]);
    expect(planHazeEpisode([station('AIR1', ['a34004'])], { startMs: start + HOUR, durationMs: HOUR, multiple: 1.4 }, { nowMs: start, paceMs: 1_000 })).toEqual({
      episodes: [{ mn: 'AIR1', code: 'a34004', startMs: start + HOUR, durationMs: HOUR, multiple: 1.4 }],
      backfills: [],
    });
  });

  it('gives a back-filled hour the same values on every run, all flagged N, PM2.5 raised and PM10 as usual', () => {
    const device = station('AIR1', ['a34004', 'a34002']);
    const first = backfillReadings(device, start, { code: 'a34004', multiple: 1.4 }, 'yanhu');
    expect(backfillReadings(device, start, { code: 'a34004', multiple: 1.4 }, 'yanhu')).toEqual(first);
    expect(first.map((reading) => reading.flag)).toEqual(['N', 'N']);
    expect(first[0]?.value).toBeGreaterThan(120);
    expect(first[1]?.value).toBeLessThan(first[0]?.value ?? 0);
    expect(first[0]?.min).toBeLessThan(first[0]?.value ?? 0);
  });
});
