import type { DeviceCategory } from './device';

/** One diurnal harmonic: `amplitude` (relative to the baseline) peaking at `peakHour` (China time), period 24 h or 12 h. */
export interface Harmonic {
  amplitude: number;
  peakHour: number;
  periodHours: 24 | 12;
}

/** How one factor behaves at one kind of site: a baseline, a daily shape, noise, and how its values are written. */
export interface FactorCurve {
  base: number;
  harmonics: readonly Harmonic[];
  /** Standard deviation of the noise, relative to the curve value. */
  noise: number;
  decimals: number;
  min: number;
  max?: number;
}

const curve = (base: number, decimals: number, noise: number, harmonics: Harmonic[] = [], min = 0, max?: number): FactorCurve => ({
  base,
  harmonics,
  noise,
  decimals,
  min,
  ...(max === undefined ? {} : { max }),
});
const h = (amplitude: number, peakHour: number, periodHours: 24 | 12 = 24): Harmonic => ({ amplitude, peakHour, periodHours });

/** Production load: plants run harder in the day shift. */
const DAY_SHIFT = [h(0.12, 14)];

/**
 * Typical values at the three kinds of site in a North China district in winter (units as the devices send
 * them: mg/m³ on stacks, µg/m³ at air stations except CO in mg/m³, mg/L in water). Stack values sit under the
 * ultra-low-emission limits (SO2 35, NOx 50, dust 10 mg/m³); air values around a GB 3095 grade-2 winter day
 * (PM with a morning and a late-evening peak, O3 photochemical in the afternoon, NO2 with the rush hours);
 * water around GB 8978 grade-1 outlets and a class III river.
 */
export const FACTOR_CURVES: Readonly<Record<DeviceCategory, Readonly<Record<string, FactorCurve>>>> = {
  flue_gas: {
    a21026: curve(18, 2, 0.08, DAY_SHIFT),
    a21002: curve(32, 1, 0.08, DAY_SHIFT),
    a21003: curve(25, 1, 0.08, DAY_SHIFT),
    a21004: curve(4, 1, 0.1, DAY_SHIFT),
    a34013: curve(4.5, 2, 0.1, DAY_SHIFT),
    a21005: curve(12, 3, 0.1, DAY_SHIFT),
    a24088: curve(20, 3, 0.1, DAY_SHIFT),
    a19001: curve(9.5, 1, 0.02, [h(-0.04, 14)], 3, 21),
    a01011: curve(11, 2, 0.03, DAY_SHIFT),
    a01012: curve(62, 1, 0.01, DAY_SHIFT),
    a01013: curve(0.3, 3, 0.05),
    a01014: curve(8, 1, 0.03),
    a01017: curve(0.12, 3, 0.05),
    a00000: curve(95, 1, 0.03, DAY_SHIFT),
  },
  ambient_air: {
    a34004: curve(48, 0, 0.1, [h(0.25, 21), h(0.15, 8, 12)], 2),
    a34002: curve(82, 0, 0.1, [h(0.2, 21), h(0.15, 8, 12)], 4),
    a34001: curve(140, 0, 0.1, [h(0.2, 21)], 8),
    a34005: curve(30, 0, 0.1, [h(0.25, 21)], 1),
    a05024: curve(55, 0, 0.1, [h(0.7, 15)], 2),
    a21004: curve(36, 0, 0.1, [h(0.2, 20), h(0.2, 8, 12)], 2),
    a21026: curve(14, 0, 0.1, [h(0.2, 10)], 2),
    a21002: curve(55, 0, 0.1, [h(0.25, 20), h(0.2, 8, 12)], 2),
    a21003: curve(15, 0, 0.12, [h(0.3, 8, 12)], 1),
    a21005: curve(0.9, 3, 0.08, [h(0.25, 21), h(0.1, 8, 12)], 0.1),
    a24088: curve(0.6, 3, 0.1, [h(0.2, 9)], 0.05),
    // Toxic gases at a monitor beside a chemical store or waste site, mg/m³: traces, highest in the still air before
    // dawn (H2S, NH3); an exceedance comes from an episode at a multiple of the limit registered for the device.
    a21028: curve(0.005, 4, 0.15, [h(0.3, 5)]),
    a21001: curve(0.08, 3, 0.12, [h(0.2, 5)]),
    a21022: curve(0.01, 3, 0.15),
    a01001: curve(2, 1, 0, [h(2.5, 15)], -30, 45),
    a01002: curve(55, 0, 0.03, [h(-0.3, 15)], 5, 100),
    a01006: curve(97.8, 2, 0.001),
    a01007: curve(2.2, 1, 0.25, [h(0.4, 15)]),
    a01008: curve(200, 0, 0.3, [], 0, 359),
  },
  water: {
    w01018: curve(26, 1, 0.06, [h(0.15, 11)]),
    w21003: curve(2.2, 2, 0.08, [h(0.15, 11)]),
    w21011: curve(0.28, 3, 0.08, [h(0.1, 11)]),
    w21001: curve(8.5, 2, 0.06, [h(0.1, 11)]),
    w01001: curve(7.3, 2, 0.005, [h(0.02, 15)], 0, 14),
    w00000: curve(15, 2, 0.05, [h(0.3, 11), h(0.1, 17, 12)]),
    w01009: curve(7.5, 2, 0.03, [h(0.12, 15)]),
    w01010: curve(9, 1, 0.01, [h(0.1, 16)], 0, 40),
    w01014: curve(620, 0, 0.02),
    w01019: curve(4.5, 2, 0.05),
    w01017: curve(8, 1, 0.06, [h(0.15, 11)]),
    w01012: curve(12, 1, 0.08, [h(0.15, 11)]),
  },
};

