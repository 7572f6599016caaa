import type { Request, RequestHandler, Response } from 'express';
import { DomainError } from '@ecogrid/domain-errors';
import type { StaffRole, TokenVerifier } from '@ecogrid/staff-auth';
import type { Actor } from '../../domain/case';
import { actorOfPrincipal, CASE_READERS, CASE_WORKERS } from '../auth/staff-actor';

/**
 * Who may call which staff route (docs/security.md has the matrix, which an end-to-end test tries cell by cell).
 * A route missing here is open to no one. Scope is the use cases' business: a supervisor's township unit, an
 * officer's own cases.
 */
export const STAFF_REST_ACCESS = {
  'POST /v1/cases': CASE_WORKERS,
  'GET /v1/cases': CASE_READERS,
  'GET /v1/cases/:id': CASE_READERS,
  'POST /v1/cases/:id/actions': CASE_WORKERS,
  'POST /v1/cases/:id/evidence': CASE_WORKERS,
  'POST /v1/cases/:id/evidence-links': CASE_WORKERS,
  'GET /v1/cases/:id/evidence/:evidence': CASE_READERS,
  'GET /v1/cases/:id/history/verify': CASE_READERS,
  'GET /v1/kpis': CASE_READERS,
} as const satisfies Record<string, readonly StaffRole[]>;

export type StaffRoute = keyof typeof STAFF_REST_ACCESS;

const ACTOR = 'actor';

/**
 * Authenticates a route's caller with the shared staff-token verifier and admits them by the route's row of the table,
 * before any body is read: missing or bad token → 401 with the verifier's reason, a role the route does not admit →
 * 403 `role_not_allowed`. The actor is left for the handler (`actorOf`).
 */
export function staffOnly(verifier: TokenVerifier, route: StaffRoute): RequestHandler {
  const roles: readonly StaffRole[] = STAFF_REST_ACCESS[route];
  return async (request, response, next) => {
    const principal = await verifier.verifyAuthorization(request.headers.authorization);
    if (!roles.includes(principal.role)) throw new DomainError('PERMISSION_DENIED', `the ${principal.role} role may not call ${route}`, { reason: 'role_not_allowed' });
    response.locals[ACTOR] = actorOfPrincipal(principal);
    next();
  };
}

/** The actor `staffOnly` admitted for this request. */
export function actorOf(_request: Request, response: Response): Actor {
  const actor = response.locals[ACTOR] as Actor | undefined;
  if (!actor) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <token>', { reason: 'no_token' });
  return actor;
}
