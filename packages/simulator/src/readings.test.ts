import { describe, expect, it } from 'vitest';
import type { SimulatedDevice } from './device';
import { conversionFactor, generateReadings, type BehaviourOptions, type BehaviourState } from './readings';
import { seededRandom } from './random';

const CEMS: SimulatedDevice = {
  mn: 'CEMS0001',
  password: '123456',
  systemCode: '31',
  category: 'flue_gas',
  profile: '2017',
  factors: [
    { code: 'a21026', limit: 35, limitOnConverted: true },
    { code: 'a21002', limit: 50, limitOnConverted: true },
    { code: 'a34013', limit: 10, limitOnConverted: true },
    { code: 'a19001' },
    { code: 'a01012' },
  ],
};
const QUIET: BehaviourOptions = { exceedanceProbability: 0, exceedanceDurationMs: 600_000, abnormalFlagProbability: 0 };
const t0 = Date.UTC(2026, 10, 29, 2, 0, 0);

describe('generateReadings', () => {
  it('keeps a compliant CEMS under its converted limits for a day of 30-second samples, all flagged N', () => {
    const random = seededRandom(1);
    const state: BehaviourState = {};
    for (let index = 0; index < 2_880; index++) {
      const readings = generateReadings(CEMS, t0 + index * 30_000, 0, state, random, QUIET);
      for (const reading of readings) {
        expect(reading.flag).toBe('N');
        const limit = CEMS.factors.find((factor) => factor.code === reading.code)?.limit;
        if (limit !== undefined) expect(reading.converted ?? reading.value).toBeLessThan(limit);
      }
    }
  });

  it('reports converted values for stack pollutants from the measured O2, not for O2 or temperature', () => {
    const [so2, , , o2, temperature] = generateReadings(CEMS, t0, 0, {}, seededRandom(2), QUIET);
    expect(so2?.converted).toBeCloseTo((so2?.value ?? 0) * conversionFactor(o2?.value ?? 0), 9);
    expect(o2?.converted).toBeUndefined();
    expect(temperature?.converted).toBeUndefined();
  });

  it('starts an exceedance episode above the permit limit that lasts its duration and then ends', () => {
    const state: BehaviourState = {};
    const random = seededRandom(3);
    const options = { ...QUIET, exceedanceProbability: 1 };
    const first = generateReadings(CEMS, t0, 0, state, random, options);
    const episode = state.exceedance;
    expect(episode).toBeDefined();
    const limit = CEMS.factors.find((factor) => factor.code === episode?.code)?.limit ?? 0;
    const exceeding = first.find((reading) => reading.code === episode?.code);
    expect(exceeding?.converted).toBeGreaterThan(limit);
    const during = generateReadings(CEMS, t0 + 300_000, 0, state, random, QUIET);
    expect(during.find((reading) => reading.code === episode?.code)?.converted).toBeGreaterThan(limit);
    generateReadings(CEMS, t0 + 600_000, 0, state, random, QUIET);
    expect(state.exceedance).toBeUndefined();
  });

  it('keeps a toxic-gas monitor under its registered H2S, NH3 and Cl2 limits for a day, and an H2S episode above', () => {
    const monitor: SimulatedDevice = {
      ...CEMS,
      systemCode: '22',
      category: 'ambient_air',
      factors: [
        { code: 'a21028', limit: 0.06 },
        { code: 'a21001', limit: 1.5 },
        { code: 'a21022', limit: 0.4 },
      ],
    };
    const random = seededRandom(11);
    for (let index = 0; index < 1_440; index++) {
      for (const reading of generateReadings(monitor, t0 + index * 60_000, 0, {}, random, QUIET)) {
        expect(reading.value).toBeGreaterThan(0);
        expect(reading.value).toBeLessThan(monitor.factors.find((factor) => factor.code === reading.code)?.limit ?? 0);
        expect(reading.decimals).toBeGreaterThanOrEqual(3);
      }
    }
    const state: BehaviourState = { exceedance: { code: 'a21028', untilMs: t0 + 600_000, multiple: 3 } };
    const [h2s] = generateReadings(monitor, t0, 0, state, random, QUIET);
    expect(h2s?.value).toBeGreaterThan(0.06 * 2.5);
  });

  it('gives an air station without limits a pollution episode well above its usual level instead', () => {
    const station: SimulatedDevice = { ...CEMS, category: 'ambient_air', factors: [{ code: 'a34004' }] };
    const normal = generateReadings(station, t0, 0, {}, seededRandom(4), QUIET)[0]?.value ?? 0;
    const episode = generateReadings(station, t0, 0, {}, seededRandom(4), { ...QUIET, exceedanceProbability: 1 })[0]?.value ?? 0;
    expect(episode).toBeGreaterThan(normal * 1.8);
  });

  it('flags one factor M, C, D or T when an abnormal flag is due', () => {
    const seen = new Set<string>();
    const random = seededRandom(5);
    for (let index = 0; index < 400; index++) {
      const readings = generateReadings(CEMS, t0 + index * 30_000, 0, {}, random, { ...QUIET, abnormalFlagProbability: 1 });
      const abnormal = readings.filter((reading) => reading.flag !== 'N');
      expect(abnormal).toHaveLength(1);
      seen.add(abnormal[0]?.flag ?? '');
    }
    expect([...seen].sort()).toEqual(['C', 'D', 'M', 'T']);
  });

  it('gives interval uploads a minimum below and a maximum above the average', () => {
    for (const reading of generateReadings(CEMS, t0, 3_600_000, {}, seededRandom(6), QUIET)) {
      expect(reading.min).toBeLessThanOrEqual(reading.value);
      expect(reading.max).toBeGreaterThanOrEqual(reading.value);
    }
  });
});
