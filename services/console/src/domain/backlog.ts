import type { CaseSummary } from './case-view';

const HOUR_MS = 3_600_000;

/**
 * Cases open at some moment of each hour in [from, to): a case counts from its creation until it was closed, so one
 * opened and closed within the hour still shows (a count at the hour's end alone would miss every quick case). Merged
 * cases are left out: they live on in the case they were merged into. Hours are whole UTC hours (China has no DST, so
 * they are whole hours there too); the browser labels them in China time.
 */
export function backlogByHour(cases: readonly Pick<CaseSummary, 'createdAt' | 'closedAt' | 'status'>[], from: Date, to: Date): Array<{ hour: string; open: number }> {
  const first = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
  const spans = cases
    .filter((item) => item.createdAt !== null && item.status !== 'merged')
    .map((item) => ({ start: Date.parse(item.createdAt as string), end: item.closedAt === null ? Number.POSITIVE_INFINITY : Date.parse(item.closedAt) }));
  const hours: Array<{ hour: string; open: number }> = [];
  for (let start = first; start < to.getTime(); start += HOUR_MS) {
    const end = Math.min(start + HOUR_MS, to.getTime());
    hours.push({ hour: new Date(start).toISOString(), open: spans.filter((span) => span.start < end && span.end > start).length });
  }
  return hours;
}
