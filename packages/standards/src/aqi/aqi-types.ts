/** HJ 633-2012, or HJ 633-2026 (in force 2026-03-01). */
export type AqiVersion = 'HJ633-2012' | 'HJ633-2026';

/** Real-time (hourly) report, or daily report (HJ 633 §5). */
export type AqiReport = 'hourly' | 'daily';

export type AqiPollutant = 'SO2' | 'NO2' | 'PM10' | 'PM2.5' | 'CO' | 'O3';

/**
 * A pollutant at an averaging time, as HJ 633 table 1 lists them. `O3_8h` is the daily maximum 8-hour mean in a
 * daily report and the 8-hour moving mean in a 2012 hourly report; `O3_1h` in a daily report is the daily
 * maximum 1-hour mean; `PM10_24h`/`PM25_24h` in a 2012 hourly report are 24-hour moving means. CO in mg/m³,
 * all others µg/m³.
 */
export type AqiIndicator =
  | 'SO2_1h'
  | 'SO2_24h'
  | 'NO2_1h'
  | 'NO2_24h'
  | 'PM10_1h'
  | 'PM10_24h'
  | 'PM25_1h'
  | 'PM25_24h'
  | 'CO_1h'
  | 'CO_24h'
  | 'O3_1h'
  | 'O3_8h';

/** What to do above the top breakpoint, which HJ 633 leaves undefined (STANDARDS.md §2.2, §8.7). */
export type AboveScalePolicy = 'cap' | 'extrapolate' | 'null';
