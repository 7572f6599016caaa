import { compareDecimal, DecimalInputError, exceedanceMultiple, toDecimal, type Decimal } from '../decimal/decimal';
import { StandardsError } from '../standards-error';
import { DO_CLASS_I_SATURATION_PERCENT, GB3838_LIMITS, TP_LAKE_LIMITS, type SurfaceWaterFactor } from './gb3838-limits';

export class WaterInputError extends StandardsError<'invalid_value' | 'no_factors'> {}

/** 1–5 are classes I–V; 6 is 劣V (worse than V). */
export type WaterClass = 1 | 2 | 3 | 4 | 5 | 6;

export const WATER_CLASS_NAMES: Readonly<Record<WaterClass, string>> = { 1: 'I', 2: 'II', 3: 'III', 4: 'IV', 5: 'V', 6: '劣V' };

/**
 * Qualitative status and display colour of a single section by class (地表水环境质量评价办法（试行）,
 * 环办〔2011〕22号). Status words are confirmed by public pages; the colours are [recollection] (STANDARDS.md §4.1).
 */
export const WATER_CLASS_STATUS: Readonly<Record<WaterClass, { status: string; statusEn: string; colour: string; colourEn: string }>> = {
  1: { status: '优', statusEn: 'excellent', colour: '蓝', colourEn: 'blue' },
  2: { status: '优', statusEn: 'excellent', colour: '蓝', colourEn: 'blue' },
  3: { status: '良好', statusEn: 'good', colour: '绿', colourEn: 'green' },
  4: { status: '轻度污染', statusEn: 'lightly polluted', colour: '黄', colourEn: 'yellow' },
  5: { status: '中度污染', statusEn: 'moderately polluted', colour: '橙', colourEn: 'orange' },
  6: { status: '重度污染', statusEn: 'heavily polluted', colour: '红', colourEn: 'red' },
};

export interface SurfaceWaterInput {
  /** Measured values (mg/L; pH dimensionless; faecal coliform 个/L), numbers or decimal text. Absent = not measured. */
  values: Partial<Record<SurfaceWaterFactor, number | string | null>>;
  /** Rivers use the river TP column; lakes and reservoirs the lake column. Default `'river'`. */
  waterBody?: 'river' | 'lake';
  /** DO saturation in %, which meets class I at ≥ 90 even when DO < 7.5 mg/L. */
  doSaturationPercent?: number | string;
  /** The class the exceedance multiples are computed against (the section's target). Default III. */
  targetClass?: 1 | 2 | 3 | 4 | 5;
  /**
   * Also let TN and faecal coliform decide the class. The 2011 assessment method excludes both (TN is judged
   * separately for lakes, with trophic state), so both default to false; they are classified either way.
   */
  includeTotalNitrogen?: boolean;
  includeFecalColiform?: boolean;
}

export interface FactorClassification {
  factor: SurfaceWaterFactor;
  nameZh: string;
  value: string;
  waterClass: WaterClass;
  className: string;
  /** Whether this factor takes part in the section class (see `includeTotalNitrogen`, `includeFecalColiform`). */
  evaluated: boolean;
  /** (C − limit)/limit against the target class, GB/T 8170 to 2 decimals; null when within it, and for DO and pH. */
  exceedanceMultiple: number | null;
}

export interface SurfaceWaterClassification {
  waterClass: WaterClass;
  className: string;
  status: string;
  colour: string;
  /** Every measured factor with its own class. */
  factors: FactorClassification[];
  /** The evaluated factors whose class is the section's class (none when the section is class I). */
  limitingFactors: FactorClassification[];
  targetClass: 1 | 2 | 3 | 4 | 5;
  /** Evaluated factors worse than the target class, with their exceedance multiples (超标因子). */
  exceedingFactors: FactorClassification[];
  meetsTarget: boolean;
}

