import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry, type Admin } from 'kafkajs';
import { deadLetterTopicName, TOPICS, type TopicKey } from './topics';

/** What one service reads and writes on Kafka. Least privilege: its ACLs grant exactly this. */
export interface ServiceKafkaAccess {
  writes: readonly TopicKey[];
  reads: readonly TopicKey[];
}

const REGISTRY_TOPICS: readonly TopicKey[] = ['registryCells', 'registryDevices', 'registryEnterprises', 'registryOfficers', 'registryTargets'];

/** Every service's topics. A new service adds its line here, and its ACLs follow. */
export const SERVICE_KAFKA_ACCESS = {
  /** Device commands: the 1014 key rotations devices confirmed, whose new keys the registry adopts. */
  registry: { writes: REGISTRY_TOPICS, reads: [...REGISTRY_TOPICS, 'devicesCommands'] },
  /** Device commands: written through its outbox, read back by every instance (the one holding the device's connection sends). */
  ingest: { writes: ['readings', 'readingsRecords', 'readingsRejected', 'devicesStatus', 'devicesCommands', 'devicesTransmission'], reads: [...REGISTRY_TOPICS, 'devicesCommands', 'readingsRecords'] },
  alerting: { writes: ['alerts', 'aqiHourly'], reads: ['readings', ...REGISTRY_TOPICS] },
  /** Cases from alerts, and from the cases the emergency service asks for (reduction breaches, plan tasks). */
  dispatch: { writes: ['cases'], reads: ['alerts', 'emergency', ...REGISTRY_TOPICS] },
  /** Evidence from alerts and cases, owners and names from the registry's devices and enterprises. */
  credit: { writes: ['credit'], reads: ['alerts', 'cases', 'registryDevices', 'registryEnterprises'] },
  /**
   * Every shareable topic in (the registry's enterprises for their public subset; the emergency topic for its incidents,
   * drills marked as drills); its access audit out (through its outbox).
   */
  sharing: { writes: ['sharingAccess'], reads: ['readings', 'alerts', 'aqiHourly', 'cases', 'credit', 'registryEnterprises', 'emergency'] },
  /**
   * Live updates for the browsers (each instance in a group of its own, `<prefix>console.live.<instance>`) and the
   * devices' online state and newest values (`<prefix>console.devices.<instance>.*`); the emergency topic for the
   * warnings, breaches, incidents and early warnings it pushes live; it writes nothing.
   */
  console: { writes: [], reads: ['alerts', 'cases', 'aqiHourly', 'devicesStatus', 'readings', 'emergency'] },
  /**
   * Heavy-pollution warnings, incidents and early warning: its events out (through its outbox); alerts, readings
   * and hourly AQI to check obligations, propose incidents and forecast; the registry; cases to follow its tasks.
   */
  emergency: { writes: ['emergency'], reads: ['alerts', 'readings', 'aqiHourly', 'cases', ...REGISTRY_TOPICS] },
  /** The demo's device simulator (`pnpm start`): it only learns the devices it plays. */
  simulator: { writes: [], reads: ['registryDevices'] },
} as const satisfies Record<string, ServiceKafkaAccess>;

export type KafkaService = keyof typeof SERVICE_KAFKA_ACCESS;

/**
 * The ACL entries that let `principal` (e.g. `User:alerting`) do exactly what `service` needs under the deployment's
 * topic prefix: write its topics (and read them back, which the outbox relay does after a take-over), read what it
 * consumes, dead-letter what it consumes, and use consumer groups named `<prefix><service>.…` (the one naming rule,
 * which the outbox relay's read-back groups follow too), plus idempotent producing. Nothing else: no topic
 * creation, no other service's group.
 */
export function aclEntriesFor(service: KafkaService, principal: string, topicPrefix = ''): AclEntry[] {
  const access: ServiceKafkaAccess = SERVICE_KAFKA_ACCESS[service];
  const entry = (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, pattern = ResourcePatternTypes.LITERAL): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType: pattern,
    principal,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  const topic = (key: TopicKey): string => `${topicPrefix}${TOPICS[key].name}`;
  const entries: AclEntry[] = [];
  for (const key of access.writes) {
    entries.push(entry(AclResourceTypes.TOPIC, topic(key), AclOperationTypes.WRITE), entry(AclResourceTypes.TOPIC, topic(key), AclOperationTypes.READ), entry(AclResourceTypes.TOPIC, topic(key), AclOperationTypes.DESCRIBE));
  }
  for (const key of access.reads) {
    if (!access.writes.includes(key)) entries.push(entry(AclResourceTypes.TOPIC, topic(key), AclOperationTypes.READ), entry(AclResourceTypes.TOPIC, topic(key), AclOperationTypes.DESCRIBE));
    if (TOPICS[key].hasDeadLetter) {
      const dlq = deadLetterTopicName(topic(key));
      entries.push(entry(AclResourceTypes.TOPIC, dlq, AclOperationTypes.WRITE), entry(AclResourceTypes.TOPIC, dlq, AclOperationTypes.DESCRIBE));
    }
  }
  entries.push(entry(AclResourceTypes.GROUP, `${topicPrefix}${service}.`, AclOperationTypes.READ, ResourcePatternTypes.PREFIXED));
  // Our producers are idempotent (no duplicates on retry). kafkajs asks for a producer id with InitProducerId v0,
  // which the broker authorises only by IDEMPOTENT_WRITE on the cluster — a right that allows nothing beyond that.
  entries.push(entry(AclResourceTypes.CLUSTER, 'kafka-cluster', AclOperationTypes.IDEMPOTENT_WRITE));
  return entries;
}

/** How many of `entries` the broker's authorizer reports (it applies created ACLs a moment after answering). */
async function grantedCount(admin: Admin, principal: string, entries: readonly AclEntry[]): Promise<number> {
  const described = await admin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    principal,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ALLOW,
  });
  const have = new Set(described.resources.flatMap((resource) => resource.acls.map((acl) => `${resource.resourceType}|${resource.resourceName}|${resource.resourcePatternType}|${acl.operation}`)));
  return entries.filter((entry) => have.has(`${entry.resourceType}|${entry.resourceName}|${entry.resourcePatternType}|${entry.operation}`)).length;
}

/**
 * Grants `service`'s ACLs to `principal` and returns once the broker enforces them, so that a service started next
 * is not refused in the moment between. Creating an ACL that exists is a no-op, so this is safe to repeat.
 */
export async function grantServiceAccess(admin: Admin, service: KafkaService, principal: string, topicPrefix = '', timeoutMs = 30_000): Promise<number> {
  const entries = aclEntriesFor(service, principal, topicPrefix);
  await admin.createAcls({ acl: entries });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const granted = await grantedCount(admin, principal, entries);
    if (granted === entries.length) return granted;
    if (Date.now() > deadline) throw new Error(`Kafka enforces ${granted} of ${entries.length} ACLs of ${principal} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
