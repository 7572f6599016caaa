import { DomainError } from '@ecogrid/domain-errors';
import type { StaffPrincipal, StaffRole } from '@ecogrid/staff-auth';
import type { Actor, Role } from '../../domain/case';

/** The staff roles that work with cases; what each may call is in the access tables, what each may do to a case in the rules. */
export const CASE_READERS = ['dispatcher', 'command_center', 'supervisor', 'officer', 'analyst'] as const satisfies readonly StaffRole[];
/** Those who change cases; analysts only read. */
export const CASE_WORKERS = ['dispatcher', 'command_center', 'supervisor', 'officer'] as const satisfies readonly StaffRole[];

const DISPATCH_ROLES: ReadonlySet<string> = new Set<string>(CASE_READERS);

/**
 * The actor of a principal that `@ecogrid/staff-auth` verified and an access table admitted. Supervisors bring their
 * township unit and officers their registry id (the verifier already insists on both), which the use cases scope by.
 */
export function actorOfPrincipal(principal: StaffPrincipal): Actor {
  if (!DISPATCH_ROLES.has(principal.role)) {
    throw new DomainError('PERMISSION_DENIED', `the ${principal.role} role has no access to cases`, { reason: 'role_not_allowed' });
  }
  return {
    subject: principal.subject,
    role: principal.role as Exclude<Role, 'system'>,
    ...(principal.officerId ? { officerId: principal.officerId } : {}),
    ...(principal.townshipCode ? { townshipCode: principal.townshipCode } : {}),
  };
}
