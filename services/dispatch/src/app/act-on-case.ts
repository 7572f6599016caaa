import { DomainError, invalidArgument, notFound } from '@ecogrid/domain-errors';
import { DISTRICT_COMMAND_CENTER, type Actor, type CaseState } from '../domain/case';
import { applyAction, CASE_ACTIONS, type ActionInput, type CaseAction } from '../domain/case-machine';
import { canSee, recordChange, recordFact, type DispatchRuntime } from './runtime';
import { requireActiveOfficer, routeCase } from './route-case';

export interface ActOnCaseCommand {
  caseId: string;
  action: string;
  /** The version the actor saw: two people acting on one case cannot both win. */
  expectedVersion: number;
  actor: Actor;
  note?: string;
  targetOfficerId?: string;
  mergeIntoCaseId?: string;
  extendUntil?: Date;
}

function isAction(value: string): value is CaseAction {
  return (CASE_ACTIONS as readonly string[]).includes(value);
}

/** Who supervises at an escalation level: the township unit's supervisor, then the district command center. */
export function supervisorAt(runtime: DispatchRuntime, state: CaseState, level: number): string {
  if (level >= 2) return DISTRICT_COMMAND_CENTER;
  return (state.townshipCode && runtime.grid.supervisorOf(state.townshipCode)) || DISTRICT_COMMAND_CENTER;
}

/**
 * A person acts on a case (accept, arrive, resolve, verify, close, reassign, escalate, return, suspend,
 * resume, reopen, merge, note). The case row is locked, the version compared, the transition checked by the
 * state machine, and the change recorded with its history entry and event in one transaction.
 */
export function createActOnCase(runtime: DispatchRuntime) {
  return async function actOnCase(command: ActOnCaseCommand): Promise<CaseState> {
    if (!isAction(command.action)) throw invalidArgument('action', `unknown action "${command.action}"; one of ${CASE_ACTIONS.join(', ')}`, 'unknown_action');
    if (!Number.isInteger(command.expectedVersion) || command.expectedVersion < 1) {
      throw invalidArgument('expected_version', 'expected_version must be the version you last saw (≥ 1)', 'version_required');
    }
    const action = command.action;
    return runtime.store.transaction(async (tx) => {
      const state = await tx.lockCase(command.caseId);
      if (!state || !canSee(command.actor, state)) throw notFound('case', command.caseId);
      if (state.version !== command.expectedVersion) {
        throw new DomainError('ABORTED', `case ${state.id} is at version ${state.version}, not ${command.expectedVersion}: someone acted first; reload it`, {
          reason: 'stale_version',
        });
      }
      const now = runtime.clock.now();
      const input: ActionInput = {
        action,
        actor: command.actor,
        ...(command.note ? { note: command.note } : {}),
        ...(command.extendUntil ? { extendUntil: command.extendUntil } : {}),
        ...(command.mergeIntoCaseId ? { mergeIntoCaseId: command.mergeIntoCaseId } : {}),
      };
      if (action === 'dispatch' || action === 'reassign' || action === 'reopen') {
        if (command.targetOfficerId) {
          requireActiveOfficer(runtime.grid, command.targetOfficerId);
          input.assignment = { officerId: command.targetOfficerId, reason: `chosen by ${command.actor.subject}` };
        } else if (action === 'reopen' && state.assigneeOfficerId) {
          input.assignment = { officerId: state.assigneeOfficerId, reason: `reopened to the officer who handled it` };
        } else if (action === 'dispatch') {
          const routing = routeCase(runtime.grid, { ...(state.location ? { location: state.location } : {}), ...(state.cellId ? { cellId: state.cellId } : {}), ...(state.townshipCode ? { townshipCode: state.townshipCode } : {}) }, now);
          if (routing.assignment) input.assignment = routing.assignment;
        }
      }
      if (action === 'escalate') {
        const level = state.escalationLevel + 1;
        if (level > 2) throw new DomainError('FAILED_PRECONDITION', `case ${state.id} is already with the district command center`, { reason: 'already_escalated' });
        input.escalation = { level, supervisorOfficerId: supervisorAt(runtime, state, level), reason: command.note?.trim() || `escalated by ${command.actor.subject}` };
      }
      let target: CaseState | undefined;
      if (action === 'merge' && command.mergeIntoCaseId && command.mergeIntoCaseId !== state.id) {
        target = await tx.lockCase(command.mergeIntoCaseId);
        if (!target || !canSee(command.actor, target)) throw notFound('case', command.mergeIntoCaseId);
        if (target.status === 'closed' || target.status === 'merged') {
          throw new DomainError('FAILED_PRECONDITION', `cannot merge into case ${target.id}: it is ${target.status}`, { reason: 'merge_target_not_open' });
        }
      }
      const transition = applyAction(state, input, { now, policy: runtime.policy, timeScale: runtime.timeScale });
      await recordChange(tx, runtime, state, transition.next, transition.entry);
      if (target) {
        await recordFact(tx, target, 'duplicate_merged', command.actor, now, { duplicate: state.id, ...(command.note ? { note: command.note } : {}) });
      }
      return transition.next;
    });
  };
}

export type ActOnCase = ReturnType<typeof createActOnCase>;
