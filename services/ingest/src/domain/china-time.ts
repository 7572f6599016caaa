/**
 * HJ 212 times (`DataTime`, `QN`) are Beijing time written as digits, `YYYYMMDDhhmmss` — China has kept
 * UTC+8 without daylight saving since 1991, so the conversion is a fixed offset.
 */
const CHINA_OFFSET_HOURS = 8;

/**
 * `20261129155900` → the instant 2026-11-29T07:59:00Z, or null when the digits are not a real time. Seventeen
 * digits carry milliseconds (`20210305003817000`), as real devices send in DataTime and as QN always is.
 */
export function parseChinaDigits(text: string): Date | null {
  if (text.length !== 14 && text.length !== 17) return null;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return null;
  }
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(4, 6));
  const day = Number(text.slice(6, 8));
  const hour = Number(text.slice(8, 10));
  const minute = Number(text.slice(10, 12));
  const second = Number(text.slice(12, 14));
  const milliseconds = text.length === 17 ? Number(text.slice(14, 17)) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const millis = Date.UTC(year, month - 1, day, hour - CHINA_OFFSET_HOURS, minute, second, milliseconds);
  const check = new Date(millis + CHINA_OFFSET_HOURS * 3_600_000);
  // Date.UTC rolls 31 February over into March; a real device time never does.
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  return new Date(millis);
}

/** The inverse: an instant as HJ 212 digits in Beijing time. */
export function formatChinaDigits(instant: Date): string {
  const shifted = new Date(instant.getTime() + CHINA_OFFSET_HOURS * 3_600_000);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${pad(shifted.getUTCFullYear(), 4)}${pad(shifted.getUTCMonth() + 1)}${pad(shifted.getUTCDate())}${pad(shifted.getUTCHours())}${pad(shifted.getUTCMinutes())}${pad(shifted.getUTCSeconds())}`;
}
