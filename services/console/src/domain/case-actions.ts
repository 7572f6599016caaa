import type { StaffUser } from './staff-user';
import type { CaseStatusName, CaseSummary } from './case-view';

/** The actions the web app offers; dispatch decides in the end, this only keeps buttons that would be refused away. */
export const OFFERED_ACTIONS = ['dispatch', 'reassign', 'accept', 'arrive', 'resolve', 'verify', 'rework', 'close', 'return', 'note'] as const;
export type OfferedAction = (typeof OFFERED_ACTIONS)[number];

interface Offer {
  from: readonly CaseStatusName[];
  roles: readonly string[];
  /** Only the case's assignee; `notAssignee`: never the assignee (no one verifies their own work). */
  assignee?: 'only' | 'never';
}

const COMMAND = ['dispatcher', 'command_center', 'supervisor'];
const FIELD = ['officer', 'supervisor'];

/** Mirrors dispatch's rules (services/dispatch/src/domain/case-machine.ts) for the actions the console offers. */
const OFFERS: Record<OfferedAction, Offer> = {
  dispatch: { from: ['registered', 'returned'], roles: COMMAND },
  reassign: { from: ['dispatched', 'accepted', 'on_site', 'returned'], roles: COMMAND },
  accept: { from: ['dispatched'], roles: FIELD, assignee: 'only' },
  arrive: { from: ['accepted'], roles: FIELD, assignee: 'only' },
  resolve: { from: ['on_site'], roles: FIELD, assignee: 'only' },
  verify: { from: ['handled'], roles: COMMAND, assignee: 'never' },
  rework: { from: ['handled'], roles: COMMAND, assignee: 'never' },
  close: { from: ['verified'], roles: COMMAND },
  return: { from: ['dispatched', 'accepted'], roles: FIELD, assignee: 'only' },
  note: { from: ['registered', 'dispatched', 'accepted', 'on_site', 'handled', 'verified', 'returned', 'suspended', 'closed'], roles: [...COMMAND, 'officer'] },
};

/** The actions `user` may take on `summary` now, in the order of the loop. */
export function allowedActions(user: StaffUser, summary: Pick<CaseSummary, 'status' | 'assigneeOfficerId'>): OfferedAction[] {
  const isAssignee = user.officerId !== undefined && user.officerId === summary.assigneeOfficerId;
  return OFFERED_ACTIONS.filter((action) => {
    const offer = OFFERS[action];
    if (!offer.from.includes(summary.status) || !offer.roles.includes(user.role)) return false;
    if (offer.assignee === 'only' && !isAssignee) return false;
    if (offer.assignee === 'never' && isAssignee) return false;
    if (action === 'note' && user.role === 'officer' && !isAssignee) return false;
    return true;
  });
}

export function isOfferedAction(value: string): value is OfferedAction {
  return (OFFERED_ACTIONS as readonly string[]).includes(value);
}
