import { clamp, curveFor, sampleValue, type FactorCurve } from './factor-curves';
import type { SimulatedDevice } from './device';
import { gaussian, type Random } from './random';

/** HJ 212-2017 table 8 data flags the simulator emits: N normal, M maintenance, C calibration, D fault, T above range. */
export type DataFlag = 'N' | 'M' | 'C' | 'D' | 'T';

/** One factor's values in an upload: a real-time value, or an interval's minimum, average and maximum. */
export interface FactorReading {
  code: string;
  decimals: number;
  flag: DataFlag;
  value: number;
  min?: number;
  max?: number;
  /** The converted (折算, Zs) value, for flue-gas pollutants on a stack that measures O2. */
  converted?: number;
}

export interface BehaviourOptions {
  /** Chance, per real-time upload, that an exceedance episode starts on one of the device's factors. */
  exceedanceProbability: number;
  exceedanceDurationMs: number;
  /** Chance, per upload, that one factor carries M, C, D or T instead of N. */
  abnormalFlagProbability: number;
}

/** What a device remembers between uploads. */
export interface BehaviourState {
  exceedance?: { code: string; untilMs: number; multiple: number };
}

/** Flue-gas pollutants that are reported converted to the reference O2 (GB 13223: 6 % for coal boilers). */
const CONVERTED_CODES: ReadonlySet<string> = new Set(['a21026', 'a21002', 'a34013', 'a21005', 'a24088']);
const O2_CODE = 'a19001';
const REFERENCE_O2 = 6;
const TYPICAL_CONVERSION = (21 - REFERENCE_O2) / (21 - 9.5);

const ABNORMAL_FLAGS: ReadonlyArray<[DataFlag, number]> = [
  ['M', 0.35],
  ['C', 0.35],
  ['D', 0.2],
  ['T', 0.1],
];

function pickFlag(random: Random): DataFlag {
  let roll = random();
  for (const [flag, weight] of ABNORMAL_FLAGS) {
    roll -= weight;
    if (roll < 0) return flag;
  }
  return 'N';
}

/** `(21 − 6) / (21 − O2)`: HJ 75 conversion to the reference oxygen content. */
export function conversionFactor(o2Percent: number): number {
  return (21 - REFERENCE_O2) / (21 - Math.min(o2Percent, 19.5));
}

/**
 * The values a device reports at an instant (on its own clock). A real-time upload samples each factor's
 * curve with noise; an interval upload (`intervalMs` > 0) reports the curve at the interval's middle with a
 * spread for Min/Max. During an exceedance episode one factor sits at a multiple of its limit (of the
 * converted value when the limit applies to it); an air station without limits gets a pollution episode
 * instead. Now and then one factor carries an abnormal data flag.
 */
export function generateReadings(
  device: SimulatedDevice,
  atMs: number,
  intervalMs: number,
  state: BehaviourState,
  random: Random,
  options: BehaviourOptions,
): FactorReading[] {
  if (intervalMs === 0 && !state.exceedance && device.factors.length > 0 && random() < options.exceedanceProbability) {
    const limited = device.factors.filter((factor) => factor.limit !== undefined && factor.limit > 0);
    const pool = limited.length > 0 ? limited : device.factors;
    const chosen = pool[Math.floor(random() * pool.length)];
    if (chosen) state.exceedance = { code: chosen.code, untilMs: atMs + options.exceedanceDurationMs, multiple: 1.15 + random() * 0.85 };
  }
  if (state.exceedance && atMs >= state.exceedance.untilMs) delete state.exceedance;
  const sampleAt = atMs + intervalMs / 2;
  const hasO2 = device.factors.some((factor) => factor.code === O2_CODE);
  const o2Curve = curveFor(device.category, O2_CODE);
  const o2 = hasO2 ? sampleValue(o2Curve, sampleAt, gaussian(random)) : undefined;
  const abnormalIndex = random() < options.abnormalFlagProbability ? Math.floor(random() * device.factors.length) : -1;

  return device.factors.map((factor, index) => {
    const converts = o2 !== undefined && device.category === 'flue_gas' && CONVERTED_CODES.has(factor.code);
    // A compliant plant: the raw baseline is chosen so the converted value stays under a converted limit.
    const rawLimit = factor.limit !== undefined && factor.limitOnConverted && converts ? factor.limit / TYPICAL_CONVERSION : factor.limit;
    const factorCurve: FactorCurve = curveFor(device.category, factor.code, rawLimit);
    let value = factor.code === O2_CODE && o2 !== undefined ? o2 : sampleValue(factorCurve, sampleAt, gaussian(random));
    const conversion = converts && o2 !== undefined ? conversionFactor(o2) : 1;
    const episode = state.exceedance?.code === factor.code ? state.exceedance : undefined;
    if (episode) {
      const noisy = episode.multiple * (1 + 0.03 * gaussian(random));
      if (factor.limit !== undefined && factor.limit > 0) {
        value = factor.limitOnConverted && converts ? (factor.limit * noisy) / conversion : factor.limit * noisy;
      } else {
        value = clamp(factorCurve, factorCurve.base * (1.5 + noisy));
      }
    }
    let flag: DataFlag = 'N';
    if (index === abnormalIndex) {
      flag = pickFlag(random);
      if (flag === 'T') value = (factor.limit ?? factorCurve.base) * 6;
    }
    const reading: FactorReading = { code: factor.code, decimals: factorCurve.decimals, flag, value };
    if (intervalMs > 0) {
      const spread = Math.max(factorCurve.noise * 2, 0.02);
      reading.min = clamp(factorCurve, value * (1 - spread * (0.5 + random() / 2)));
      reading.max = value * (1 + spread * (0.5 + random() / 2));
      if (factorCurve.max !== undefined) reading.max = Math.min(reading.max, factorCurve.max);
    }
    if (converts) reading.converted = value * conversion;
    return reading;
  });
}
