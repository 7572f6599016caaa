import { describe, expect, it } from 'vitest';
import { stepDeadlineOf } from './deadline-policy';
import { DEADLINE_POLICY_V1 } from './deadline-policy.v1';

const T0 = new Date('2026-12-01T02:00:00Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

describe('stepDeadlineOf', () => {
  it('gives the policy limit when the requester set no deadline', () => {
    expect(stepDeadlineOf(DEADLINE_POLICY_V1, { caseType: 'emergency_plan_task', priority: 'high' }, 'accept', T0)).toEqual(minutes(30));
    expect(stepDeadlineOf(DEADLINE_POLICY_V1, { caseType: 'emergency_reduction_breach', priority: 'high' }, 'arrive', T0)).toEqual(minutes(60));
  });

  it('lets an earlier requester deadline win for every step up to the handling, not for verification', () => {
    const state = { caseType: 'emergency_plan_task', priority: 'high' as const, dueBy: minutes(20) };
    expect(stepDeadlineOf(DEADLINE_POLICY_V1, state, 'accept', T0)).toEqual(minutes(20));
    expect(stepDeadlineOf(DEADLINE_POLICY_V1, state, 'handle', T0)).toEqual(minutes(20));
    expect(stepDeadlineOf(DEADLINE_POLICY_V1, state, 'verify', T0)).toEqual(minutes(1_440));
  });

  it('keeps the policy limit when the requester deadline is later', () => {
    expect(stepDeadlineOf(DEADLINE_POLICY_V1, { caseType: 'emergency_plan_task', priority: 'high', dueBy: minutes(600) }, 'accept', T0)).toEqual(minutes(30));
  });
});
