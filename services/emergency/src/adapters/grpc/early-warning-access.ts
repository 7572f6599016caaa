import type { AccessPolicy } from '@ecogrid/grpc';
import { STAFF_ROLES } from '@ecogrid/staff-auth';

const method = (name: string): string => `/ecogrid.emergency.v1.EarlyWarningService/${name}`;

/**
 * Who may call what (docs/security.md, emergency early-warning matrix). Early warnings, forecasts and the evaluation
 * hold device readings and limits, no personal data and nothing to change: every staff role reads them; without a
 * token nobody does.
 */
export const EARLY_WARNING_ACCESS: AccessPolicy = {
  [method('ListEarlyWarnings')]: { roles: STAFF_ROLES },
  [method('GetSeriesForecast')]: { roles: STAFF_ROLES },
  [method('GetEarlyWarningEvaluation')]: { roles: STAFF_ROLES },
};
