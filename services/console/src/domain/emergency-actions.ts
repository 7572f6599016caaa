import type { StaffRole } from '@ecogrid/staff-auth';
import type { StaffUser } from './staff-user';
import type { IncidentStatusName, WarningView } from './emergency-view';

/** What the web app offers on an incident; the emergency service decides in the end, this only keeps refused buttons away. */
export const INCIDENT_ACTIONS = ['declare', 'dismiss', 'activate_plan', 'close'] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** What the web app offers on heavy-pollution warnings. */
export const WARNING_ACTIONS = ['issue', 'lift'] as const;
export type WarningAction = (typeof WARNING_ACTIONS)[number];

/** Mirrors services/emergency/src/adapters/grpc/incident-access.ts: the command center and admins respond to incidents. */
const INCIDENT_COMMAND: ReadonlySet<StaffRole> = new Set(['dispatcher', 'command_center', 'admin']);
/** Mirrors warning-access.ts: the city's warning is entered, changed and lifted by a dispatcher or an admin. */
const WARNING_COMMAND: ReadonlySet<StaffRole> = new Set(['dispatcher', 'admin']);

/** Mirrors the incident machine: a proposal is declared or dismissed, a declared one gets its plan, a live one is closed. */
const FROM: Record<IncidentAction, readonly IncidentStatusName[]> = {
  declare: ['proposed'],
  dismiss: ['proposed'],
  activate_plan: ['declared'],
  close: ['declared', 'responding'],
};

/** The incident actions `user` may take now, in the order of the response. */
export function allowedIncidentActions(user: StaffUser, incident: { status: IncidentStatusName | ''; planId: string }): IncidentAction[] {
  if (!INCIDENT_COMMAND.has(user.role) || incident.status === '') return [];
  const status = incident.status;
  return INCIDENT_ACTIONS.filter((action) => FROM[action].includes(status) && (action !== 'activate_plan' || incident.planId !== ''));
}

/** The warning actions `user` may take: issue (a new one, or a stricter level while one is active) always, lift on an active one. */
export function allowedWarningActions(user: StaffUser, warning?: Pick<WarningView, 'status'>): WarningAction[] {
  if (!WARNING_COMMAND.has(user.role)) return [];
  if (!warning) return ['issue'];
  return warning.status === 'active' ? ['lift'] : [];
}

export function isIncidentAction(value: string): value is IncidentAction {
  return (INCIDENT_ACTIONS as readonly string[]).includes(value);
}
