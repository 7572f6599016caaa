import { describe, expect, it } from 'vitest';
import type { SimulatedDevice } from './device';
import { hazeEpisodes } from './haze-episode';
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
});
