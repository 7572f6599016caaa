import { seesWholeDistrict, type StaffUser } from './staff-user';

/** What the browser is told over Server-Sent Events; `data` is the event's own view, already free of markup concerns (text). */
export type LiveEvent =
  | { kind: 'alert'; id: string; townshipCode: string; data: Record<string, unknown> }
  | { kind: 'case'; id: string; townshipCode: string; assigneeOfficerId: string; data: Record<string, unknown> }
  | { kind: 'aqi'; id: string; data: Record<string, unknown> }
  | { kind: 'device'; id: string; townshipCode: string; data: Record<string, unknown> }
  /** A heavy-pollution warning issued, changed or lifted: announced to the public too, so every role hears it. */
  | { kind: 'warning'; id: string; data: Record<string, unknown> }
  /** An enterprise breached a warning's obligation: names the enterprise, for the district roles. */
  | { kind: 'obligation'; id: string; data: Record<string, unknown> }
  /** An incident proposed or changed (drills too, marked): the command center, and the supervisor of its township. */
  | { kind: 'incident'; id: string; townshipCode: string; data: Record<string, unknown> }
  /** An early warning raised or cleared: the district roles, and the supervisor of its township. */
  | { kind: 'early_warning'; id: string; townshipCode: string; data: Record<string, unknown> };

/**
 * Whether `user` may see `event`: an officer only the cases assigned to them (no alerts, which name devices and
 * enterprises across the district; no incidents, whose tasks reach them as cases), a supervisor their township
 * unit's, the district roles everything. Air quality and heavy-pollution warnings are public information; an
 * obligation breach names an enterprise and has no township, so it stays with the district roles.
 */
export function mayReceive(user: StaffUser, event: LiveEvent): boolean {
  if (event.kind === 'aqi' || event.kind === 'warning') return true;
  if (seesWholeDistrict(user)) return true;
  if (event.kind === 'obligation') return false;
  if (user.role === 'supervisor') return event.townshipCode !== '' && event.townshipCode === user.townshipCode;
  if (user.role === 'officer') return event.kind === 'case' && user.officerId !== undefined && event.assigneeOfficerId === user.officerId;
  return false;
}
