import { PRIORITIES, STEPS, type CaseState, type Priority, type Step } from './case';

/** Minutes allowed for each step. */
export type StepLimits = Record<Step, number>;

export interface CaseTypeRule {
  /** Chinese name shown to staff and in Open311 `service_name`. */
  label: string;
  /** Cases of this type never rank below this priority. */
  minPriority?: Priority;
  /** Overrides of the default limits, per priority and step (minutes). */
  limits?: Partial<Record<Priority, Partial<StepLimits>>>;
}

/**
 * The versioned deadline policy: a time limit per case type × priority × step, when reminders go out and
 * when an overdue case climbs the second rung of the escalation ladder.
 */
export interface DeadlinePolicy {
  version: string;
  /** A reminder goes to the assignee when this share of the step's time has passed (0.8 = 80 %). */
  remindAtFraction: number;
  /**
   * Overdue by this share of the step's own limit (0.5 = half again), the case escalates from the unit
   * supervisor to the district command center.
   */
  secondEscalationAfterFraction: number;
  defaults: Record<Priority, StepLimits>;
  caseTypes: Record<string, CaseTypeRule>;
}

export interface StepTimers {
  deadline: Date;
  remindAt: Date;
  secondEscalationAt: Date;
}

export function stepLimitMinutes(policy: DeadlinePolicy, caseType: string, priority: Priority, step: Step): number {
  return policy.caseTypes[caseType]?.limits?.[priority]?.[step] ?? policy.defaults[priority][step];
}

/**
 * When a step started at `startedAt` is due, when to remind and when to escalate a second time.
 * `timeScale` shrinks every limit (tests run the real policy in seconds); production uses 1.
 */
export function stepTimers(policy: DeadlinePolicy, caseType: string, priority: Priority, step: Step, startedAt: Date, timeScale = 1): StepTimers {
  const limitMs = stepLimitMinutes(policy, caseType, priority, step) * 60_000 * timeScale;
  const start = startedAt.getTime();
  return {
    deadline: new Date(start + limitMs),
    remindAt: new Date(start + limitMs * policy.remindAtFraction),
    secondEscalationAt: new Date(start + limitMs * (1 + policy.secondEscalationAfterFraction)),
  };
}

/**
 * The deadline of `step` for this case, started at `startedAt`: the policy's, or the requester's `dueBy` when that
 * comes first (an emergency plan task due at 18:00 is not given the policy's two days). Verification keeps the
 * policy's limit: it is the command center's own check after the work, not part of what the requester timed.
 */
export function stepDeadlineOf(
  policy: DeadlinePolicy,
  state: Pick<CaseState, 'caseType' | 'priority' | 'dueBy'>,
  step: Step,
  startedAt: Date,
  timeScale = 1,
): Date {
  const deadline = stepTimers(policy, state.caseType, state.priority, step, startedAt, timeScale).deadline;
  if (step === 'verify' || !state.dueBy || state.dueBy.getTime() >= deadline.getTime()) return deadline;
  return state.dueBy;
}

/** Checks a policy loaded from a file: every priority and step present, positive and growing sensibly. */
export function validatePolicy(policy: DeadlinePolicy): string[] {
  const problems: string[] = [];
  if (!(policy.remindAtFraction > 0 && policy.remindAtFraction < 1)) problems.push('remindAtFraction must lie strictly between 0 and 1');
  if (!(policy.secondEscalationAfterFraction > 0)) problems.push('secondEscalationAfterFraction must be positive');
  for (const priority of PRIORITIES) {
    for (const step of STEPS) {
      const minutes = policy.defaults[priority]?.[step];
      if (typeof minutes !== 'number' || !(minutes > 0)) problems.push(`defaults.${priority}.${step} must be a positive number of minutes`);
    }
  }
  for (const [type, rule] of Object.entries(policy.caseTypes)) {
    for (const [priority, limits] of Object.entries(rule.limits ?? {})) {
      for (const [step, minutes] of Object.entries(limits ?? {})) {
        if (!(typeof minutes === 'number' && minutes > 0)) problems.push(`caseTypes.${type}.limits.${priority}.${step} must be a positive number of minutes`);
      }
    }
  }
  return problems;
}
