/**
 * The staff roles of the platform (`operator`: sends commands to field devices, 反控). A token carries exactly one; what each may do per RPC and route is in
 * docs/security.md.
 */
export const STAFF_ROLES = ['admin', 'command_center', 'dispatcher', 'supervisor', 'officer', 'analyst', 'credit_officer', 'data_steward', 'operator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/** Who a verified token says the caller is. */
export interface StaffPrincipal {
  subject: string;
  role: StaffRole;
  /** The registry officer behind the token: required for officers and supervisors. */
  officerId?: string;
  /** The township unit a supervisor answers for; their scope. */
  townshipCode?: string;
  /** The token's id (`jti`), for audit and revocation. */
  tokenId: string;
  expiresAt: Date;
}

/** Roles whose scope is one officer or one township: their tokens must say which. */
export const ROLES_NEEDING_OFFICER: ReadonlySet<StaffRole> = new Set(['officer', 'supervisor']);
export const ROLES_NEEDING_TOWNSHIP: ReadonlySet<StaffRole> = new Set(['supervisor']);
