import { DomainError } from '@ecogrid/domain-errors';

/** A partner's allowance. */
export interface QuotaPolicy {
  requestsPerSecond: number;
  rowsPerDay: number;
  /** The most records one page returns, whatever `limit` asks. */
  pageCap: number;
}

export const DEFAULT_QUOTA: QuotaPolicy = { requestsPerSecond: 20, rowsPerDay: 100_000, pageCap: 500 };

/** The page size to serve: what was asked, within the partner's cap; the cap when nothing was asked. */
export function pageSize(asked: number | undefined, policy: QuotaPolicy): number {
  if (asked === undefined) return policy.pageCap;
  return Math.max(1, Math.min(asked, policy.pageCap));
}

/** Seconds until the day's row allowance renews: the next midnight in China Standard Time (UTC+8). */
export function secondsUntilQuotaDayEnds(now: Date): number {
  const shifted = now.getTime() + 8 * 3600_000;
  const nextMidnight = Math.floor(shifted / 86_400_000 + 1) * 86_400_000;
  return Math.max(1, Math.ceil((nextMidnight - shifted) / 1000));
}

/** The quota day a time belongs to (China Standard Time), `YYYY-MM-DD`: the key of its row counter. */
export function quotaDay(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** A partner over its allowance: answered 429 with `Retry-After`. */
export class QuotaExceeded extends DomainError {
  constructor(
    readonly quota: 'requests_per_second' | 'rows_per_day',
    readonly retryAfterSeconds: number,
  ) {
    super('RESOURCE_EXHAUSTED', quota === 'rows_per_day' ? 'the day’s row allowance is spent' : 'too many requests per second', { reason: `quota_${quota}` });
  }
}
