/** The district's local time zone (China Standard Time, no daylight saving). */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The local calendar day of an instant in Yanhu, as YYYYMMDD. Case numbers restart each local day. */
export function localDay(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/** `YH-20261129-000123`: district prefix, local day, the day's running number. */
export function formatCaseId(prefix: string, day: string, number: number): string {
  if (!Number.isInteger(number) || number < 1) throw new Error(`case number must be a positive integer, got ${number}`);
  return `${prefix}-${day}-${String(number).padStart(6, '0')}`;
}

export const CASE_ID_PATTERN = /^[A-Z]{2,8}-\d{8}-\d{6,}$/;
