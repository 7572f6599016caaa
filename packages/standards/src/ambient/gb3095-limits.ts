/** GB 3095-2012 (with its 2018 amendment), or GB 3095-2026 (in force 2026-03-01). */
export type AmbientStandard = 'GB3095-2012' | 'GB3095-2026';

/** GB 3095-2026 §4.4: transition limits until 2030-12-31, final limits from 2031-01-01. */
export type AmbientPhase = 'transition' | 'final';

export type AmbientPollutant = 'SO2' | 'NO2' | 'CO' | 'O3' | 'PM10' | 'PM2.5' | 'TSP' | 'NOx' | 'Pb' | 'BaP';

/** Averaging period: annual, quarterly, 24-hour (daily), maximum daily 8-hour (O3), 1-hour. */
export type AveragingPeriod = 'annual' | 'quarterly' | '24h' | '8h' | '1h';

/** The limit of one pollutant and period for grade I (zone class 1) and grade II (zone class 2), as decimal text. */
export interface AmbientLimit {
  pollutant: AmbientPollutant;
  period: AveragingPeriod;
  grade1: string;
  grade2: string;
  unit: 'µg/m³' | 'mg/m³';
}

type Row = [AmbientPollutant, AveragingPeriod, string, string];

const rows = (list: Row[]): AmbientLimit[] =>
  list.map(([pollutant, period, grade1, grade2]) => ({ pollutant, period, grade1, grade2, unit: pollutant === 'CO' ? 'mg/m³' : 'µg/m³' }));

const TABLE_2_2012: Row[] = [
  ['TSP', 'annual', '80', '200'],
  ['TSP', '24h', '120', '300'],
  ['NOx', 'annual', '50', '50'],
  ['NOx', '24h', '100', '100'],
  ['NOx', '1h', '250', '250'],
  ['Pb', 'annual', '0.5', '0.5'],
  ['Pb', 'quarterly', '1', '1'],
  ['BaP', 'annual', '0.001', '0.001'],
  ['BaP', '24h', '0.0025', '0.0025'],
];

/** GB 3095-2012 tables 1 and 2 (STANDARDS.md §3.1). */
export const GB3095_2012: readonly AmbientLimit[] = rows([
  ['SO2', 'annual', '20', '60'],
  ['SO2', '24h', '50', '150'],
  ['SO2', '1h', '150', '500'],
  ['NO2', 'annual', '40', '40'],
  ['NO2', '24h', '80', '80'],
  ['NO2', '1h', '200', '200'],
  ['CO', '24h', '4', '4'],
  ['CO', '1h', '10', '10'],
  ['O3', '8h', '100', '160'],
  ['O3', '1h', '160', '200'],
  ['PM10', 'annual', '40', '70'],
  ['PM10', '24h', '50', '150'],
  ['PM2.5', 'annual', '15', '35'],
  ['PM2.5', '24h', '35', '75'],
  ...TABLE_2_2012,
]);

const COMMON_2026: Row[] = [
  ['CO', '24h', '4', '4'],
  ['CO', '1h', '10', '10'],
  ['O3', '8h', '100', '160'],
  ['O3', '1h', '160', '200'],
  ['TSP', 'annual', '80', '200'],
  ['TSP', '24h', '120', '300'],
  ['Pb', 'annual', '0.5', '0.5'],
  ['Pb', 'quarterly', '1', '1'],
  ['BaP', 'annual', '0.001', '0.001'],
  ['BaP', '24h', '0.0025', '0.0025'],
];

/**
 * GB 3095-2026 table 1 transition limits (to 2030-12-31) and table 2 transition NOx (STANDARDS.md §3.2,
 * [V-primary] for table 1). NOx in table 2 is read as the same for both grades, as in 2012.
 */
export const GB3095_2026_TRANSITION: readonly AmbientLimit[] = rows([
  ['SO2', 'annual', '20', '60'],
  ['SO2', '24h', '50', '150'],
  ['SO2', '1h', '150', '500'],
  ['NO2', 'annual', '40', '40'],
  ['NO2', '24h', '80', '80'],
  ['NO2', '1h', '200', '200'],
  ['PM10', 'annual', '40', '60'],
  ['PM10', '24h', '50', '120'],
  ['PM2.5', 'annual', '15', '30'],
  ['PM2.5', '24h', '35', '60'],
  ['NOx', 'annual', '50', '50'],
  ['NOx', '24h', '100', '100'],
  ['NOx', '1h', '250', '250'],
  ...COMMON_2026,
]);

/** GB 3095-2026 table 1 final limits (from 2031-01-01) and table 2 NOx (40 / 70 / 250). */
export const GB3095_2026_FINAL: readonly AmbientLimit[] = rows([
  ['SO2', 'annual', '20', '20'],
  ['SO2', '24h', '50', '50'],
  ['SO2', '1h', '150', '150'],
  ['NO2', 'annual', '30', '30'],
  ['NO2', '24h', '50', '50'],
  ['NO2', '1h', '200', '200'],
  ['PM10', 'annual', '20', '50'],
  ['PM10', '24h', '50', '100'],
  ['PM2.5', 'annual', '10', '25'],
  ['PM2.5', '24h', '25', '50'],
  ['NOx', 'annual', '40', '40'],
  ['NOx', '24h', '70', '70'],
  ['NOx', '1h', '250', '250'],
  ...COMMON_2026,
]);

export const GB3095_2026_EFFECTIVE = '2026-03-01';
export const GB3095_2026_FINAL_FROM = '2031-01-01';

/** The limit table of a standard and phase. */
export function ambientLimits(standard: AmbientStandard, phase: AmbientPhase = 'transition'): readonly AmbientLimit[] {
  if (standard === 'GB3095-2012') return GB3095_2012;
  return phase === 'final' ? GB3095_2026_FINAL : GB3095_2026_TRANSITION;
}