const DEFAULT_CURVE = curve(10, 2, 0.05, [h(0.1, 14)]);

/**
 * The curve for a factor at a kind of site. A factor with a permit limit keeps its baseline well under it
 * (a compliant plant), so exceedances come only from the simulator's exceedance episodes.
 */
export function curveFor(category: DeviceCategory, code: string, limit?: number): FactorCurve {
  const known = FACTOR_CURVES[category][code] ?? FACTOR_CURVES.flue_gas[code] ?? FACTOR_CURVES.water[code] ?? FACTOR_CURVES.ambient_air[code];
  const chosen = known ?? (limit === undefined ? DEFAULT_CURVE : { ...DEFAULT_CURVE, base: limit * 0.5 });
  if (limit !== undefined && limit > 0 && chosen.base > limit * 0.7) return { ...chosen, base: limit * 0.55 };
  return chosen;
}

/** Hour of the day in China time (UTC+8), fractional. */
export function chinaHourOfDay(epochMs: number): number {
  const dayMs = 24 * 3_600_000;
  return ((((epochMs + 8 * 3_600_000) % dayMs) + dayMs) % dayMs) / 3_600_000;
}

/** The noise-free value of a curve at an instant: baseline × (1 + Σ harmonics), kept within its bounds. */
export function curveValue(factor: FactorCurve, epochMs: number): number {
  const hour = chinaHourOfDay(epochMs);
  let shape = 1;
  for (const harmonic of factor.harmonics) {
    shape += harmonic.amplitude * Math.cos((2 * Math.PI * (hour - harmonic.peakHour)) / harmonic.periodHours);
  }
  return clamp(factor, factor.base * shape);
}

/** The curve value with multiplicative Gaussian noise, kept within the factor's bounds. */
export function sampleValue(factor: FactorCurve, epochMs: number, standardNormal: number): number {
  return clamp(factor, curveValue(factor, epochMs) * (1 + factor.noise * standardNormal));
}

export function clamp(factor: FactorCurve, value: number): number {
  const low = Math.max(value, factor.min);
  return factor.max === undefined ? low : Math.min(low, factor.max);
}

/** A value as the device writes it: fixed decimals, never `-0`. */
export function formatValue(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
