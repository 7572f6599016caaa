const CHINA_OFFSET_MS = 8 * 3_600_000;

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** An instant as HJ 212 writes it in Beijing time: `YYYYMMDDhhmmss` (DataTime, N14), with `zzz` for a QN. */
export function chinaDigits(epochMs: number, withMillis = false): string {
  const local = new Date(epochMs + CHINA_OFFSET_MS);
  const text =
    `${local.getUTCFullYear()}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}` +
    `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`;
  return withMillis ? `${text}${pad(local.getUTCMilliseconds(), 3)}` : text;
}

/** The start of the interval of `intervalMs` containing the instant, aligned in Beijing time (hours, 10 minutes…). */
export function alignDown(epochMs: number, intervalMs: number): number {
  const local = epochMs + CHINA_OFFSET_MS;
  return local - (((local % intervalMs) + intervalMs) % intervalMs) - CHINA_OFFSET_MS;
}

/** `YYYYMMDDhhmmss` in Beijing time (a 1012 SystemTime) as epoch milliseconds, or null when it is not a time. */
export function parseChinaDigits(text: string): number | null {
  if (!/^\d{14}$/.test(text)) return null;
  const millis = Date.UTC(Number(text.slice(0, 4)), Number(text.slice(4, 6)) - 1, Number(text.slice(6, 8)), Number(text.slice(8, 10)), Number(text.slice(10, 12)), Number(text.slice(12, 14)));
  return Number.isNaN(millis) ? null : millis - CHINA_OFFSET_MS;
}
