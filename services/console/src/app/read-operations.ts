import { DomainError } from '@ecogrid/domain-errors';
import { watchesOperations, type StaffUser } from '../domain/staff-user';
import type { DeviceStateView, KafkaOperations, ServiceProbes, ServiceStatus } from './ports';


export interface OperationsView {
  services: ServiceStatus[];
  /** Null when Kafka would not say (e.g. a secured cluster that gives the console no right to describe other groups). */
  consumerLag: Array<{ group: string; lag: number }> | null;
  deadLetters: Array<{ topic: string; records: number | null }> | null;
  /** Online devices among the registry's devices, from the device status view. */
  devicesOnline: { online: number; registered: number; rate: number | null };
}

/** Every service's readiness and watched metrics, consumer lag and dead letters, for operators and administrators only. */
export function createReadOperations(deps: { probes: ServiceProbes; kafka: KafkaOperations; devices: DeviceStateView; registeredDevices: (user: StaffUser) => Promise<string[]> }) {
  return async function readOperations(user: StaffUser): Promise<OperationsView> {
    if (!watchesOperations(user)) throw new DomainError('PERMISSION_DENIED', '运维监控仅限运维人员和管理员查看', { reason: 'role_not_allowed' });
    const [services, consumerLag, deadLetters, registered] = await Promise.all([
      deps.probes.statuses(),
      deps.kafka.consumerLag().catch(() => null),
      deps.kafka.deadLetters().catch(() => null),
      deps.registeredDevices(user),
    ]);
    return { services, consumerLag, deadLetters, devicesOnline: deps.devices.onlineRate(registered) };
  };
}
