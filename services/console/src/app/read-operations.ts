import { watchesOperations, type StaffUser } from '../domain/staff-user';
import type { ServiceProbes, ServiceStatus } from './ports';

export class NotForThisRole extends Error {
  readonly code = 'role_not_allowed';
  constructor(what: string) {
    super(`此页面仅限运维人员查看（${what}）`);
    this.name = 'NotForThisRole';
  }
}

/** Every service's readiness and watched metrics, for operators and administrators only. */
export function createReadOperations(probes: ServiceProbes) {
  return async function readOperations(user: StaffUser): Promise<ServiceStatus[]> {
    if (!watchesOperations(user)) throw new NotForThisRole('operator view');
    return probes.statuses();
  };
}
