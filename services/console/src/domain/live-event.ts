import { seesWholeDistrict, type StaffUser } from './staff-user';

/** What the browser is told over Server-Sent Events; `data` is the event's own view, already free of markup concerns (text). */
export type LiveEvent =
  | { kind: 'alert'; id: string; townshipCode: string; data: Record<string, unknown> }
  | { kind: 'case'; id: string; townshipCode: string; assigneeOfficerId: string; data: Record<string, unknown> }
  | { kind: 'aqi'; id: string; data: Record<string, unknown> }
  | { kind: 'device'; id: string; townshipCode: string; data: Record<string, unknown> };

/**
 * Whether `user` may see `event`: an officer only the cases assigned to them (no alerts, which name devices and
 * enterprises across the district), a supervisor their township unit's, the district roles everything. Air quality
 * is public information.
 */
export function mayReceive(user: StaffUser, event: LiveEvent): boolean {
  if (event.kind === 'aqi') return true;
  if (seesWholeDistrict(user)) return true;
  if (user.role === 'supervisor') return event.townshipCode !== '' && event.townshipCode === user.townshipCode;
  if (user.role === 'officer') return event.kind === 'case' && user.officerId !== undefined && event.assigneeOfficerId === user.officerId;
  return false;
}
