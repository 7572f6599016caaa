import { StandardsError } from './standards-error';

export class EffectiveDateError extends StandardsError<'invalid_date'> {}

/**
 * The calendar day in China Standard Time (UTC+8) on which a datum falls, as `YYYY-MM-DD`, to choose the version
 * of a standard in force. Accepts a `Date` (an instant), `YYYY-MM-DD`, `YYYYMMDD`, an HJ 212 time
 * `YYYYMMDDhhmmss` (local time, as devices send it) or an ISO 8601 date-time with an offset.
 */
export function chinaCalendarDay(date: Date | string): string {
  if (typeof date === 'string') {
    const compact = /^(\d{4})(\d{2})(\d{2})(?:\d{6}(?:\d{3})?)?$/.exec(date);
    if (compact) return checked(`${compact[1]}-${compact[2]}-${compact[3]}`, date);
    if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return checked(date, date);
    if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(date)) throw new EffectiveDateError('invalid_date', `a date-time needs an offset: ${date}`);
    return chinaCalendarDay(new Date(date));
  }
  if (Number.isNaN(date.getTime())) throw new EffectiveDateError('invalid_date', 'invalid Date');
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function checked(day: string, input: string): string {
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) {
    throw new EffectiveDateError('invalid_date', `not a calendar date: ${input}`);
  }
  return day;
}
