import type { IncidentView } from '../domain/emergency-view';
import type { StaffUser } from '../domain/staff-user';
import type { IncidentDesk } from './ports';

const ORDER: Record<string, number> = { proposed: 0, declared: 1, responding: 2, closed: 3, dismissed: 4 };

/**
 * The incident list, drills included (marked): proposals waiting for a dispatcher first, then the ones being
 * responded to, then the ended ones; newest first within each.
 */
export function createReadIncidents(incidents: IncidentDesk) {
  return async function readIncidents(user: StaffUser): Promise<IncidentView[]> {
    const list = await incidents.list(user, { includeDrills: true, limit: 200 });
    const at = (incident: IncidentView): number => Date.parse(incident.declaredAt ?? incident.proposedAt ?? '') || 0;
    return [...list].sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) || at(b) - at(a));
  };
}
