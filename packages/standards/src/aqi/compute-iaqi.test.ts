import { describe, expect, it } from 'vitest';
import { type AqiIndicator, type AqiVersion } from './aqi-types';
import { breakpointsFor, IAQI_LEVELS } from './breakpoints';
import { AqiInputError, computeIaqi } from './compute-iaqi';

const VERSIONS: AqiVersion[] = ['HJ633-2012', 'HJ633-2026'];
const INDICATORS: AqiIndicator[] = ['SO2_1h', 'SO2_24h', 'NO2_1h', 'NO2_24h', 'PM10_1h', 'PM10_24h', 'PM25_1h', 'PM25_24h', 'CO_1h', 'CO_24h', 'O3_1h', 'O3_8h'];
const rated = (indicator: AqiIndicator, version: AqiVersion): boolean => breakpointsFor(indicator, version) !== null;

/** The input grid of the standard's precision: 1 µg/m³, and 0.1 mg/m³ for CO. */
const stepOf = (indicator: AqiIndicator): { tenths: boolean } => ({ tenths: indicator.startsWith('CO') });

describe('computeIaqi: breakpoint tables (HJ 633-2012 table 1, HJ 633-2026 table 3)', () => {
  it('differs between the versions only at PM10 24 h and PM2.5 24 h, IAQI 100', () => {
    expect(computeIaqi({ indicator: 'PM10_24h', concentration: 150, version: 'HJ633-2012' }).iaqi).toBe(100);
    expect(computeIaqi({ indicator: 'PM10_24h', concentration: 120, version: 'HJ633-2026' }).iaqi).toBe(100);
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: 75, version: 'HJ633-2012' }).iaqi).toBe(100);
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: 60, version: 'HJ633-2026' }).iaqi).toBe(100);
    for (const indicator of INDICATORS.filter((candidate) => !candidate.startsWith('PM'))) {
      expect(breakpointsFor(indicator, 'HJ633-2012')).toEqual(breakpointsFor(indicator, 'HJ633-2026'));
    }
  });

  it('rates SO2 24 h from its own table: 150 µg/m³ is 100 (a known library used the 1 h table)', () => {
    expect(computeIaqi({ indicator: 'SO2_24h', concentration: 150, version: 'HJ633-2012' }).iaqi).toBe(100);
    expect(computeIaqi({ indicator: 'SO2_1h', concentration: 150, version: 'HJ633-2012' }).iaqi).toBe(50);
  });

  describe.each(VERSIONS)('%s: every breakpoint gives its IAQI exactly, and one step above gives more', (version) => {
    for (const indicator of INDICATORS.filter((candidate) => rated(candidate, version))) {
      it(indicator, () => {
        const row = breakpointsFor(indicator, version)!;
        const step = stepOf(indicator).tenths ? 0.1 : 1;
        row.forEach((breakpoint, index) => {
          expect(computeIaqi({ indicator, concentration: breakpoint, version }).iaqi).toBe(IAQI_LEVELS[index]);
          if (index < row.length - 1) {
            const above = computeIaqi({ indicator, concentration: (breakpoint * 10 + step * 10) / 10, version }).iaqi!;
            expect(above).toBeGreaterThan(IAQI_LEVELS[index]!);
            expect(above).toBeLessThanOrEqual(IAQI_LEVELS[index + 1]!);
          }
        });
      });
    }
  });
});

