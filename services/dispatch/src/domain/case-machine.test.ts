import { describe, expect, it } from 'vitest';
import { DomainError } from '@ecogrid/domain-errors';
import type { Actor, CaseState } from './case';
import { CASE_STATUSES } from './case';
import { actionsAllowedFrom, applyAction, CASE_ACTIONS, RULES, type ActionInput } from './case-machine';
import { DEADLINE_POLICY_V1 } from './deadline-policy.v1';

const T0 = new Date('2026-11-29T02:00:00Z');
const context = (now = T0) => ({ now, policy: DEADLINE_POLICY_V1, timeScale: 1 });
const dispatcher: Actor = { subject: 'd1', role: 'dispatcher' };
const supervisor: Actor = { subject: 's1', role: 'supervisor', officerId: 'S-001' };
const officer: Actor = { subject: 'o1', role: 'officer', officerId: 'O-001' };
const other: Actor = { subject: 'o2', role: 'officer', officerId: 'O-002' };
const analyst: Actor = { subject: 'a1', role: 'analyst' };

function base(status: CaseState['status'] = 'registered'): CaseState {
  return { id: 'YH-20261129-000001', status, source: 'manual', priority: 'urgent', caseType: 'noise', title: 't', description: '', escalationLevel: 0, createdAt: T0, updatedAt: T0, version: 1 };
}

