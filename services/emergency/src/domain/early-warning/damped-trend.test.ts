import { describe, expect, it } from 'vitest';
import { fitDampedTrend, forecastDampedTrend, MIN_FIT_POINTS } from './damped-trend';
import { DEFAULT_EARLY_WARNING_POLICY } from './early-warning-policy';
import { forecastSeries } from './forecast-series';
import { seededGaussian } from './testing/seeded-noise';

describe('fitDampedTrend', () => {
  it('recovers the level and slope of a straight line exactly, and extrapolates it', () => {
    const values = Array.from({ length: 40 }, (_, index) => 3 + 0.5 * index);
    const fit = fitDampedTrend(values);
    expect(fit.phi).toBe(1);
    expect(fit.level).toBeCloseTo(3 + 0.5 * 39, 9);
    expect(fit.trend).toBeCloseTo(0.5, 9);
    expect(fit.sigma).toBeCloseTo(0, 9);
    const ahead = forecastDampedTrend(fit, 10);
    expect(ahead[9]?.mean).toBeCloseTo(3 + 0.5 * 49, 9);
  });

  it('recovers a slope under noise: the forecast 20 steps ahead lands near the true line', () => {
    const noise = seededGaussian(7);
    const slope = 0.1;
    const values = Array.from({ length: 120 }, (_, index) => 10 + slope * index + 0.2 * noise());
    for (const options of [{}, { selectionSteps: 10 }, { fixed: DEFAULT_EARLY_WARNING_POLICY.fixedParameters }]) {
      const fit = fitDampedTrend(values, options);
      expect(fit.trend).toBeGreaterThan(slope * 0.6);
      expect(fit.trend).toBeLessThan(slope * 1.4);
      const twentyAhead = forecastDampedTrend(fit, 20)[19];
      expect(Math.abs((twentyAhead?.mean ?? Number.NaN) - (10 + slope * 139))).toBeLessThan(1.2);
    }
  });

  it('damps the trend: with φ < 1 the forecast levels off at ℓ + b·φ/(1 − φ)', () => {
    const fit = { alpha: 0.3, beta: 0.03, phi: 0.9, level: 10, trend: 1, sigma: 0.5, points: 50 };
    const far = forecastDampedTrend(fit, 400).at(-1);
    expect(far?.mean).toBeCloseTo(10 + 0.9 / 0.1, 6);
  });

  it('widens the band with the horizon as the state-space variance says', () => {
    const fit = { alpha: 0.5, beta: 0.1, phi: 1, level: 0, trend: 0, sigma: 2, points: 50 };
    const [first, second, third] = forecastDampedTrend(fit, 3);
    expect(first?.standardDeviation).toBeCloseTo(2, 12);
    // h = 2: σ²(1 + (α + β)²); h = 3: σ²(1 + (α + β)² + (α + 2β)²).
    expect(second?.standardDeviation).toBeCloseTo(2 * Math.sqrt(1 + 0.6 ** 2), 12);
    expect(third?.standardDeviation).toBeCloseTo(2 * Math.sqrt(1 + 0.6 ** 2 + 0.7 ** 2), 12);
  });

  it('refuses a series too short to carry a trend', () => {
    expect(() => fitDampedTrend([1, 2, 3])).toThrow(new RegExp(`at least ${MIN_FIT_POINTS}`));
  });
});

describe('the error band on noise', () => {
  it('covers close to its nominal share of future values on stationary noise', () => {
    const noise = seededGaussian(42);
    const series = Array.from({ length: 6_000 }, () => 10 + noise());
    const policy = { ...DEFAULT_EARLY_WARNING_POLICY, horizonSteps: 10, bandLevel: 0.9 };
    let inside = 0;
    let total = 0;
    for (let end = 120; end + 10 <= series.length; end += 17) {
      const forecast = forecastSeries(series.slice(end - 120, end), { kind: 'upper', value: 1_000 }, policy);
      for (const point of forecast.points) {
        const actual = series[end + point.step - 1] as number;
        total += 1;
        if (actual >= point.lower && actual <= point.upper) inside += 1;
      }
    }
    // Nominal 0.9; estimation error in a 120-value window costs a little, a band this wide should not miss more.
    expect(inside / total).toBeGreaterThan(0.85);
    expect(inside / total).toBeLessThan(0.99);
  });
});
