import { DomainError } from '@ecogrid/domain-errors';
import { watchesOperations, type StaffUser } from '../domain/staff-user';
import type { ServiceProbes, ServiceStatus } from './ports';


/** Every service's readiness and watched metrics, for operators and administrators only. */
export function createReadOperations(probes: ServiceProbes) {
  return async function readOperations(user: StaffUser): Promise<ServiceStatus[]> {
    if (!watchesOperations(user)) throw new DomainError('PERMISSION_DENIED', '运维监控仅限运维人员和管理员查看', { reason: 'role_not_allowed' });
    return probes.statuses();
  };
}
