import type { TimelineStep } from '../../domain/incidents/timeline';
import { recordSteps, type StepRecord } from './record-steps';
import type { IncidentRuntime } from './runtime';

/** A case change as the incidents part reads it (mapped from CaseChanged by the Kafka adapter). */
export interface TaskCaseInput {
  caseId: string;
  /** The EmergencyCaseRequested.request_id the case was opened for; empty for any other case. */
  requestId: string;
  /** Lower-case case status: registered, dispatched, accepted, on_site, handled, verified, closed, … */
  status: string;
  occurredAt: Date;
}

export type FollowTaskOutcome = 'recorded' | 'unchanged' | 'not_a_task';

/** How far a task's case got; each stage is recorded once, in order. */
const STAGES = ['requested', 'opened', 'accepted', 'closed'] as const;
type Stage = (typeof STAGES)[number];
const STEP_OF: Record<Exclude<Stage, 'requested'>, TimelineStep> = { opened: 'task_case_opened', accepted: 'task_case_accepted', closed: 'task_case_closed' };

function stageOf(status: string): Stage {
  if (status === 'closed') return 'closed';
  if (['accepted', 'on_site', 'handled', 'verified'].includes(status)) return 'accepted';
  return 'opened';
}

/**
 * Follows the cases dispatch opened for plan tasks (ecogrid.cases.v1): the first sight of a task's case, its
 * acceptance and its closing land on the incident's timeline, each once (a redelivered or older event records
 * nothing), at the time dispatch says it happened — which is what a drill report measures.
 */
export function createFollowTaskCase(runtime: IncidentRuntime) {
  return async (input: TaskCaseInput): Promise<FollowTaskOutcome> => {
    if (!input.requestId) return 'not_a_task';
    return runtime.store.transaction(async (tx): Promise<FollowTaskOutcome> => {
      const task = await tx.lockTask(input.requestId);
      if (!task) return 'not_a_task';
      const stored = await tx.lockIncident(task.incidentId);
      if (!stored) return 'not_a_task';
      const reached = STAGES.indexOf(stageOf(input.status));
      const before = STAGES.indexOf(task.status as Stage);
      if (reached <= before) return 'unchanged';
      const steps: StepRecord[] = [];
      for (let stage = Math.max(before, 0) + 1; stage <= reached; stage++) {
        const name = STAGES[stage] as Exclude<Stage, 'requested'>;
        steps.push({ step: STEP_OF[name], actor: 'dispatch', at: input.occurredAt, details: { taskId: task.taskId, requestId: task.requestId, caseId: input.caseId, status: input.status } });
      }
      await tx.updateTask({ ...task, caseId: input.caseId, status: STAGES[reached] as Stage });
      await recordSteps(tx, runtime, stored, steps, runtime.clock.now());
      return 'recorded';
    });
  };
}
