import { describe, expect, it } from 'vitest';
import { describeLimit, isBeyondLimit, probabilityBeyondLimit, type SeriesLimit } from './series-limit';
import { standardNormalCdf, standardNormalQuantile } from './normal-distribution';

const COD: SeriesLimit = { kind: 'upper', value: 20 };
const DO: SeriesLimit = { kind: 'lower', value: 5 };
const PH: SeriesLimit = { kind: 'range', low: 6, high: 9 };

describe('series limits', () => {
  it('treats a value equal to the limit as meeting it (GB 3838 limits are inclusive)', () => {
    expect(isBeyondLimit(COD, 20)).toBe(false);
    expect(isBeyondLimit(COD, 20.01)).toBe(true);
    expect(isBeyondLimit(DO, 5)).toBe(false);
    expect(isBeyondLimit(DO, 4.99)).toBe(true);
    expect(isBeyondLimit(PH, 6)).toBe(false);
    expect(isBeyondLimit(PH, 9.01)).toBe(true);
    expect(isBeyondLimit(PH, 5.9)).toBe(true);
  });

  it('reads a lower limit (DO) from the lower tail: sinking towards 5 raises the probability', () => {
    expect(probabilityBeyondLimit(DO, 5, 1)).toBeCloseTo(0.5, 6);
    expect(probabilityBeyondLimit(DO, 6, 1)).toBeCloseTo(1 - standardNormalCdf(1), 6);
    expect(probabilityBeyondLimit(DO, 4, 1)).toBeCloseTo(standardNormalCdf(1), 6);
    // The same forecast against an upper limit of 5 is the mirror image.
    expect(probabilityBeyondLimit({ kind: 'upper', value: 5 }, 6, 1)).toBeCloseTo(standardNormalCdf(1), 6);
  });

  it('adds both tails of a range (pH 6–9)', () => {
    expect(probabilityBeyondLimit(PH, 7.5, 0.5)).toBeCloseTo(2 * (1 - standardNormalCdf(3)), 6);
    expect(probabilityBeyondLimit(PH, 8.8, 0.2)).toBeCloseTo(1 - standardNormalCdf(1), 6);
    expect(probabilityBeyondLimit(PH, 6.1, 0.1)).toBeCloseTo(standardNormalCdf(-1), 6);
  });

  it('answers 0 or 1 for a forecast with no spread', () => {
    expect(probabilityBeyondLimit(COD, 19, 0)).toBe(0);
    expect(probabilityBeyondLimit(COD, 21, 0)).toBe(1);
  });

  it('describes limits for messages', () => {
    expect([COD, DO, PH].map(describeLimit)).toEqual(['≤ 20', '≥ 5', '6–9']);
  });
});

describe('the normal distribution helpers', () => {
  it('agree with tabulated values and invert each other', () => {
    expect(standardNormalCdf(0)).toBeCloseTo(0.5, 7);
    expect(standardNormalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(standardNormalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    for (const p of [0.001, 0.03, 0.2, 0.5, 0.8, 0.97, 0.999]) expect(standardNormalCdf(standardNormalQuantile(p))).toBeCloseTo(p, 6);
    expect(() => standardNormalQuantile(1)).toThrow(RangeError);
  });
});
