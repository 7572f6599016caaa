import type { AccessPolicy } from '@ecogrid/grpc';
import { STAFF_ROLES } from '@ecogrid/staff-auth';

/** Alerts and station AQI are for staff, whatever their role; nobody else reads them here (docs/security.md). */
export const ALERTING_ACCESS: AccessPolicy = {
  '/ecogrid.alerting.v1.AlertingService/ListAlerts': { roles: STAFF_ROLES },
  '/ecogrid.alerting.v1.AlertingService/GetStationAqi': { roles: STAFF_ROLES },
};
