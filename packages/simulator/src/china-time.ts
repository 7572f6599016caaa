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
