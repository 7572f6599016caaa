import type { DataFlag } from './observation';

/**
 * Data-transmission rates as regulators assess them (STANDARDS.md §9.3.1):
 * - 数据传输率 (transmission rate) = records received (实收) ÷ records expected (应收);
 * - 数据有效率 (validity rate) = valid records ÷ records received;
 * - 数据传输有效率 (effective transmission rate) = transmission rate × validity rate (= valid ÷ expected).
 * The national definition counts hourly records; the minute basis is offered for closer looks (a back-filled outage).
 */
export type RateBasis = 'hour' | 'minute';
export type RatePeriodKind = 'day' | 'month';

/** What was expected of a device (or an enterprise's devices) in a period and what came. */
export interface RecordTally {
  /** 应收: periods of the basis that ended within the assessed period (up to now for the current one). */
  expected: number;
  /** 实收: distinct records received for those periods, late ones (back-filled) included. */
  received: number;
  /** Received in time, without a back-fill or re-send (the figure an assessment cut-off at generation would see). */
  receivedOnTime: number;
  /** Received with every value flagged N (HJ 212 table 8; STANDARDS.md §9.3.4). */
  valid: number;
}

export interface TransmissionRates extends RecordTally {
  /** null when nothing was expected (a ratio of nothing is not 0 % and not 100 %). */
  transmissionRate: number | null;
  onTimeTransmissionRate: number | null;
  /** null when nothing was received. */
  validityRate: number | null;
  effectiveTransmissionRate: number | null;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? Math.min(part, whole) / whole : null);

/** The three national rates (and the on-time transmission rate) of a tally. More records than periods count as all. */
export function transmissionRates(tally: RecordTally): TransmissionRates {
  const received = Math.min(tally.received, tally.expected);
  const transmissionRate = ratio(received, tally.expected);
  const validityRate = ratio(Math.min(tally.valid, received), received);
  return {
    ...tally,
    transmissionRate,
    onTimeTransmissionRate: ratio(tally.receivedOnTime, tally.expected),
    validityRate,
    effectiveTransmissionRate: transmissionRate === null ? null : validityRate === null ? 0 : transmissionRate * validityRate,
  };
}

/** An enterprise's tally: the sum over its devices (each outlet's periods count alike). */
export function sumTallies(tallies: readonly RecordTally[]): RecordTally {
  return tallies.reduce((sum, t) => ({ expected: sum.expected + t.expected, received: sum.received + t.received, receivedOnTime: sum.receivedOnTime + t.receivedOnTime, valid: sum.valid + t.valid }), {
    expected: 0,
    received: 0,
    receivedOnTime: 0,
    valid: 0,
  });
}

/** A record is valid only when every value in it is flagged N: M, S, D, C, B are invalid; F and T count as not valid too (no 停运 records are kept). */
export function flagClass(flags: Iterable<DataFlag>): 'valid' | 'invalid' {
  for (const flag of flags) if (flag !== 'N') return 'invalid';
  return 'valid';
}

/**
 * Whether a record arrived in time: not marked re-sent (RF=1) and received within `graceMs` after its period ended
 * (STANDARDS.md §9.4.4 calls later arrivals "late push": beyond 2 × MinInterval for minute data, 1 h for hour data).
 */
export function arrivedOnTime(record: { dataTime: Date; receivedTime: Date; resend: boolean }, intervalMs: number, graceMs: number): boolean {
  return !record.resend && record.receivedTime.getTime() - (record.dataTime.getTime() + intervalMs) <= graceMs;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** A day (`2026-12-06`) or month (`2026-12`) in Beijing time as [start, end); null when the text is not one. */
export function ratePeriod(kind: RatePeriodKind, text: string): { start: Date; end: Date } | null {
  if (kind === 'day') {
    const match = DAY.exec(text);
    if (!match) return null;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const start = Date.UTC(year, month - 1, day) - CHINA_OFFSET_MS;
    const check = new Date(start + CHINA_OFFSET_MS);
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
    return { start: new Date(start), end: new Date(start + 86_400_000) };
  }
  const match = MONTH.exec(text);
  if (!match) return null;
  const [year, month] = [Number(match[1]), Number(match[2])];
  if (month < 1 || month > 12) return null;
  return { start: new Date(Date.UTC(year, month - 1, 1) - CHINA_OFFSET_MS), end: new Date(Date.UTC(year, month, 1) - CHINA_OFFSET_MS) };
}

/** The Beijing day (`YYYY-MM-DD`) an instant falls in. */
export function chinaDay(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * 应收: periods of `intervalMs` (on the Beijing grid) that start within [start, end) and have ended by `now` — the
 * current hour is not yet owed. Approved 停运/停产 periods would come off here; the platform keeps none yet.
 */
export function expectedRecords(period: { start: Date; end: Date }, intervalMs: number, now: Date): number {
  const until = Math.min(period.end.getTime(), now.getTime() - intervalMs + 1);
  const first = Math.ceil((period.start.getTime() + CHINA_OFFSET_MS) / intervalMs) * intervalMs - CHINA_OFFSET_MS;
  if (until <= first) return 0;
  return Math.floor((until - 1 - first) / intervalMs) + 1;
}
