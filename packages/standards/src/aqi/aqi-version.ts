import { chinaCalendarDay } from '../effective-date';
import { type AqiVersion } from './aqi-types';

/** HJ 633-2026 applies to data from this day (China Standard Time) on. */
export const HJ633_2026_EFFECTIVE = '2026-03-01';

/**
 * The AQI version that judges data of a given time: HJ 633-2012 before 2026-03-01 (China Standard Time),
 * HJ 633-2026 from then. Pass the start of the averaging period (the hour, or the natural day), not the time the
 * report is published.
 */
export function aqiVersionFor(date: Date | string): AqiVersion {
  return chinaCalendarDay(date) >= HJ633_2026_EFFECTIVE ? 'HJ633-2026' : 'HJ633-2012';
}