describe('computeIaqi: exact arithmetic over the whole input grid', () => {
  /**
   * Checks, for every input of the standard's precision from 0 to the top breakpoint, that the IAQI is the least
   * integer ≥ the exact value of formula 1, by cross-multiplication in integers, and that it never decreases.
   */
  it.each(VERSIONS)('%s: every 1 µg/m³ (0.1 mg/m³ for CO) step is the exact ceiling', (version) => {
    let checked = 0;
    for (const indicator of INDICATORS.filter((candidate) => rated(candidate, version))) {
      const row = breakpointsFor(indicator, version)!;
      const tenths = stepOf(indicator).tenths;
      const scale = tenths ? 10 : 1;
      const top = row[row.length - 1]! * scale;
      let previous = -1;
      for (let units = 0; units <= top; units++) {
        const concentration = tenths ? `${Math.floor(units / 10)}.${units % 10}` : String(units);
        const iaqi = computeIaqi({ indicator, concentration, version }).iaqi!;
        let segment = 1;
        while (units > row[segment]! * scale) segment++;
        const low = BigInt(row[segment - 1]! * scale);
        const high = BigInt(row[segment]! * scale);
        const iLow = BigInt(IAQI_LEVELS[segment - 1]!);
        const iHigh = BigInt(IAQI_LEVELS[segment]!);
        // exact × (high − low) = iLow × (high − low) + (iHigh − iLow) × (units − low)
        const exactScaled = iLow * (high - low) + (iHigh - iLow) * (BigInt(units) - low);
        expect(BigInt(iaqi) * (high - low) >= exactScaled && BigInt(iaqi - 1) * (high - low) < exactScaled).toBe(true);
        expect(iaqi).toBeGreaterThanOrEqual(previous);
        previous = iaqi;
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(13_000);
  });

  it('is immune to the floating-point trap that naive doubles fall into (CO 24 h 2.2 mg/m³ → 55)', () => {
    const naive = (c: number) => Math.ceil(((100 - 50) / (4 - 2)) * (c - 2) + 50);
    expect(naive(2.2)).toBe(56);
    expect(computeIaqi({ indicator: 'CO_24h', concentration: 2.2, version: 'HJ633-2012' }).iaqi).toBe(55);
    expect(computeIaqi({ indicator: 'CO_24h', concentration: '2.2', version: 'HJ633-2026' }).iaqi).toBe(55);
  });

  it('finds naive-double mistakes on the CO grid, which the exact version does not make', () => {
    let naiveWrong = 0;
    for (const version of VERSIONS) {
      for (const indicator of ['CO_1h', 'CO_24h'] as const) {
        const row = breakpointsFor(indicator, version)!;
        for (let tenths = 0; tenths <= row[row.length - 1]! * 10; tenths++) {
          const c = tenths / 10;
          let segment = 1;
          while (c > row[segment]!) segment++;
          const [bl, bh, il, ih] = [row[segment - 1]!, row[segment]!, IAQI_LEVELS[segment - 1]!, IAQI_LEVELS[segment]!];
          const naive = Math.ceil(((ih - il) / (bh - bl)) * (c - bl) + il);
          if (naive !== computeIaqi({ indicator, concentration: c, version }).iaqi) naiveWrong++;
        }
      }
    }
    expect(naiveWrong).toBeGreaterThan(0);
  });
});

describe('computeIaqi: rounding', () => {
  it('rounds up the IAQI (100.38 → 101)', () => {
    // PM2.5 24 h, 2012: 75.3 → 100 + 50 × 0.3 / 40 = 100.375 → 101
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: '75.3', version: 'HJ633-2012' }).iaqi).toBe(101);
  });

  it.each<[AqiIndicator, string, string]>([
    ['PM25_24h', '35.5', '36'],
    ['PM25_24h', '34.5', '34'],
    ['PM25_24h', '34.50001', '35'],
    ['CO_24h', '0.45', '0.4'],
    ['CO_24h', '0.451', '0.5'],
    ['CO_24h', '0.35', '0.4'],
  ])('2026 rounds %s %s by GB/T 8170 to %s before rating', (indicator, input, rounded) => {
    expect(computeIaqi({ indicator, concentration: input, version: 'HJ633-2026' }).concentration).toBe(rounded);
  });

  it('does not round under 2012 unless asked', () => {
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: '34.6', version: 'HJ633-2012' }).concentration).toBe('34.6');
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: '34.6', version: 'HJ633-2012', roundConcentration: true }).concentration).toBe('35');
    // 35.4 rounds to 35 (IAQI 50) under 2026, but is 51 unrounded under 2012.
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: '35.4', version: 'HJ633-2026' }).iaqi).toBe(50);
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: '35.4', version: 'HJ633-2012' }).iaqi).toBe(51);
  });
});

describe('computeIaqi: special rules and the top of the scale', () => {
  it('SO2 1 h above 800: 2012 is not rated (use 24 h), 2026 is 200', () => {
    expect(computeIaqi({ indicator: 'SO2_1h', concentration: 800, version: 'HJ633-2012' })).toMatchObject({ iaqi: 200, rule: 'linear' });
    expect(computeIaqi({ indicator: 'SO2_1h', concentration: 801, version: 'HJ633-2012' })).toMatchObject({ iaqi: null, rule: 'so2_1h_above_800_use_24h' });
    expect(computeIaqi({ indicator: 'SO2_1h', concentration: 5000, version: 'HJ633-2026' })).toMatchObject({ iaqi: 200, rule: 'so2_1h_above_800' });
  });

  it('O3 8 h above 800: 2012 is not rated (use 1 h), 2026 is 300', () => {
    expect(computeIaqi({ indicator: 'O3_8h', concentration: 800, version: 'HJ633-2026' })).toMatchObject({ iaqi: 300, rule: 'linear' });
    expect(computeIaqi({ indicator: 'O3_8h', concentration: '800.1', version: 'HJ633-2012' })).toMatchObject({ iaqi: null, rule: 'o3_8h_above_800_use_1h' });
    expect(computeIaqi({ indicator: 'O3_8h', concentration: 801, version: 'HJ633-2026' })).toMatchObject({ iaqi: 300, rule: 'o3_8h_above_800' });
  });

  it('above the top breakpoint caps at 500 by default and says so; other policies on request', () => {
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: 500, version: 'HJ633-2026' })).toMatchObject({ iaqi: 500, aboveScale: false });
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: 501, version: 'HJ633-2026' })).toMatchObject({ iaqi: 500, aboveScale: true, rule: 'above_scale' });
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: 650, version: 'HJ633-2026', aboveScale: 'extrapolate' }).iaqi).toBe(600);
    expect(computeIaqi({ indicator: 'PM25_24h', concentration: 501, version: 'HJ633-2026', aboveScale: 'null' }).iaqi).toBeNull();
  });

  it('gives 1 h PM an IAQI on the 24 h table under 2026 only', () => {
    expect(computeIaqi({ indicator: 'PM25_1h', concentration: 60, version: 'HJ633-2026' }).iaqi).toBe(100);
    expect(() => computeIaqi({ indicator: 'PM25_1h', concentration: 60, version: 'HJ633-2012' })).toThrow(AqiInputError);
  });

  it.each([-1, '-0.1', 'abc', Number.NaN, Number.POSITIVE_INFINITY, ''])('rejects %s as a concentration', (concentration) => {
    expect(() => computeIaqi({ indicator: 'NO2_1h', concentration, version: 'HJ633-2012' })).toThrow(AqiInputError);
  });
});
