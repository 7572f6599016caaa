import { failedPrecondition, notFound } from '@ecogrid/domain-errors';
import { activatePlan } from '../../domain/incidents/incident';
import { expandTasks, planApplies, selectPlan } from '../../domain/incidents/plan';
import type { Actor } from './actor';
import type { StoredIncident } from './ports';
import { recordSteps } from './record-steps';
import type { IncidentRuntime } from './runtime';

export interface ActivatePlanResult {
  stored: StoredIncident;
  requestIds: string[];
}

/**
 * Activates the plan that applies (or the one named, if it applies): each task becomes an EmergencyCaseRequested
 * through the outbox, in the transaction that records the activation. Request ids are per incident and task, so
 * dispatch opens each case once, whatever the redeliveries.
 */
export function createActivatePlan(runtime: IncidentRuntime) {
  return async (actor: Actor, incidentId: string, planId: string): Promise<ActivatePlanResult> => {
    const now = runtime.clock.now();
    return runtime.store.transaction(async (tx) => {
      const current = await tx.lockIncident(incidentId);
      if (!current) throw notFound('incident', incidentId);
      const plan = planId ? await tx.latestPlan(planId) : selectPlan(await tx.latestPlans(), current.incident);
      if (planId && !plan) throw notFound('plan', planId);
      if (!plan) throw failedPrecondition(`没有适用于事件 ${incidentId}（${current.incident.kind}，${current.incident.level} 级）的预案 (no plan applies)`, 'no_plan_applies');
      if (!planApplies(plan, current.incident)) throw failedPrecondition(`预案 ${plan.id} 不适用于 ${current.incident.kind} 类 ${current.incident.level} 级事件 (the plan does not apply)`, 'plan_does_not_apply');
      const stored = { ...current, incident: activatePlan(current.incident, plan, now) };
      const requests = expandTasks(stored.incident, plan, now);
      await tx.updateIncident(stored);
      await tx.insertTaskRequests(requests);
      await recordSteps(
        tx,
        runtime,
        stored,
        [
          { step: 'plan_activated', actor: actor.id, details: { plan: plan.id, version: plan.version, tasks: requests.length } },
          ...requests.map((request) => ({
            step: 'task_requested' as const,
            actor: 'platform',
            details: { taskId: request.taskId, requestId: request.requestId, title: request.title, department: request.department, officer: request.assigneeOfficerId, deadline: request.deadline.toISOString() },
          })),
        ],
        now,
        plan,
      );
      await tx.queue(requests.map((request) => ({ kind: 'case_requested' as const, request, at: now })));
      return { stored, requestIds: requests.map((request) => request.requestId) };
    });
  };
}
