import { invalidArgument } from '@ecogrid/domain-errors';
import type { Actor } from '../domain/case';
import { computeKpis, type Kpis } from '../domain/kpis';
import type { DispatchRuntime } from './runtime';
import { scopeOf } from './read-cases';

export interface KpiQuery {
  from?: Date;
  to?: Date;
  townshipCode?: string;
  officerId?: string;
}

const DAY_MS = 86_400_000;

/**
 * On-time rate (电子督办处置率) per unit, officer and period, step durations, backlog and the overdue list,
 * replayed from the case histories for the period (default: the last 30 days).
 */
export function createComputeKpis(runtime: DispatchRuntime) {
  return async function kpis(query: KpiQuery, actor: Actor): Promise<Kpis> {
    const now = runtime.clock.now();
    const to = query.to ?? now;
    const from = query.from ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from.getTime() >= to.getTime()) throw invalidArgument('from', 'from must be before to');
    const scope = scopeOf(actor, query);
    const officerId = scope.officerId ?? query.officerId;
    const townshipCode = scope.townshipCode ?? query.townshipCode;
    const histories = await runtime.store.histories({ from, to });
    return computeKpis(histories, { from, to, now, ...(townshipCode ? { townshipCode } : {}), ...(officerId ? { officerId } : {}) });
  };
}

export type ComputeKpis = ReturnType<typeof createComputeKpis>;
