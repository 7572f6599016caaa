import type { AccessPolicy } from '@ecogrid/grpc';
import { STAFF_ROLES } from '@ecogrid/staff-auth';

const method = (name: string): string => `/ecogrid.emergency.v1.WarningService/${name}`;

/**
 * Who may call what (docs/security.md, emergency matrix). The city's warning is entered, changed and lifted by a
 * dispatcher or an admin; the reduction list, which puts obligations on enterprises, is imported by an admin or a
 * data steward; every staff role may read warnings, obligations and evaluations (no personal data in them).
 */
export const WARNING_ACCESS: AccessPolicy = {
  [method('ImportReductionList')]: { roles: ['admin', 'data_steward'] },
  [method('GetReductionList')]: { roles: STAFF_ROLES },
  [method('IssueWarning')]: { roles: ['dispatcher', 'admin'] },
  [method('ChangeWarningLevel')]: { roles: ['dispatcher', 'admin'] },
  [method('LiftWarning')]: { roles: ['dispatcher', 'admin'] },
  [method('RecordAqiForecast')]: { roles: ['dispatcher', 'admin'] },
  [method('GetWarning')]: { roles: STAFF_ROLES },
  [method('ListWarnings')]: { roles: STAFF_ROLES },
  [method('ListObligations')]: { roles: STAFF_ROLES },
  [method('GetEpisodeEvaluation')]: { roles: STAFF_ROLES },
};
