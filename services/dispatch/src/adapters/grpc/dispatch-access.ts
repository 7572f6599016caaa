import type { AccessPolicy } from '@ecogrid/grpc';
import { CASE_READERS, CASE_WORKERS } from '../auth/staff-actor';

const SERVICE = '/ecogrid.dispatch.v1.DispatchService/';

/**
 * Who may call what on dispatch's gRPC API (the same roles as its REST API, docs/security.md). The interceptor of
 * `@ecogrid/grpc` enforces it; scope (a supervisor's township unit, an officer's own cases) is enforced by the use
 * cases, per case.
 */
export const DISPATCH_GRPC_ACCESS: AccessPolicy = {
  [`${SERVICE}CreateCase`]: { roles: CASE_WORKERS },
  [`${SERVICE}GetCase`]: { roles: CASE_READERS },
  [`${SERVICE}ListCases`]: { roles: CASE_READERS },
  [`${SERVICE}ActOnCase`]: { roles: CASE_WORKERS },
  [`${SERVICE}AttachEvidence`]: { roles: CASE_WORKERS },
  [`${SERVICE}LinkEvidence`]: { roles: CASE_WORKERS },
  [`${SERVICE}VerifyHistory`]: { roles: CASE_READERS },
  [`${SERVICE}GetKpis`]: { roles: CASE_READERS },
};
