import { compareDecimal, DecimalInputError, exceedanceMultiple, isNegative, toDecimal, type Decimal } from '../decimal/decimal';
import { chinaCalendarDay } from '../effective-date';
import { StandardsError } from '../standards-error';
import {
  ambientLimits,
  GB3095_2026_EFFECTIVE,
  GB3095_2026_FINAL_FROM,
  type AmbientPhase,
  type AmbientPollutant,
  type AmbientStandard,
  type AveragingPeriod,
} from './gb3095-limits';

export class AmbientInputError extends StandardsError<'invalid_concentration' | 'no_limit' | 'missing_version'> {}

export interface AmbientAssessmentInput {
  pollutant: AmbientPollutant;
  period: AveragingPeriod;
  /** µg/m³ (CO mg/m³), as a number or decimal text; compared exactly. */
  concentration: number | string;
  /** Ambient air function zone class: 1 applies grade I limits, 2 grade II (GB 3095 §4.1–4.2). */
  zoneClass: 1 | 2;
  /** The date of the data (start of its period), which chooses the standard and phase... */
  date?: Date | string;
  /** ...or name them explicitly. `phase` applies to GB 3095-2026 only. */
  standard?: AmbientStandard;
  phase?: AmbientPhase;
}

export interface AmbientAssessment {
  standard: AmbientStandard;
  phase: AmbientPhase | null;
  pollutant: AmbientPollutant;
  period: AveragingPeriod;
  grade: 1 | 2;
  limit: string;
  unit: 'µg/m³' | 'mg/m³';
  /** Meets the limit: concentration ≤ limit (a value equal to the limit complies). */
  compliant: boolean;
  /** 超标倍数 (C − L)/L, GB/T 8170 to 2 decimals, when not compliant; otherwise null. */
  exceedanceMultiple: number | null;
}

/**
 * The standard and phase in force on a date: GB 3095-2012 before 2026-03-01; GB 3095-2026 transition limits until
 * 2030-12-31 and final limits from 2031-01-01 (GB 3095-2026 §4.4). Dates are China Standard Time days.
 */
export function ambientStandardFor(date: Date | string): { standard: AmbientStandard; phase: AmbientPhase | null } {
  const day = chinaCalendarDay(date);
  if (day < GB3095_2026_EFFECTIVE) return { standard: 'GB3095-2012', phase: null };
  return { standard: 'GB3095-2026', phase: day < GB3095_2026_FINAL_FROM ? 'transition' : 'final' };
}

/**
 * Compares one averaged concentration with its GB 3095 ambient limit (GB 3095-2012 tables 1–2; GB 3095-2026
 * tables 1–2 with the §4.4 phases). The caller supplies a concentration already averaged per the standard's
 * validity rules (e.g. a natural-day mean of ≥ 20 hourly values); no rounding is applied here.
 */
export function assessAmbient(input: AmbientAssessmentInput): AmbientAssessment {
  let standard: AmbientStandard;
  let phase: AmbientPhase | null;
  if (input.standard !== undefined) {
    standard = input.standard;
    phase = standard === 'GB3095-2026' ? (input.phase ?? (input.date !== undefined ? ambientStandardFor(input.date).phase : null) ?? 'transition') : null;
  } else if (input.date !== undefined) {
    ({ standard, phase } = ambientStandardFor(input.date));
  } else {
    throw new AmbientInputError('missing_version', 'give the date of the data or the standard');
  }
  const row = ambientLimits(standard, phase ?? 'transition').find((limit) => limit.pollutant === input.pollutant && limit.period === input.period);
  if (!row) throw new AmbientInputError('no_limit', `${standard} sets no ${input.period} limit for ${input.pollutant}`);
  let value: Decimal;
  try {
    value = toDecimal(input.concentration);
  } catch (error) {
    if (error instanceof DecimalInputError) throw new AmbientInputError('invalid_concentration', error.message);
    throw error;
  }
  if (isNegative(value)) throw new AmbientInputError('invalid_concentration', `negative concentration ${input.concentration}`);
  const limitText = input.zoneClass === 1 ? row.grade1 : row.grade2;
  const limit = toDecimal(limitText);
  const compliant = compareDecimal(value, limit) <= 0;
  return {
    standard,
    phase,
    pollutant: input.pollutant,
    period: input.period,
    grade: input.zoneClass,
    limit: limitText,
    unit: row.unit,
    compliant,
    exceedanceMultiple: compliant ? null : exceedanceMultiple(value, limit),
  };
}
