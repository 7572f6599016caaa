import { type AqiIndicator, type AqiPollutant, type AqiReport, type AqiVersion } from './aqi-types';

/** IAQI at each breakpoint (HJ 633-2012 table 1 and HJ 633-2026 table 3, first column). */
export const IAQI_LEVELS: readonly number[] = [0, 50, 100, 150, 200, 300, 400, 500];

/**
 * Concentration breakpoints per indicator, index-aligned with `IAQI_LEVELS` (µg/m³; CO mg/m³). Shorter rows stop
 * where the standard stops: SO2 1 h at 800 (IAQI 200) and O3 8 h at 800 (IAQI 300), above which special rules
 * apply. The only differences between the versions are PM10 24 h and PM2.5 24 h at IAQI 100 (150 → 120 and
 * 75 → 60), [V-primary] per STANDARDS.md §2.1.
 */
const COMMON: Record<Exclude<AqiIndicator, 'PM10_24h' | 'PM25_24h' | 'PM10_1h' | 'PM25_1h'>, readonly number[]> = {
  SO2_24h: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  SO2_1h: [0, 150, 500, 650, 800],
  NO2_24h: [0, 40, 80, 180, 280, 565, 750, 940],
  NO2_1h: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  CO_24h: [0, 2, 4, 14, 24, 36, 48, 60],
  CO_1h: [0, 5, 10, 35, 60, 90, 120, 150],
  O3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  O3_8h: [0, 100, 160, 215, 265, 800],
};

const PM_2012 = { PM10_24h: [0, 50, 150, 250, 350, 420, 500, 600], PM25_24h: [0, 35, 75, 115, 150, 250, 350, 500] } as const;
const PM_2026 = { PM10_24h: [0, 50, 120, 250, 350, 420, 500, 600], PM25_24h: [0, 35, 60, 115, 150, 250, 350, 500] } as const;

/**
 * The breakpoint row for an indicator under a version, or `null` where the version defines no IAQI for it.
 * HJ 633-2026 rates 1-hour PM against the 24-hour breakpoints (§4.2); HJ 633-2012 gives 1-hour PM no IAQI.
 */
export function breakpointsFor(indicator: AqiIndicator, version: AqiVersion): readonly number[] | null {
  const pm = version === 'HJ633-2012' ? PM_2012 : PM_2026;
  switch (indicator) {
    case 'PM10_24h':
      return pm.PM10_24h;
    case 'PM25_24h':
      return pm.PM25_24h;
    case 'PM10_1h':
      return version === 'HJ633-2026' ? pm.PM10_24h : null;
    case 'PM25_1h':
      return version === 'HJ633-2026' ? pm.PM25_24h : null;
    default:
      return COMMON[indicator];
  }
}

export const INDICATOR_POLLUTANT: Readonly<Record<AqiIndicator, AqiPollutant>> = {
  SO2_1h: 'SO2',
  SO2_24h: 'SO2',
  NO2_1h: 'NO2',
  NO2_24h: 'NO2',
  PM10_1h: 'PM10',
  PM10_24h: 'PM10',
  PM25_1h: 'PM2.5',
  PM25_24h: 'PM2.5',
  CO_1h: 'CO',
  CO_24h: 'CO',
  O3_1h: 'O3',
  O3_8h: 'O3',
};

/**
 * The indicators each report rates (STANDARDS.md §2.3): HJ 633-2012 §5 daily 7 (O3 1 h daily max and 8 h daily
 * max), real-time 7 (1 h gases, O3 8 h moving, PM 24 h moving); HJ 633-2026 daily 6 (no O3 1 h), real-time 6
 * (all 1 h means).
 */
export const REPORT_INDICATORS: Readonly<Record<AqiVersion, Readonly<Record<AqiReport, readonly AqiIndicator[]>>>> = {
  'HJ633-2012': {
    daily: ['SO2_24h', 'NO2_24h', 'PM10_24h', 'CO_24h', 'O3_1h', 'O3_8h', 'PM25_24h'],
    hourly: ['SO2_1h', 'NO2_1h', 'PM10_24h', 'CO_1h', 'O3_1h', 'O3_8h', 'PM25_24h'],
  },
  'HJ633-2026': {
    daily: ['SO2_24h', 'NO2_24h', 'PM10_24h', 'CO_24h', 'O3_8h', 'PM25_24h'],
    hourly: ['SO2_1h', 'NO2_1h', 'PM10_1h', 'CO_1h', 'O3_1h', 'PM25_1h'],
  },
};

/** Decimals kept when HJ 633-2026 §4.2.2 rounds concentrations by GB/T 8170: CO to 0.1 mg/m³, others to 1 µg/m³. */
export function concentrationDecimals(indicator: AqiIndicator): number {
  return INDICATOR_POLLUTANT[indicator] === 'CO' ? 1 : 0;
}