/**
 * Surface-water class of a section by the single-factor method (GB 3838-2002 table 1; 地表水环境质量评价办法（试行）):
 * each factor's class is the best class whose limit it meets, limits inclusive (DO "≥", pH 6–9); a factor that
 * meets no class is 劣V; the section takes the worst evaluated factor's class.
 */
export function classifySurfaceWater(input: SurfaceWaterInput): SurfaceWaterClassification {
  const targetClass = input.targetClass ?? 3;
  const waterBody = input.waterBody ?? 'river';
  const saturation = input.doSaturationPercent === undefined ? null : read('DO saturation', input.doSaturationPercent);
  const factors: FactorClassification[] = [];
  for (const [factor, raw] of Object.entries(input.values) as [SurfaceWaterFactor, number | string | null | undefined][]) {
    if (raw === undefined || raw === null || raw === '') continue;
    const definition = GB3838_LIMITS[factor];
    if (!definition) throw new WaterInputError('invalid_value', `unknown GB 3838 factor ${factor}`);
    const value = read(factor, raw);
    const limits = factor === 'TP' && waterBody === 'lake' ? TP_LAKE_LIMITS : definition.limits;
    const waterClass = classOf(factor, value, limits, saturation);
    const evaluated = (factor !== 'TN' || input.includeTotalNitrogen === true) && (factor !== 'FecalColiform' || input.includeFecalColiform === true);
    const multiple =
      waterClass > targetClass && factor !== 'DO' && factor !== 'pH' ? exceedanceMultiple(value, toDecimal(limits[targetClass - 1] as string)) : null;
    factors.push({
      factor,
      nameZh: definition.nameZh,
      value: typeof raw === 'number' ? String(raw) : raw.trim(),
      waterClass,
      className: WATER_CLASS_NAMES[waterClass],
      evaluated,
      exceedanceMultiple: multiple,
    });
  }
  const evaluated = factors.filter((factor) => factor.evaluated);
  if (evaluated.length === 0) throw new WaterInputError('no_factors', 'no evaluated factor has a value');
  const waterClass = evaluated.reduce<WaterClass>((worst, factor) => (factor.waterClass > worst ? factor.waterClass : worst), 1);
  return {
    waterClass,
    className: WATER_CLASS_NAMES[waterClass],
    status: WATER_CLASS_STATUS[waterClass].status,
    colour: WATER_CLASS_STATUS[waterClass].colour,
    factors,
    limitingFactors: waterClass === 1 ? [] : evaluated.filter((factor) => factor.waterClass === waterClass),
    targetClass,
    exceedingFactors: evaluated.filter((factor) => factor.waterClass > targetClass),
    meetsTarget: waterClass <= targetClass,
  };
}

function classOf(factor: SurfaceWaterFactor, value: Decimal, limits: readonly string[], saturation: Decimal | null): WaterClass {
  if (factor === 'pH') {
    return compareDecimal(value, toDecimal('6')) >= 0 && compareDecimal(value, toDecimal('9')) <= 0 ? 1 : 6;
  }
  if (factor === 'DO') {
    if (saturation !== null && compareDecimal(saturation, toDecimal(DO_CLASS_I_SATURATION_PERCENT)) >= 0) return 1;
    for (let index = 0; index < 5; index++) if (compareDecimal(value, toDecimal(limits[index] as string)) >= 0) return (index + 1) as WaterClass;
    return 6;
  }
  for (let index = 0; index < 5; index++) if (compareDecimal(value, toDecimal(limits[index] as string)) <= 0) return (index + 1) as WaterClass;
  return 6;
}

function read(name: string, raw: number | string): Decimal {
  try {
    const value = toDecimal(raw);
    if (value.coefficient < 0n) throw new WaterInputError('invalid_value', `negative value for ${name}: ${raw}`);
    return value;
  } catch (error) {
    if (error instanceof DecimalInputError) throw new WaterInputError('invalid_value', `${name}: ${error.message}`);
    throw error;
  }
}
