import { describe, expect, it } from 'vitest';
import { classifySurfaceWater, WaterInputError } from './classify-surface-water';
import { GB3838_LIMITS, TP_LAKE_LIMITS, type SurfaceWaterFactor } from './gb3838-limits';

/** A decimal text a tiny step above (or below) a limit, at 3 more decimals than the limit has. */
function nudge(limit: string, direction: 1 | -1): string {
  const decimals = (limit.split('.')[1] ?? '').length + 3;
  const scaled = BigInt(limit.replace('.', '') + '0'.repeat(decimals - (limit.split('.')[1] ?? '').length)) + BigInt(direction);
  const text = scaled.toString().padStart(decimals + 1, '0');
  return `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

const classOf = (factor: SurfaceWaterFactor, value: string, waterBody: 'river' | 'lake' = 'river') =>
  classifySurfaceWater({ values: { [factor]: value }, waterBody, includeTotalNitrogen: true, includeFecalColiform: true }).factors[0]!.waterClass;

/** The oracle: the best class whose limit the value meets, from the table read as plain numbers. */
function expectedClass(limits: readonly string[], value: string, sense: '≤' | '≥'): number {
  const index = limits.findIndex((limit) => (sense === '≤' ? Number(value) <= Number(limit) : Number(value) >= Number(limit)));
  return index < 0 ? 6 : index + 1;
}

describe('classifySurfaceWater: every class limit of GB 3838-2002 table 1 is inclusive', () => {
  const ordinary = (Object.keys(GB3838_LIMITS) as SurfaceWaterFactor[]).filter((factor) => factor !== 'pH' && factor !== 'DO');
  it.each(ordinary)('%s: at each limit, and a step above it', (factor) => {
    const { limits } = GB3838_LIMITS[factor];
    limits.forEach((limit, index) => {
      const atLimit = classOf(factor, limit);
      expect(atLimit).toBe(expectedClass(limits, limit, '≤'));
      expect(atLimit).toBeLessThanOrEqual(index + 1);
      const above = classOf(factor, nudge(limit, 1));
      expect(above).toBe(expectedClass(limits, nudge(limit, 1), '≤'));
      expect(above).toBeGreaterThan(atLimit);
    });
  });

  it('TP uses the lake column for lakes and reservoirs', () => {
    TP_LAKE_LIMITS.forEach((limit, index) => {
      expect(classOf('TP', limit, 'lake')).toBe(index + 1);
      expect(classOf('TP', nudge(limit, 1), 'lake')).toBe(index + 2);
    });
    expect(classOf('TP', '0.05', 'river')).toBe(2);
    expect(classOf('TP', '0.05', 'lake')).toBe(3);
  });

  it('DO is "≥": at each limit that class, a step below the next', () => {
    GB3838_LIMITS.DO.limits.forEach((limit, index) => {
      expect(classOf('DO', limit)).toBe(index + 1);
      expect(classOf('DO', nudge(limit, -1))).toBe(index + 2);
    });
    expect(classifySurfaceWater({ values: { DO: '7.0' }, doSaturationPercent: 90 }).waterClass).toBe(1);
    expect(classifySurfaceWater({ values: { DO: '7.0' }, doSaturationPercent: '89.9' }).waterClass).toBe(2);
  });

  it('pH 6–9 inclusive meets every class; outside is 劣V', () => {
    expect(classOf('pH', '6')).toBe(1);
    expect(classOf('pH', '9')).toBe(1);
    expect(classOf('pH', '5.999')).toBe(6);
    expect(classOf('pH', '9.001')).toBe(6);
  });
});

describe('classifySurfaceWater: the section', () => {
  const section = { pH: 7.8, DO: 6.2, CODMn: 4.5, COD: 18, BOD5: 3.2, NH3N: '1.62', TP: 0.18, TN: 5.1, FecalColiform: 50_000 };

  it('takes the worst evaluated factor, names the limiting factors and multiples against the target', () => {
    const result = classifySurfaceWater({ values: section });
    expect(result).toMatchObject({ waterClass: 5, className: 'V', status: '中度污染', colour: '橙', meetsTarget: false, targetClass: 3 });
    expect(result.limitingFactors.map((factor) => factor.factor)).toEqual(['NH3N']);
    // NH3-N 1.62 against class III 1.0: (1.62 − 1.0) / 1.0 = 0.62
    expect(result.exceedingFactors.map((factor) => [factor.factor, factor.exceedanceMultiple])).toEqual([['NH3N', 0.62]]);
  });

  it('leaves TN and faecal coliform out of the class by default, but classifies them', () => {
    const result = classifySurfaceWater({ values: section });
    const tn = result.factors.find((factor) => factor.factor === 'TN')!;
    expect(tn).toMatchObject({ waterClass: 6, className: '劣V', evaluated: false });
    const withTn = classifySurfaceWater({ values: section, includeTotalNitrogen: true });
    expect(withTn.className).toBe('劣V');
    expect(withTn.status).toBe('重度污染');
    expect(withTn.limitingFactors.map((factor) => factor.factor)).toEqual(['TN']);
  });

  it('reports no exceedance multiple for DO and pH', () => {
    const result = classifySurfaceWater({ values: { DO: 1, pH: 10 } });
    expect(result.waterClass).toBe(6);
    expect(result.exceedingFactors.map((factor) => factor.exceedanceMultiple)).toEqual([null, null]);
  });

  it('a class I section has no limiting factors', () => {
    const result = classifySurfaceWater({ values: { pH: 7, DO: 8, NH3N: 0.1 } });
    expect(result).toMatchObject({ waterClass: 1, status: '优', limitingFactors: [] });
  });

  it('rejects negative or non-numeric values and an empty set', () => {
    expect(() => classifySurfaceWater({ values: { COD: -1 } })).toThrow(WaterInputError);
    expect(() => classifySurfaceWater({ values: { COD: 'n/a' } })).toThrow(WaterInputError);
    expect(() => classifySurfaceWater({ values: { TN: 1 } })).toThrow(WaterInputError);
  });
});
