import type { AmbientPollutant, AqiPollutant } from '@ecogrid/standards';

/** The six AQI pollutants by HJ 212 factor code (O3 by the HJ 524 code ambient stations send). */
export const AQI_FACTORS: Readonly<Record<string, AqiPollutant & AmbientPollutant>> = {
  a21026: 'SO2',
  a21004: 'NO2',
  a34002: 'PM10',
  a34004: 'PM2.5',
  a21005: 'CO',
  a05024: 'O3',
};

export const FACTOR_OF_POLLUTANT: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(AQI_FACTORS).map(([code, pollutant]) => [pollutant, code]));

/** Pollutants with a GB 3095 limit for each averaging period alerting judges (tables 1 of 2012 and 2026). */
export const POLLUTANTS_WITH_LIMIT: Readonly<Record<'1h' | '8h' | '24h', ReadonlySet<string>>> = {
  '1h': new Set(['SO2', 'NO2', 'CO', 'O3']),
  '8h': new Set(['O3']),
  '24h': new Set(['SO2', 'NO2', 'CO', 'PM10', 'PM2.5']),
};

const normalise = (unit: string): string => unit.replace(/\s/g, '').replace('³', '3').replace('μ', 'µ').replace(/^ug/, 'µg').toLowerCase();

/**
 * A station value in the unit HJ 633 and GB 3095 use: µg/m³, CO mg/m³. Stations configured in mg/m³ for
 * other pollutants (or µg/m³ for CO) are converted; an empty unit means the station already reports in those units.
 */
export function toAmbientUnit(pollutant: string, value: number, unit: string): number {
  const u = normalise(unit);
  if (pollutant === 'CO') return u === 'µg/m3' ? value / 1000 : value;
  return u === 'mg/m3' ? value * 1000 : value;
}
