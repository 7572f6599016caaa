import { aqiCategory, type AqiCategory } from './aqi-category';
import { type AboveScalePolicy, type AqiIndicator, type AqiPollutant, type AqiReport, type AqiVersion } from './aqi-types';
import { aqiVersionFor } from './aqi-version';
import { REPORT_INDICATORS } from './breakpoints';
import { AqiInputError, computeIaqi, type IaqiResult } from './compute-iaqi';

export interface AqiInput {
  /** The rules to apply; or give `date` (the start of the hour or day the data covers) to choose them. */
  version?: AqiVersion;
  date?: Date | string;
  report: AqiReport;
  /**
   * Concentrations by indicator (µg/m³; CO mg/m³). Only the report's indicators are used (see
   * `REPORT_INDICATORS`), so a caller may pass a superset and let the version decide; null means missing.
   * A 2012 hourly report also uses `SO2_24h` when `SO2_1h` exceeds 800.
   */
  concentrations: Partial<Record<AqiIndicator, number | string | null>>;
  aboveScale?: AboveScalePolicy;
  /** Round concentrations by GB/T 8170 under HJ 633-2012 too (always done under 2026). */
  roundConcentrations?: boolean;
}

export interface AqiResult {
  version: AqiVersion;
  report: AqiReport;
  /** max(IAQI) over the rated indicators, or null if none could be rated. */
  aqi: number | null;
  category: AqiCategory | null;
  /** 首要污染物: the pollutants with the highest IAQI, all of them on a tie, only when AQI > 50. */
  primaryPollutants: AqiPollutant[];
  /** The indicators behind the primary pollutants (e.g. `O3_8h`). */
  primaryIndicators: AqiIndicator[];
  /** 超标污染物 (IAQI > 100), HJ 633-2012 §3.4 only; `null` under 2026, which deleted the concept. */
  exceedingPollutants: AqiPollutant[] | null;
  iaqis: IaqiResult[];
  /** Report indicators with no usable value. */
  missing: AqiIndicator[];
  complete: boolean;
  /**
   * Whether the AQI may be published: under HJ 633-2026 §5.3.1 an incomplete set is published only when the AQI
   * of the rest exceeds 100 (otherwise publish the IAQIs and AQI "NA"); under 2012, when complete.
   */
  publishable: boolean;
}

/**
 * Air quality index for an hourly (real-time) or daily report (HJ 633-2012 §4–5; HJ 633-2026 §4–5): the maximum
 * IAQI of the report's indicators, its category, and the primary pollutants when AQI > 50.
 */
export function computeAqi(input: AqiInput): AqiResult {
  const version = input.version ?? (input.date !== undefined ? aqiVersionFor(input.date) : null);
  if (version === null) throw new AqiInputError('missing_version', 'give a version or the date of the data');
  const indicators = REPORT_INDICATORS[version][input.report];
  const iaqis: IaqiResult[] = [];
  const missing: AqiIndicator[] = [];
  const options = { version, aboveScale: input.aboveScale, roundConcentration: input.roundConcentrations };
  for (const indicator of indicators) {
    const concentration = input.concentrations[indicator];
    if (concentration === undefined || concentration === null || concentration === '') {
      missing.push(indicator);
      continue;
    }
    const rated = computeIaqi({ ...options, indicator, concentration });
    iaqis.push(rated);
    if (rated.rule === 'so2_1h_above_800_use_24h') {
      const daily = input.concentrations.SO2_24h;
      if (daily === undefined || daily === null || daily === '') missing.push('SO2_24h');
      else iaqis.push(computeIaqi({ ...options, indicator: 'SO2_24h', concentration: daily }));
    }
  }
  let aqi: number | null = null;
  for (const rated of iaqis) if (rated.iaqi !== null && (aqi === null || rated.iaqi > aqi)) aqi = rated.iaqi;
  const primary = aqi !== null && aqi > 50 ? iaqis.filter((rated) => rated.iaqi === aqi) : [];
  const complete = missing.length === 0;
  return {
    version,
    report: input.report,
    aqi,
    category: aqi === null ? null : aqiCategory(aqi),
    primaryPollutants: unique(primary.map((rated) => rated.pollutant)),
    primaryIndicators: primary.map((rated) => rated.indicator),
    exceedingPollutants:
      version === 'HJ633-2012' ? unique(iaqis.filter((rated) => rated.iaqi !== null && rated.iaqi > 100).map((rated) => rated.pollutant)) : null,
    iaqis,
    missing,
    complete,
    publishable: aqi !== null && (complete || (version === 'HJ633-2026' && aqi > 100)),
  };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
