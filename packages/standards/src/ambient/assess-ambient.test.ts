import { describe, expect, it } from 'vitest';
import { AmbientInputError, ambientStandardFor, assessAmbient } from './assess-ambient';
import { GB3095_2012, GB3095_2026_FINAL, GB3095_2026_TRANSITION, type AmbientLimit, type AmbientPhase, type AmbientStandard } from './gb3095-limits';

const TABLES: [AmbientStandard, AmbientPhase | undefined, readonly AmbientLimit[]][] = [
  ['GB3095-2012', undefined, GB3095_2012],
  ['GB3095-2026', 'transition', GB3095_2026_TRANSITION],
  ['GB3095-2026', 'final', GB3095_2026_FINAL],
];

describe('assessAmbient (GB 3095-2012 / GB 3095-2026 tables 1–2)', () => {
  it.each(TABLES)('%s %s: every limit complies at the limit and not a step above', (standard, phase, table) => {
    for (const row of table) {
      for (const zoneClass of [1, 2] as const) {
        const limit = zoneClass === 1 ? row.grade1 : row.grade2;
        const at = assessAmbient({ pollutant: row.pollutant, period: row.period, concentration: limit, zoneClass, standard, phase });
        expect(at).toMatchObject({ compliant: true, exceedanceMultiple: null, limit });
        const above = assessAmbient({ pollutant: row.pollutant, period: row.period, concentration: `${limit}${limit.includes('.') ? '' : '.'}0001`, zoneClass, standard, phase });
        expect(above.compliant).toBe(false);
      }
    }
  });

  it('reads the limits the standards set (spot checks from STANDARDS.md §3)', () => {
    const limit = (standard: AmbientStandard, phase: AmbientPhase, pollutant: 'PM2.5' | 'PM10' | 'NO2' | 'SO2', period: '24h' | 'annual', zoneClass: 1 | 2) =>
      assessAmbient({ pollutant, period, concentration: 0, zoneClass, standard, phase }).limit;
    expect(limit('GB3095-2012', 'transition', 'PM2.5', '24h', 2)).toBe('75');
    expect(limit('GB3095-2026', 'transition', 'PM2.5', '24h', 2)).toBe('60');
    expect(limit('GB3095-2026', 'final', 'PM2.5', '24h', 2)).toBe('50');
    expect(limit('GB3095-2026', 'final', 'PM2.5', 'annual', 1)).toBe('10');
    expect(limit('GB3095-2026', 'transition', 'PM10', 'annual', 2)).toBe('60');
    expect(limit('GB3095-2026', 'final', 'NO2', 'annual', 2)).toBe('30');
    expect(limit('GB3095-2026', 'final', 'SO2', '24h', 2)).toBe('50');
    expect(limit('GB3095-2012', 'transition', 'SO2', '24h', 2)).toBe('150');
  });

  it('chooses standard and phase by the date of the data', () => {
    expect(ambientStandardFor('2026-02-28')).toEqual({ standard: 'GB3095-2012', phase: null });
    expect(ambientStandardFor('2026-03-01')).toEqual({ standard: 'GB3095-2026', phase: 'transition' });
    expect(ambientStandardFor('20301231230000')).toEqual({ standard: 'GB3095-2026', phase: 'transition' });
    expect(ambientStandardFor('2031-01-01')).toEqual({ standard: 'GB3095-2026', phase: 'final' });
    // The same PM2.5 daily mean of 70 µg/m³ in a class-2 zone: compliant in 2025, not from March 2026.
    expect(assessAmbient({ pollutant: 'PM2.5', period: '24h', concentration: 70, zoneClass: 2, date: '2025-12-01' }).compliant).toBe(true);
    expect(assessAmbient({ pollutant: 'PM2.5', period: '24h', concentration: 70, zoneClass: 2, date: '2026-03-02' })).toMatchObject({
      compliant: false,
      exceedanceMultiple: 0.17,
      standard: 'GB3095-2026',
      phase: 'transition',
    });
  });

  it('rejects a period the standard does not set and bad concentrations', () => {
    expect(() => assessAmbient({ pollutant: 'PM2.5', period: '1h', concentration: 1, zoneClass: 2, standard: 'GB3095-2012' })).toThrow(AmbientInputError);
    expect(() => assessAmbient({ pollutant: 'SO2', period: '1h', concentration: -1, zoneClass: 2, standard: 'GB3095-2012' })).toThrow(AmbientInputError);
    expect(() => assessAmbient({ pollutant: 'SO2', period: '1h', concentration: 1, zoneClass: 2 })).toThrow(AmbientInputError);
  });
});
