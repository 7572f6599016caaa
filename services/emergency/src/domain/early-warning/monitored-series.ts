import { GB3095_2026_TRANSITION, GB3838_LIMITS, type AmbientPollutant, type SurfaceWaterFactor } from '@ecogrid/standards';
import type { SeriesLimit } from './series-limit';

/**
 * Which devices are watched, and against which limits (services/emergency/README.md, "Early warning", has the rule
 * as a table).
 * - A **water station** within `waterSourceRadiusM` of a drinking-water source (a registry target) watches the
 *   source: GB 3838 class II where the nearest zone is a 一级保护区, class III otherwise — or the device's own
 *   registry limit where that is stricter.
 * - Any other water station is a **river section** (涑水河, 姚暹渠…): the device's registry limit, which is the
 *   section's assessment target set by the bureau, else GB 3838 class `riverClass` (III by default).
 * - An **air station** within `toxicGasRadiusM` of a risk source (hazardous-chemical store or hazardous-waste site)
 *   is a **toxic-gas monitor**: CO, SO2, NO2, NOx against the GB 3095-2026 1-hour grade II limits; H2S (a21028),
 *   NH3 (a21001), Cl2 (a21022) and non-methane hydrocarbons (VOCs, a24088) only where the registry gives a limit —
 *   no ambient standard has one, and the boundary (GB 14554) or workplace (GBZ 2.1) limits that exist are set for
 *   other places and averaging times, so the bureau registers the level it wants watched.
 * Everything else is not watched: emission points and their permit limits are alerting's.
 */
export type SeriesKind = 'river_section' | 'water_source' | 'toxic_gas';

export type WaterClassNumber = 1 | 2 | 3 | 4 | 5;

export interface DeviceFacts {
  readonly mn: string;
  readonly kind: 'water_station' | 'air_station' | 'other';
  readonly factors: ReadonlyArray<{ readonly code: string; readonly unit: string; readonly limit?: number | undefined }>;
  /** The nearest drinking-water source zone within reach, if any. */
  readonly drinkingWaterSource?: { readonly id: string; readonly name: string; readonly firstGradeZone: boolean; readonly distanceM: number } | undefined;
  /** The nearest risk source within reach, if any. */
  readonly riskSource?: { readonly id: string; readonly name: string; readonly distanceM: number } | undefined;
}

export interface ClassificationRules {
  readonly waterSourceRadiusM: number;
  readonly toxicGasRadiusM: number;
  readonly riverClass: WaterClassNumber;
}

export const DEFAULT_CLASSIFICATION_RULES: ClassificationRules = { waterSourceRadiusM: 1_000, toxicGasRadiusM: 1_000, riverClass: 3 };

export interface MonitoredFactor {
  readonly code: string;
  readonly nameZh: string;
  readonly unit: string;
  readonly limit: SeriesLimit;
  /** Where the limit comes from, for the evidence: "GB 3838-2002 III 类", "登记限值", "GB 3095-2026 1 小时平均 二级". */
  readonly limitSource: string;
}

export interface MonitoredDevice {
  readonly mn: string;
  readonly seriesKind: SeriesKind;
  /** The water source or risk source that made the device watched, if any. */
  readonly relatedTargetId: string | null;
  readonly factors: readonly MonitoredFactor[];
}

/** HJ 212-2017 water codes of the GB 3838 basic items watched. TN is left out: it is assessed for lakes only. */
const WATER_FACTORS: Readonly<Record<string, SurfaceWaterFactor>> = {
  w01001: 'pH',
  w01009: 'DO',
  w01019: 'CODMn',
  w01018: 'COD',
  w01017: 'BOD5',
  w21003: 'NH3N',
  w21011: 'TP',
};

const TOXIC_GASES: Readonly<Record<string, { pollutant: AmbientPollutant | null; nameZh: string }>> = {
  a21005: { pollutant: 'CO', nameZh: '一氧化碳' },
  a21026: { pollutant: 'SO2', nameZh: '二氧化硫' },
  a21004: { pollutant: 'NO2', nameZh: '二氧化氮' },
  a21002: { pollutant: 'NOx', nameZh: '氮氧化物' },
  a21028: { pollutant: null, nameZh: '硫化氢' },
  a21001: { pollutant: null, nameZh: '氨' },
  a21022: { pollutant: null, nameZh: '氯气' },
  a24088: { pollutant: null, nameZh: '非甲烷总烃' },
};

const CLASS_NAMES = ['I', 'II', 'III', 'IV', 'V'] as const;

