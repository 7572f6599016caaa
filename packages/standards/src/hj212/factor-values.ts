import { type Hj212FactorFields } from './hj212-frame';

/** An interval statistic of table 4: real-time value, minimum, average or maximum. */
export type Hj212Statistic = 'Rtd' | 'Min' | 'Avg' | 'Max';

/**
 * The value to hold against an emission limit: the converted (折算, `Zs…`) value when the frame carries one, as
 * the flue-gas emission standards judge concentrations at the reference oxygen content (HJ 212-2017 table 4
 * defines `ZsRtd`/`ZsMin`/`ZsAvg`/`ZsMax` for this); otherwise the measured value. `null` when neither is there.
 */
export function emissionValue(fields: Hj212FactorFields, statistic: Hj212Statistic): { value: string; converted: boolean } | null {
  const converted = fields[`Zs${statistic}`];
  if (converted !== undefined) return { value: converted, converted: true };
  const measured = fields[statistic];
  return measured === undefined ? null : { value: measured, converted: false };
}

/**
 * An HJ 212 time (`DataTime`, `SampleTime`, …: YYYYMMDDhhmmss, or QN's YYYYMMDDhhmmsszzz) as ISO 8601 with the
 * China Standard Time offset devices keep, or `null` if it is not a valid time.
 */
export function hj212TimeToIso(text: string): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, millis] = match;
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}${millis ? `.${millis}` : ''}+08:00`;
  const parsed = new Date(iso);
  if (Number.isNaN(parsed.getTime())) return null;
  // Reject rolled-over dates such as 20240230: the instant must print back to the same local fields.
  const local = new Date(parsed.getTime() + 8 * 3600_000).toISOString();
  return local.slice(0, 19) === iso.slice(0, 19) ? iso : null;
}
