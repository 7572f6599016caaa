import type { AccessPolicy } from '@ecogrid/grpc';
import { STAFF_ROLES } from '@ecogrid/staff-auth';

const method = (name: string): string => `/ecogrid.emergency.v1.IncidentService/${name}`;
const COMMAND = ['dispatcher', 'command_center', 'admin'] as const;

/**
 * Who may call what (docs/security.md, emergency matrix). Incidents are declared, confirmed, set aside, responded to
 * and closed by the command center (dispatchers, its members) or an admin; plans are written by an admin or the
 * command center; every staff role may read incidents, timelines, drill reports and plans (no personal data in them:
 * officers are named by id, contacts stay in the registry).
 */
export const INCIDENT_ACCESS: AccessPolicy = {
  [method('DeclareIncident')]: { roles: COMMAND },
  [method('DismissIncident')]: { roles: COMMAND },
  [method('ActivatePlan')]: { roles: COMMAND },
  [method('CloseIncident')]: { roles: COMMAND },
  [method('GetIncident')]: { roles: STAFF_ROLES },
  [method('ListIncidents')]: { roles: STAFF_ROLES },
  [method('GetTimeline')]: { roles: STAFF_ROLES },
  [method('VerifyTimeline')]: { roles: STAFF_ROLES },
  [method('GetDrillReport')]: { roles: STAFF_ROLES },
  [method('UpsertPlan')]: { roles: ['admin', 'command_center'] },
  [method('ListPlans')]: { roles: STAFF_ROLES },
};
