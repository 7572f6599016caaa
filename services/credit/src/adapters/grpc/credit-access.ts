import type { AccessPolicy } from '@ecogrid/grpc';
import { STAFF_ROLES } from '@ecogrid/staff-auth';

const method = (name: string): string => `/ecogrid.credit.v1.CreditService/${name}`;
const OFFICERS = ['credit_officer'] as const;

/**
 * Who may call what (docs/security.md, credit matrix). Ratings and explanations are for staff; evidence, objections
 * and restoration applications are entered by credit officers; a restoration is approved by a credit officer or an
 * admin who is not the applicant (checked by the use case, with the rule's own roles); the public list is public.
 */
export const CREDIT_ACCESS: AccessPolicy = {
  [method('GetRating')]: { roles: STAFF_ROLES },
  [method('ListRatings')]: { roles: STAFF_ROLES },
  [method('ExplainRating')]: { roles: STAFF_ROLES },
  [method('RecordPenalty')]: { roles: OFFICERS },
  [method('RecordEvidence')]: { roles: OFFICERS },
  [method('FileObjection')]: { roles: OFFICERS },
  [method('ResolveObjection')]: { roles: ['credit_officer', 'admin'] },
  [method('RestoreRating')]: { roles: OFFICERS },
  [method('ReviewRestoration')]: { roles: ['credit_officer', 'admin'] },
  [method('ClosePeriod')]: { roles: ['credit_officer', 'admin'] },
  [method('VerifyLedger')]: { roles: ['credit_officer', 'admin', 'analyst'] },
  [method('ListPublicRatings')]: { public: true },
};
