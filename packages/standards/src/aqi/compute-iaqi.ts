import { ceilDiv, decimalToString, isNegative, roundGbT8170, toDecimal, type Decimal, DecimalInputError } from '../decimal/decimal';
import { StandardsError } from '../standards-error';
import { type AboveScalePolicy, type AqiIndicator, type AqiPollutant, type AqiVersion } from './aqi-types';
import { breakpointsFor, concentrationDecimals, IAQI_LEVELS, INDICATOR_POLLUTANT } from './breakpoints';

export class AqiInputError extends StandardsError<'invalid_concentration' | 'indicator_not_in_version' | 'missing_version'> {}

/** How an IAQI was obtained. */
export type IaqiRule =
  /** The linear formula of HJ 633 §4.2 (formula 1) inside a breakpoint segment. */
  | 'linear'
  /** HJ 633-2012 table 1 note 3: SO2 1 h above 800 µg/m³ is not rated; SO2 is rated from its 24 h mean. */
  | 'so2_1h_above_800_use_24h'
  /** HJ 633-2026 table 3 note: SO2 1 h above 800 µg/m³ has IAQI 200. */
  | 'so2_1h_above_800'
  /** HJ 633-2012 table 1 note 4: O3 8 h above 800 µg/m³ is not rated; O3 is rated from its 1 h value. */
  | 'o3_8h_above_800_use_1h'
  /** HJ 633-2026 table 3 note: O3 8 h above 800 µg/m³ has IAQI 300. */
  | 'o3_8h_above_800'
  /** Above the top breakpoint, where HJ 633 says nothing: handled by the `aboveScale` policy. */
  | 'above_scale';

export interface IaqiInput {
  indicator: AqiIndicator;
  /** µg/m³ (CO mg/m³), as a number or decimal text; read exactly, never through binary floating point. */
  concentration: number | string;
  version: AqiVersion;
  /**
   * Round the concentration by GB/T 8170 first (integers; CO to 0.1). HJ 633-2026 §4.2.2 requires it and it is
   * always done under 2026; HJ 633-2012 does not say, so it is off by default there.
   */
  roundConcentration?: boolean;
  /** Above the top breakpoint: `'cap'` (500, default), `'extrapolate'` (continue the top segment), `'null'`. */
  aboveScale?: AboveScalePolicy;
}

export interface IaqiResult {
  indicator: AqiIndicator;
  pollutant: AqiPollutant;
  /** The concentration the IAQI was computed from (after rounding), as decimal text. */
  concentration: string;
  /** The IAQI, an integer rounded up (HJ 633-2012 §6.2 and 2026 §4.2.6), or null where it is not rated. */
  iaqi: number | null;
  rule: IaqiRule;
  /** True when the concentration lies above the top breakpoint (publish as "> 500" if capped). */
  aboveScale: boolean;
}

/**
 * Individual air quality index of one pollutant (HJ 633-2012 §4.2 formula 1 and table 1; HJ 633-2026 §4.2 and
 * table 3): `IAQI = (IH − IL)/(BPH − BPL) × (C − BPL) + IL`, rounded up to an integer. Computed in exact integer
 * arithmetic: floating point turns e.g. CO 24 h 2.2 mg/m³ (IAQI exactly 55) into 56.
 */
export function computeIaqi(input: IaqiInput): IaqiResult {
  const { indicator, version } = input;
  const breakpoints = breakpointsFor(indicator, version);
  if (breakpoints === null) {
    throw new AqiInputError('indicator_not_in_version', `${indicator} has no IAQI under ${version}`);
  }
  let value: Decimal;
  try {
    value = toDecimal(input.concentration);
  } catch (error) {
    if (error instanceof DecimalInputError) throw new AqiInputError('invalid_concentration', error.message);
    throw error;
  }
  if (isNegative(value)) throw new AqiInputError('invalid_concentration', `negative concentration ${input.concentration} for ${indicator}`);
  if (version === 'HJ633-2026' || input.roundConcentration === true) value = roundGbT8170(value, concentrationDecimals(indicator));
  const result = (iaqi: number | null, rule: IaqiRule, aboveScale = false): IaqiResult => ({
    indicator,
    pollutant: INDICATOR_POLLUTANT[indicator],
    concentration: decimalToString(value),
    iaqi,
    rule,
    aboveScale,
  });

  const scale = 10n ** BigInt(value.scale);
  const c = value.coefficient;
  const top = breakpoints[breakpoints.length - 1] as number;
  if (c > BigInt(top) * scale) {
    if (indicator === 'SO2_1h') return version === 'HJ633-2012' ? result(null, 'so2_1h_above_800_use_24h') : result(200, 'so2_1h_above_800');
    if (indicator === 'O3_8h') return version === 'HJ633-2012' ? result(null, 'o3_8h_above_800_use_1h') : result(300, 'o3_8h_above_800');
    const policy = input.aboveScale ?? 'cap';
    if (policy === 'null') return result(null, 'above_scale', true);
    if (policy === 'cap') return result(IAQI_LEVELS[breakpoints.length - 1] as number, 'above_scale', true);
    return result(linear(c, scale, breakpoints, breakpoints.length - 1), 'above_scale', true);
  }
  let segment = 1;
  while (c > BigInt(breakpoints[segment] as number) * scale) segment++;
  return result(linear(c, scale, breakpoints, segment), 'linear');
}

/** IL + ceil((IH − IL)(C − BPL)/(BPH − BPL)) for C = c/scale, on segment [segment − 1, segment]; exact. */
function linear(c: bigint, scale: bigint, breakpoints: readonly number[], segment: number): number {
  const low = BigInt(breakpoints[segment - 1] as number);
  const high = BigInt(breakpoints[segment] as number);
  const iaqiLow = BigInt(IAQI_LEVELS[segment - 1] as number);
  const iaqiHigh = BigInt(IAQI_LEVELS[segment] as number);
  return Number(iaqiLow + ceilDiv((iaqiHigh - iaqiLow) * (c - low * scale), (high - low) * scale));
}