/** 'ug/m3', 'µg/m³', 'μg/m3' → 'µg/m³'; 'mg/m3' → 'mg/m³'; anything else unchanged. */
function normalizeUnit(unit: string): string {
  const compact = unit.replace(/\s+/g, '').replace('³', '3').toLowerCase();
  if (compact === 'ug/m3' || compact === 'µg/m3' || compact === 'μg/m3') return 'µg/m³';
  if (compact === 'mg/m3') return 'mg/m³';
  return unit;
}

/** A GB 3095 limit (in its table's unit) in the unit the device sends, or null when the units do not convert. */
function inDeviceUnit(value: number, tableUnit: 'µg/m³' | 'mg/m³', deviceUnit: string): number | null {
  const unit = normalizeUnit(deviceUnit);
  if (unit === tableUnit || unit === '') return value;
  if (unit === 'µg/m³' && tableUnit === 'mg/m³') return value * 1_000;
  if (unit === 'mg/m³' && tableUnit === 'µg/m³') return value / 1_000;
  return null;
}

function waterFactor(code: string, registryLimit: number | undefined, waterClass: WaterClassNumber, registryWins: 'always' | 'when_stricter'): MonitoredFactor | null {
  const factor = WATER_FACTORS[code];
  if (!factor) return null;
  const standard = GB3838_LIMITS[factor];
  const classText = standard.limits[waterClass - 1] as string;
  const source = `GB 3838-2002 ${CLASS_NAMES[waterClass - 1]} 类`;
  if (standard.sense === 'range') {
    const [low, high] = classText.split('-').map(Number) as [number, number];
    return { code, nameZh: standard.nameZh, unit: standard.unit, limit: { kind: 'range', low, high }, limitSource: source };
  }
  const classLimit = Number(classText);
  const kind = standard.sense === '≥' ? 'lower' : 'upper';
  // A registry limit on DO would be a floor; the registry's format only knows ceilings, so DO always takes the class.
  const usable = registryLimit !== undefined && registryLimit > 0 && kind === 'upper';
  const useRegistry = usable && (registryWins === 'always' || (registryLimit as number) < classLimit);
  return {
    code,
    nameZh: standard.nameZh,
    unit: standard.unit,
    limit: { kind, value: useRegistry ? (registryLimit as number) : classLimit },
    limitSource: useRegistry ? '登记限值' : source,
  };
}

export function classifyDevice(facts: DeviceFacts, rules: ClassificationRules = DEFAULT_CLASSIFICATION_RULES): MonitoredDevice | null {
  if (facts.kind === 'water_station') {
    const source = facts.drinkingWaterSource && facts.drinkingWaterSource.distanceM <= rules.waterSourceRadiusM ? facts.drinkingWaterSource : undefined;
    const factors = facts.factors
      .map((factor) => (source ? waterFactor(factor.code, factor.limit, source.firstGradeZone ? 2 : 3, 'when_stricter') : waterFactor(factor.code, factor.limit, rules.riverClass, 'always')))
      .filter((factor): factor is MonitoredFactor => factor !== null);
    if (factors.length === 0) return null;
    return { mn: facts.mn, seriesKind: source ? 'water_source' : 'river_section', relatedTargetId: source?.id ?? null, factors };
  }
  if (facts.kind === 'air_station' && facts.riskSource && facts.riskSource.distanceM <= rules.toxicGasRadiusM) {
    const factors: MonitoredFactor[] = [];
    for (const factor of facts.factors) {
      const gas = TOXIC_GASES[factor.code];
      if (!gas) continue;
      if (factor.limit !== undefined && factor.limit > 0) {
        factors.push({ code: factor.code, nameZh: gas.nameZh, unit: normalizeUnit(factor.unit), limit: { kind: 'upper', value: factor.limit }, limitSource: '登记限值' });
        continue;
      }
      const row = gas.pollutant ? GB3095_2026_TRANSITION.find((limit) => limit.pollutant === gas.pollutant && limit.period === '1h') : undefined;
      if (!row) continue;
      const value = inDeviceUnit(Number(row.grade2), row.unit, factor.unit);
      if (value === null) continue;
      factors.push({ code: factor.code, nameZh: gas.nameZh, unit: normalizeUnit(factor.unit) || row.unit, limit: { kind: 'upper', value }, limitSource: 'GB 3095-2026 1 小时平均 二级' });
    }
    if (factors.length === 0) return null;
    return { mn: facts.mn, seriesKind: 'toxic_gas', relatedTargetId: facts.riskSource.id, factors };
  }
  return null;
}
