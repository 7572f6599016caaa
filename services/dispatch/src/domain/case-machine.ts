import { DomainError, failedPrecondition, invalidArgument } from '@ecogrid/domain-errors';
import { STEP_OF_STATUS, type Actor, type CaseState, type CaseStatus, type Role } from './case';
import { stepDeadlineOf, type DeadlinePolicy } from './deadline-policy';
import { snapshotOf, type JsonObject } from './history-chain';

export const CASE_ACTIONS = [
  'dispatch',
  'accept',
  'arrive',
  'resolve',
  'verify',
  'rework',
  'close',
  'reassign',
  'escalate',
  'return',
  'suspend',
  'resume',
  'reopen',
  'merge',
  'note',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** The history entry name of each action (past tense, as the events say it). */
export const ENTRY_OF_ACTION: Record<CaseAction, string> = {
  dispatch: 'dispatched',
  accept: 'accepted',
  arrive: 'arrived',
  resolve: 'resolved',
  verify: 'verified',
  rework: 'reworked',
  close: 'closed',
  reassign: 'reassigned',
  escalate: 'escalated',
  return: 'returned',
  suspend: 'suspended',
  resume: 'resumed',
  reopen: 'reopened',
  merge: 'merged',
  note: 'noted',
};

interface Rule {
  from: readonly CaseStatus[];
  /** `same`: the status does not change; `resume`: back to the status before the suspension. */
  to: CaseStatus | 'same' | 'resume';
  roles: readonly Role[];
  /** Only the case's assignee may do it (whatever their role). */
  byAssignee?: boolean;
  /** The assignee may not do it: nobody verifies their own work. */
  notByAssignee?: boolean;
  needsNote?: boolean;
}

const OPEN_ACTIVE: readonly CaseStatus[] = ['registered', 'dispatched', 'accepted', 'on_site', 'handled', 'verified', 'returned'];

/** The state machine, states × actions. Everything not listed here is refused. */
export const RULES: Record<CaseAction, Rule> = {
  dispatch: { from: ['registered', 'returned'], to: 'dispatched', roles: ['dispatcher', 'command_center', 'supervisor', 'system'] },
  accept: { from: ['dispatched'], to: 'accepted', roles: ['officer', 'supervisor'], byAssignee: true },
  arrive: { from: ['accepted'], to: 'on_site', roles: ['officer', 'supervisor'], byAssignee: true },
  resolve: { from: ['on_site'], to: 'handled', roles: ['officer', 'supervisor'], byAssignee: true },
  verify: { from: ['handled'], to: 'verified', roles: ['dispatcher', 'command_center', 'supervisor'], notByAssignee: true },
  rework: { from: ['handled'], to: 'accepted', roles: ['dispatcher', 'command_center', 'supervisor'], notByAssignee: true, needsNote: true },
  close: { from: ['verified'], to: 'closed', roles: ['dispatcher', 'command_center', 'supervisor'] },
  reassign: { from: ['dispatched', 'accepted', 'on_site', 'returned'], to: 'dispatched', roles: ['dispatcher', 'command_center', 'supervisor'] },
  escalate: { from: OPEN_ACTIVE, to: 'same', roles: ['dispatcher', 'command_center', 'supervisor', 'system'] },
  return: { from: ['dispatched', 'accepted'], to: 'returned', roles: ['officer', 'supervisor'], byAssignee: true, needsNote: true },
  suspend: { from: ['dispatched', 'accepted', 'on_site'], to: 'suspended', roles: ['supervisor'], needsNote: true },
  resume: { from: ['suspended'], to: 'resume', roles: ['dispatcher', 'command_center', 'supervisor', 'system'] },
  reopen: { from: ['closed'], to: 'dispatched', roles: ['dispatcher', 'command_center', 'supervisor'], needsNote: true },
  merge: { from: ['registered', 'dispatched', 'accepted', 'on_site', 'returned', 'suspended'], to: 'merged', roles: ['dispatcher', 'command_center', 'supervisor'] },
  note: { from: [...OPEN_ACTIVE, 'suspended', 'closed', 'merged'], to: 'same', roles: ['dispatcher', 'command_center', 'supervisor', 'officer', 'system'] },
};

export interface Assignment {
  officerId: string;
  reason: string;
}

export interface ActionInput {
  action: CaseAction;
  actor: Actor;
  note?: string;
  /** dispatch, reassign, reopen: who gets the case and why (routing or the dispatcher's choice). */
  assignment?: Assignment;
  /** escalate: the new level and who supervises at it. */
  escalation?: { level: number; supervisorOfficerId: string; reason: string };
  /** suspend: the end of the approved extension. */
  extendUntil?: Date;
  /** merge: the case this one is a duplicate of. */
  mergeIntoCaseId?: string;
}

export interface TransitionContext {
  now: Date;
  policy: DeadlinePolicy;
  timeScale: number;
}

export interface HistoryDraft {
  action: string;
  actor: string;
  occurredAt: Date;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  details: JsonObject;
}

export interface Transition {
  next: CaseState;
  entry: HistoryDraft;
}

const refused = (message: string, reason: string): DomainError => failedPrecondition(message, reason);

/** Who may do what: refuses with PERMISSION_DENIED, naming the rule. */
export function checkPermission(state: CaseState, action: CaseAction, actor: Actor): void {
  const rule = RULES[action];
  const isAssignee = actor.officerId !== undefined && actor.officerId === state.assigneeOfficerId;
  if (action === 'note' && actor.role === 'officer') {
    if (!isAssignee) throw new DomainError('PERMISSION_DENIED', `only the assignee may add notes to case ${state.id}`, { reason: 'not_assignee' });
    return;
  }
  if (!rule.roles.includes(actor.role)) {
    throw new DomainError('PERMISSION_DENIED', `a ${actor.role} may not ${action} a case`, { reason: 'role_not_allowed' });
  }
  if (rule.byAssignee && !isAssignee) {
    throw new DomainError('PERMISSION_DENIED', `only the assignee (${state.assigneeOfficerId ?? 'nobody'}) may ${action} case ${state.id}`, { reason: 'not_assignee' });
  }
  if (rule.notByAssignee && isAssignee) {
    throw new DomainError('PERMISSION_DENIED', `the assignee may not ${action} their own work on case ${state.id}`, { reason: 'own_work' });
  }
}

/** Enters `status` at `now`: starts the step it is timed on (a fresh deadline), or clears the step. */
function enter(state: CaseState, status: CaseStatus, context: TransitionContext): CaseState {
  const step = STEP_OF_STATUS[status];
  const next: CaseState = { ...state, status };
  delete next.step;
  delete next.stepStartedAt;
  delete next.stepDeadline;
  if (step) {
    next.step = step;
    next.stepStartedAt = context.now;
    next.stepDeadline = stepDeadlineOf(context.policy, state, step, context.now, context.timeScale);
  }
  return next;
}

/**
 * Applies one action to a case: checks the transition and the actor's right to it, and returns the new state
 * with the history entry to append. Illegal transitions are refused with FAILED_PRECONDITION and a reason.
 */
export function applyAction(state: CaseState, input: ActionInput, context: TransitionContext): Transition {
  const rule = RULES[input.action];
  if (!rule) throw invalidArgument('action', `unknown action ${String(input.action)}`, 'unknown_action');
  if (!rule.from.includes(state.status)) {
    throw refused(`cannot ${input.action} case ${state.id}: it is ${state.status} (allowed from ${rule.from.join(', ')})`, 'illegal_transition');
  }
  checkPermission(state, input.action, input.actor);
  const note = input.note?.trim() ?? '';
  if (rule.needsNote && note.length === 0) throw invalidArgument('note', `${input.action} needs a note saying why`, 'note_required');

  const details: JsonObject = {};
  if (note) details.note = note;
  let next: CaseState;
  const now = context.now;

  switch (input.action) {
    case 'dispatch':
    case 'reassign':
    case 'reopen': {
      const assignment = input.assignment;
      if (!assignment) throw invalidArgument('target_officer_id', `${input.action} needs an officer to assign`, 'assignee_required');
      if (input.action === 'reassign' && assignment.officerId === state.assigneeOfficerId) {
        throw refused(`case ${state.id} is already assigned to ${assignment.officerId}`, 'same_assignee');
      }
      next = enter({ ...state, assigneeOfficerId: assignment.officerId, assignmentReason: assignment.reason }, 'dispatched', context);
      if (input.action === 'reopen') delete next.closedAt;
      details.assignee = assignment.officerId;
      details.assignmentReason = assignment.reason;
      if (state.assigneeOfficerId && state.assigneeOfficerId !== assignment.officerId) details.previousAssignee = state.assigneeOfficerId;
      break;
    }
    case 'escalate': {
      const escalation = input.escalation;
      if (!escalation) throw invalidArgument('action', 'escalate needs a level and a supervisor', 'escalation_required');
      if (escalation.level <= state.escalationLevel) {
        throw refused(`case ${state.id} is already escalated to level ${state.escalationLevel}`, 'already_escalated');
      }
      next = { ...state, escalationLevel: escalation.level, supervisorOfficerId: escalation.supervisorOfficerId };
      details.level = escalation.level;
      details.escalatedTo = escalation.supervisorOfficerId;
      details.reason = escalation.reason;
      break;
    }
    case 'suspend': {
      const until = input.extendUntil;
      if (!until || until.getTime() <= now.getTime()) throw invalidArgument('extend_until', 'suspend needs an extension ending in the future', 'extension_required');
      next = { ...state, status: 'suspended', suspendedFrom: state.status, suspendedAt: now, suspendedUntil: until };
      details.until = until.toISOString();
      details.suspendedFrom = state.status;
      break;
    }
    case 'resume': {
      const from = state.suspendedFrom;
      const pausedAt = state.suspendedAt;
      if (!from || !pausedAt) throw refused(`case ${state.id} has no suspension to resume`, 'not_suspended');
      const pausedMs = now.getTime() - pausedAt.getTime();
      next = { ...state, status: from };
      // The clock stood still while suspended: the step keeps the time it had left.
      if (state.stepDeadline) next.stepDeadline = new Date(state.stepDeadline.getTime() + pausedMs);
      delete next.suspendedFrom;
      delete next.suspendedAt;
      delete next.suspendedUntil;
      details.pausedMs = pausedMs;
      break;
    }
    case 'merge': {
      const target = input.mergeIntoCaseId?.trim();
      if (!target) throw invalidArgument('merge_into_case_id', 'merge needs the case to merge into', 'merge_target_required');
      if (target === state.id) throw invalidArgument('merge_into_case_id', 'a case cannot be merged into itself', 'merge_into_self');
      next = enter({ ...state, mergedInto: target }, 'merged', context);
      delete next.suspendedFrom;
      delete next.suspendedAt;
      delete next.suspendedUntil;
      details.mergedInto = target;
      break;
    }
    case 'close': {
      next = { ...enter(state, 'closed', context), closedAt: now };
      break;
    }
    case 'note': {
      if (!note) throw invalidArgument('note', 'a note needs text', 'note_required');
      next = { ...state };
      break;
    }
    default: {
      const to = rule.to as CaseStatus;
      next = enter(state, to, context);
    }
  }
  next.version = state.version + 1;
  next.updatedAt = now;
  return {
    next,
    entry: {
      action: ENTRY_OF_ACTION[input.action],
      actor: input.actor.subject,
      occurredAt: now,
      fromStatus: state.status,
      toStatus: next.status,
      details: { ...details, state: snapshotOf(next) },
    },
  };
}

/** Which actions a state allows at all (for UIs and the README table). */
export function actionsAllowedFrom(status: CaseStatus): CaseAction[] {
  return CASE_ACTIONS.filter((action) => RULES[action].from.includes(status));
}