function act(state: CaseState, input: ActionInput, now = T0): CaseState {
  return applyAction(state, input, context(now)).next;
}

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the case state machine', () => {
  it('walks the closed loop 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案 with a step deadline at each timed step', () => {
    let state = act(base(), { action: 'dispatch', actor: dispatcher, assignment: { officerId: 'O-001', reason: 'on duty' } });
    expect(state).toMatchObject({ status: 'dispatched', step: 'accept', assigneeOfficerId: 'O-001', version: 2 });
    expect(state.stepDeadline).toEqual(new Date(T0.getTime() + 15 * 60_000));
    const t1 = new Date(T0.getTime() + 10 * 60_000);
    state = act(state, { action: 'accept', actor: officer }, t1);
    expect(state).toMatchObject({ status: 'accepted', step: 'arrive', stepStartedAt: t1 });
    expect(state.stepDeadline).toEqual(new Date(t1.getTime() + 60 * 60_000));
    state = act(state, { action: 'arrive', actor: officer }, t1);
    expect(state).toMatchObject({ status: 'on_site', step: 'handle' });
    state = act(state, { action: 'resolve', actor: officer }, t1);
    expect(state).toMatchObject({ status: 'handled', step: 'verify' });
    state = act(state, { action: 'verify', actor: supervisor }, t1);
    expect(state.status).toBe('verified');
    expect(state.step).toBeUndefined();
    state = act(state, { action: 'close', actor: dispatcher }, t1);
    expect(state).toMatchObject({ status: 'closed', closedAt: t1, version: 7 });
  });

  it('refuses every transition the table does not list, naming the state', () => {
    let refusals = 0;
    for (const status of CASE_STATUSES) {
      for (const action of CASE_ACTIONS) {
        if (RULES[action].from.includes(status)) continue;
        const error = refusal(() => applyAction({ ...base(status), assigneeOfficerId: 'O-001' }, { action, actor: dispatcher, note: 'x' }, context()));
        expect(error.code).toBe('FAILED_PRECONDITION');
        expect(error.reason).toBe('illegal_transition');
        expect(error.message).toContain(`it is ${status}`);
        refusals += 1;
      }
    }
    expect(refusals).toBeGreaterThan(100);
  });

  it('lets only the assignee accept, arrive, resolve and return, and nobody verify their own work', () => {
    const dispatched = { ...base('dispatched'), assigneeOfficerId: 'O-001' };
    expect(refusal(() => act(dispatched, { action: 'accept', actor: other })).reason).toBe('not_assignee');
    expect(refusal(() => act(dispatched, { action: 'accept', actor: dispatcher })).reason).toBe('role_not_allowed');
    const handled = { ...base('handled'), assigneeOfficerId: 'S-001' };
    expect(refusal(() => act(handled, { action: 'verify', actor: supervisor })).reason).toBe('own_work');
    expect(refusal(() => act(handled, { action: 'verify', actor: analyst })).code).toBe('PERMISSION_DENIED');
  });

  it('needs a reason to return, rework, suspend and reopen', () => {
    const accepted = { ...base('accepted'), assigneeOfficerId: 'O-001' };
    expect(refusal(() => act(accepted, { action: 'return', actor: officer })).reason).toBe('note_required');
    expect(act(accepted, { action: 'return', actor: officer, note: '不属本网格' }).status).toBe('returned');
  });

  it('pauses the clock while suspended and gives the step its remaining time back on resume', () => {
    const dispatched = act(base(), { action: 'dispatch', actor: dispatcher, assignment: { officerId: 'O-001', reason: 'r' } });
    const deadline = dispatched.stepDeadline as Date;
    const pausedAt = new Date(T0.getTime() + 5 * 60_000);
    expect(refusal(() => act(dispatched, { action: 'suspend', actor: supervisor, note: '等待检测报告' }, pausedAt)).reason).toBe('extension_required');
    const until = new Date(pausedAt.getTime() + 3_600_000);
    const suspended = act(dispatched, { action: 'suspend', actor: supervisor, note: '等待检测报告', extendUntil: until }, pausedAt);
    expect(suspended).toMatchObject({ status: 'suspended', suspendedFrom: 'dispatched', suspendedUntil: until });
    expect(refusal(() => act(suspended, { action: 'accept', actor: officer })).reason).toBe('illegal_transition');
    const resumedAt = new Date(pausedAt.getTime() + 2 * 3_600_000);
    const resumed = act(suspended, { action: 'resume', actor: dispatcher }, resumedAt);
    expect(resumed.status).toBe('dispatched');
    expect(resumed.stepDeadline).toEqual(new Date(deadline.getTime() + 2 * 3_600_000));
    expect(resumed.suspendedFrom).toBeUndefined();
  });

  it('escalates one level at a time up to the district command center', () => {
    const dispatched = { ...base('dispatched'), assigneeOfficerId: 'O-001' };
    const once = act(dispatched, { action: 'escalate', actor: dispatcher, escalation: { level: 1, supervisorOfficerId: 'S-001', reason: 'slow' } });
    expect(once).toMatchObject({ escalationLevel: 1, supervisorOfficerId: 'S-001', status: 'dispatched' });
    expect(refusal(() => act(once, { action: 'escalate', actor: dispatcher, escalation: { level: 1, supervisorOfficerId: 'S-001', reason: 'again' } })).reason).toBe(
      'already_escalated',
    );
  });

  it('merges a duplicate into another case, never into itself', () => {
    const registered = base();
    expect(refusal(() => act(registered, { action: 'merge', actor: dispatcher, mergeIntoCaseId: registered.id })).reason).toBe('merge_into_self');
    const merged = act(registered, { action: 'merge', actor: dispatcher, mergeIntoCaseId: 'YH-20261129-000002' });
    expect(merged).toMatchObject({ status: 'merged', mergedInto: 'YH-20261129-000002' });
  });

  it('reopens a closed case back to an officer with a fresh accept deadline', () => {
    const closed = { ...base('closed'), assigneeOfficerId: 'O-001', closedAt: T0 };
    const later = new Date(T0.getTime() + 86_400_000);
    const reopened = act(closed, { action: 'reopen', actor: supervisor, note: '群众再次举报', assignment: { officerId: 'O-001', reason: 'again' } }, later);
    expect(reopened).toMatchObject({ status: 'dispatched', step: 'accept', stepStartedAt: later });
    expect(reopened.closedAt).toBeUndefined();
  });

  it('records every change as a history entry with the state after it', () => {
    const transition = applyAction(base(), { action: 'dispatch', actor: dispatcher, assignment: { officerId: 'O-001', reason: 'on duty in C-01' } }, context());
    expect(transition.entry).toMatchObject({
      action: 'dispatched',
      actor: 'd1',
      fromStatus: 'registered',
      toStatus: 'dispatched',
      details: { assignee: 'O-001', assignmentReason: 'on duty in C-01', state: { status: 'dispatched', step: 'accept', assignee: 'O-001' } },
    });
  });

  it('lists what each state allows', () => {
    expect(actionsAllowedFrom('closed').sort()).toEqual(['note', 'reopen']);
    expect(actionsAllowedFrom('merged')).toEqual(['note']);
  });
});
