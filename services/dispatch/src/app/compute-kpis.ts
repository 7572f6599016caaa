import { invalidArgument } from '@ecogrid/domain-errors';
import type { Actor } from '../domain/case';
import type { Kpis } from '../domain/kpis';
import type { DispatchRuntime } from './runtime';
import { scopeOf } from './read-cases';

export interface KpiQuery {
  from?: Date;
  to?: Date;
  townshipCode?: string;
  officerId?: string;
}

const DAY_MS = 86_400_000;
/** The longest KPI period asked in one query. */
export const MAX_RANGE_DAYS = 366;

/**
 * On-time rate (电子督办处置率) per unit, officer and period, step durations, backlog and the overdue list,
 * aggregated by the store from the case histories for the period (default: the last 30 days, at most 366), within
 * the caller's scope (a supervisor's unit, an officer's own cases).
 */
export function createComputeKpis(runtime: DispatchRuntime) {
  return async function kpis(query: KpiQuery, actor: Actor): Promise<Kpis> {
    const now = runtime.clock.now();
    const to = query.to ?? now;
    const from = query.from ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from.getTime() >= to.getTime()) throw invalidArgument('from', 'from must be before to', 'invalid_range');
    // A bounded question keeps the aggregation bounded: a year and a day covers any annual report.
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw invalidArgument('from', `a KPI period spans at most ${MAX_RANGE_DAYS} days`, 'range_too_wide');
    const scope = scopeOf(actor, query);
    const officerId = scope.officerId ?? query.officerId;
    const townshipCode = scope.townshipCode ?? query.townshipCode;
    return runtime.store.kpis({ from, to, now, ...(townshipCode ? { townshipCode } : {}), ...(officerId ? { officerId } : {}) });
  };
}

export type ComputeKpis = ReturnType<typeof createComputeKpis>;
