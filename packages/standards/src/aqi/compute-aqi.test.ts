import { describe, expect, it } from 'vitest';
import { AQI_CATEGORIES, aqiCategory } from './aqi-category';
import { aqiVersionFor } from './aqi-version';
import { computeAqi } from './compute-aqi';
import { AqiInputError } from './compute-iaqi';

const daily2012 = { SO2_24h: 20, NO2_24h: 50, PM10_24h: 160, CO_24h: 1.2, O3_1h: 120, O3_8h: 100, PM25_24h: 80 };

describe('computeAqi (HJ 633-2012 / 2026 §4–5)', () => {
  it('takes the maximum IAQI, its category and the primary pollutant (2012 daily)', () => {
    const result = computeAqi({ version: 'HJ633-2012', report: 'daily', concentrations: daily2012 });
    // PM10 160 → 100 + 50 × 10/100 = 105; PM2.5 80 → 100 + 50 × 5/40 = 106.25 → 107
    expect(result.aqi).toBe(107);
    expect(result.category?.name).toBe('轻度污染');
    expect(result.primaryPollutants).toEqual(['PM2.5']);
    expect(result.exceedingPollutants).toEqual(['PM10', 'PM2.5']);
    expect(result.complete).toBe(true);
    expect(result.publishable).toBe(true);
  });

  it('rates the same day more severely under 2026 (PM breakpoints lowered) and drops O3 1 h', () => {
    const result = computeAqi({ version: 'HJ633-2026', report: 'daily', concentrations: daily2012 });
    // PM2.5 80 → 100 + 50 × 20/55 = 118.18 → 119; PM10 160 → 100 + 50 × 40/130 = 115.38 → 116
    expect(result.aqi).toBe(119);
    expect(result.iaqis.map((rated) => rated.indicator)).not.toContain('O3_1h');
    expect(result.exceedingPollutants).toBeNull();
  });

  it('chooses the version by the date of the data (China Standard Time)', () => {
    expect(aqiVersionFor('2026-02-28')).toBe('HJ633-2012');
    expect(aqiVersionFor('20260301000000')).toBe('HJ633-2026');
    expect(aqiVersionFor(new Date('2026-02-28T16:00:00Z'))).toBe('HJ633-2026');
    expect(aqiVersionFor(new Date('2026-02-28T15:59:59Z'))).toBe('HJ633-2012');
    expect(computeAqi({ date: '2026-03-01T00:00:00+08:00', report: 'daily', concentrations: daily2012 }).version).toBe('HJ633-2026');
    expect(() => computeAqi({ report: 'daily', concentrations: daily2012 })).toThrow(AqiInputError);
  });

  it('lists every pollutant tied at the maximum, and none when AQI ≤ 50', () => {
    const tie = computeAqi({ version: 'HJ633-2026', report: 'hourly', concentrations: { SO2_1h: 500, NO2_1h: 200, PM10_1h: 10, CO_1h: 1, O3_1h: 50, PM25_1h: 10 } });
    expect(tie.aqi).toBe(100);
    expect(tie.primaryPollutants).toEqual(['SO2', 'NO2']);
    const clean = computeAqi({ version: 'HJ633-2026', report: 'hourly', concentrations: { SO2_1h: 150, NO2_1h: 5, PM10_1h: 5, CO_1h: 0.2, O3_1h: 20, PM25_1h: 5 } });
    expect(clean.aqi).toBe(50);
    expect(clean.primaryPollutants).toEqual([]);
    expect(clean.category?.name).toBe('优');
  });

  it('2012 hourly: SO2 1 h above 800 is rated from the SO2 24 h mean', () => {
    const concentrations = { SO2_1h: 900, SO2_24h: 475, NO2_1h: 10, PM10_24h: 10, CO_1h: 1, O3_1h: 10, O3_8h: 10, PM25_24h: 10 };
    const result = computeAqi({ version: 'HJ633-2012', report: 'hourly', concentrations });
    expect(result.aqi).toBe(150);
    expect(result.primaryIndicators).toEqual(['SO2_24h']);
    const without = computeAqi({ version: 'HJ633-2012', report: 'hourly', concentrations: { ...concentrations, SO2_24h: null } });
    expect(without.missing).toEqual(['SO2_24h']);
    expect(without.publishable).toBe(false);
  });

  it('2012: O3 8 h above 800 leaves O3 to its 1 h IAQI; 2026 rates it 300', () => {
    const concentrations = { SO2_24h: 10, NO2_24h: 10, PM10_24h: 10, CO_24h: 0.5, O3_1h: 700, O3_8h: 850, PM25_24h: 10 };
    const old = computeAqi({ version: 'HJ633-2012', report: 'daily', concentrations });
    expect(old.aqi).toBe(275);
    expect(old.primaryIndicators).toEqual(['O3_1h']);
    expect(computeAqi({ version: 'HJ633-2026', report: 'daily', concentrations }).aqi).toBe(300);
  });

  it('2026 §5.3: with a pollutant missing, publish the AQI only above 100', () => {
    const base = { SO2_1h: 10, NO2_1h: 10, CO_1h: 0.5, O3_1h: 10, PM25_1h: 10 };
    const low = computeAqi({ version: 'HJ633-2026', report: 'hourly', concentrations: base });
    expect(low).toMatchObject({ missing: ['PM10_1h'], complete: false, publishable: false });
    const high = computeAqi({ version: 'HJ633-2026', report: 'hourly', concentrations: { ...base, PM25_1h: 120 } });
    expect(high).toMatchObject({ complete: false, publishable: true });
    expect(high.aqi).toBeGreaterThan(100);
  });

  it('ignores indicators the report does not use, so callers can pass a superset', () => {
    const result = computeAqi({ version: 'HJ633-2026', report: 'hourly', concentrations: { ...daily2012, SO2_1h: 10, NO2_1h: 10, PM10_1h: 10, CO_1h: 0.5, O3_1h: 10, PM25_1h: 10 } });
    expect(result.iaqis).toHaveLength(6);
    // PM2.5 1 h 10 µg/m³ on the 24 h table: ceil(50 × 10 / 35) = 15, the highest of the six.
    expect(result.aqi).toBe(15);
  });
});

describe('aqiCategory (HJ 633 table 2 / table 1, Appendix A)', () => {
  it.each([
    [0, '优', [0, 228, 0]],
    [50, '优', [0, 228, 0]],
    [51, '良', [255, 255, 0]],
    [100, '良', [255, 255, 0]],
    [101, '轻度污染', [255, 126, 0]],
    [150, '轻度污染', [255, 126, 0]],
    [151, '中度污染', [255, 0, 0]],
    [200, '中度污染', [255, 0, 0]],
    [201, '重度污染', [153, 0, 76]],
    [300, '重度污染', [153, 0, 76]],
    [301, '严重污染', [126, 0, 35]],
    [500, '严重污染', [126, 0, 35]],
  ])('AQI %i is %s', (aqi, name, rgb) => {
    expect(aqiCategory(aqi)).toMatchObject({ name, rgb });
  });

  it('has six contiguous levels', () => {
    expect(AQI_CATEGORIES.map((category) => category.level)).toEqual([1, 2, 3, 4, 5, 6]);
    AQI_CATEGORIES.slice(1).forEach((category, index) => expect(category.min).toBe(AQI_CATEGORIES[index]!.max! + 1));
  });
});
