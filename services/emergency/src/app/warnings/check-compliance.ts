import { findActivityBreach, findEmissionBreach, type ActivityHour, type OutletHour } from '../../domain/warnings/compliance';
import { MEASURE_NAME, type Breach, type Obligation } from '../../domain/warnings/obligation';
import { LEVEL_NAME } from '../../domain/warnings/warning-level';
import type { CaseRequest, EnterpriseHour, WarningDependencies } from './ports';

const HOUR_MS = 3_600_000;
/** Production monitoring before a window, averaged as what "normal" is for a production limit or a stop. */
const ACTIVITY_BASELINE_MS = 24 * HOUR_MS;
/** How long the grid officer has to be on site for a breach. */
const CASE_DEADLINE_MS = 4 * HOUR_MS;

function activityHours(hours: readonly EnterpriseHour[]): ActivityHour[] {
  const byHour = new Map<number, { sum: number; count: number }>();
  for (const hour of hours) {
    const bucket = byHour.get(hour.hour) ?? { sum: 0, count: 0 };
    bucket.sum += hour.mean;
    bucket.count += 1;
    byHour.set(hour.hour, bucket);
  }
  return [...byHour.entries()].map(([hour, bucket]) => ({ hour, mean: bucket.sum / bucket.count }));
}

function baselineOf(hours: readonly ActivityHour[], windowStart: Date): number | undefined {
  const before = hours.filter((hour) => hour.hour < windowStart.getTime() && hour.hour >= windowStart.getTime() - ACTIVITY_BASELINE_MS);
  return before.length === 0 ? undefined : before.reduce((sum, hour) => sum + hour.mean, 0) / before.length;
}

/** The case dispatch opens for a breach: the enterprise's cell, deterministic id so a redelivery asks once. */
export function breachCaseRequest(obligation: Obligation, breach: Breach): CaseRequest {
  const measure = MEASURE_NAME[obligation.measure];
  return {
    requestId: `reduction-breach:${obligation.obligationId}`,
    warningId: obligation.warningId,
    uscc: obligation.uscc,
    title: `重污染天气应急减排措施未落实：${obligation.enterpriseName}（${measure.zh}）`,
    description: `${LEVEL_NAME[obligation.level].zh}期间，${obligation.enterpriseName}（${obligation.uscc}，绩效等级 ${obligation.grade}）未落实${measure.zh}：${breach.reason.zh}。请核查现场并督促落实。\n(${LEVEL_NAME[obligation.level].en} warning: ${measure.en} not carried out — ${breach.reason.en}.)`,
    place: obligation.place,
    deadline: new Date(breach.at.getTime() + CASE_DEADLINE_MS),
    priority: obligation.level === 'yellow' ? 'high' : 'urgent',
  };
}

/**
 * Compares every active obligation's window with the monitoring of its enterprise: the hourly means of its CEMS
 * outlets against the reduced levels, its production or power use against the measure. A breach marks the
 * obligation breached and asks dispatch for a case, in one transaction. Returns the breaches found.
 */
export function createCheckCompliance(deps: WarningDependencies) {
  return async (): Promise<number> => {
    const now = deps.clock.now();
    const open = await deps.store.obligationsToCheck();
    if (open.length === 0) return 0;
    const usccs = [...new Set(open.map((obligation) => obligation.uscc))];
    const from = new Date(Math.min(...open.map((obligation) => obligation.windowStart.getTime())) - ACTIVITY_BASELINE_MS);
    const hours = await deps.store.enterpriseHours(usccs, from, now);
    const byEnterprise = new Map<string, EnterpriseHour[]>();
    for (const hour of hours) byEnterprise.set(hour.uscc, [...(byEnterprise.get(hour.uscc) ?? []), hour]);
    let breaches = 0;
    for (const obligation of open) {
      const own = byEnterprise.get(obligation.uscc) ?? [];
      const emissions: OutletHour[] = own.filter((hour) => hour.source === 'emission');
      const activity = activityHours(own.filter((hour) => hour.source === 'activity'));
      const breach = findEmissionBreach(obligation, emissions, now) ?? findActivityBreach(obligation, baselineOf(activity, obligation.windowStart), activity, now);
      if (!breach) continue;
      const request = breachCaseRequest(obligation, breach);
      const marked = await deps.store.inTransaction(async (tx) => {
        if (!(await tx.markBreached(obligation.obligationId, breach, request.requestId))) return false;
        const breached: Obligation = { ...obligation, status: 'breached', breach };
        await tx.publish([
          { kind: 'obligation_changed', obligation: breached, change: 'breached', drill: obligation.drill, at: now },
          { kind: 'case_requested', request, drill: obligation.drill, at: now },
        ]);
        return true;
      });
      if (marked) breaches += 1;
    }
    return breaches;
  };
}
