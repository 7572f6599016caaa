import type { StaffRole } from '@ecogrid/staff-auth';

/** Who is logged in: what the console shows and the staff token it signs for them depend on it. */
export interface StaffUser {
  username: string;
  displayName: string;
  role: StaffRole;
  /** The registry officer behind an officer's or supervisor's account. */
  officerId?: string;
  /** The township unit a supervisor answers for. */
  townshipCode?: string;
}

/** Roles that work on the whole district's cases and alerts. */
const DISTRICT_ROLES: ReadonlySet<StaffRole> = new Set(['admin', 'command_center', 'dispatcher', 'analyst', 'operator']);

export function seesWholeDistrict(user: StaffUser): boolean {
  return DISTRICT_ROLES.has(user.role);
}

/** The operator view (readiness and metrics of every service) is for those who run the platform. */
export function watchesOperations(user: StaffUser): boolean {
  return user.role === 'operator' || user.role === 'admin';
}
