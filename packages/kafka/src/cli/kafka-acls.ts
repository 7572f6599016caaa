/**
 * The Kafka ACLs of every service, for a cluster that authenticates its clients:
 *   node packages/kafka/dist/cli/kafka-acls.js show  [service…]   prints them
 *   node packages/kafka/dist/cli/kafka-acls.js grant [service…]   grants them to User:<service> and waits until enforced
 * Run as an admin user (KAFKA_SASL_* of a super user). Reads KAFKA_BROKERS and TOPIC_PREFIX.
 */
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { createLogger } from '@ecogrid/telemetry';
import { createKafka, kafkaCredentialsFrom } from '../create-kafka';
import { aclEntriesFor, grantServiceAccess, SERVICE_KAFKA_ACCESS, type KafkaService } from '../service-access';

/** kafkajs' ACL enums are plain objects without reverse names. */
const nameOf = (values: object, value: number): string => Object.entries(values).find(([, candidate]) => candidate === value)?.[0] ?? String(value);

const isService = (name: string): name is KafkaService => Object.hasOwn(SERVICE_KAFKA_ACCESS, name);

/** The services named on the command line, or all of them. */
function servicesNamed(names: string[]): KafkaService[] {
  const unknown = names.filter((name) => !isService(name));
  if (unknown.length > 0) throw new Error(`unknown service ${unknown.join(', ')}; known: ${Object.keys(SERVICE_KAFKA_ACCESS).join(', ')}`);
  return (names.length === 0 ? Object.keys(SERVICE_KAFKA_ACCESS) : names).filter(isService);
}

async function main(): Promise<void> {
  const [command, ...names] = process.argv.slice(2);
  const prefix = process.env.TOPIC_PREFIX ?? '';
  const services = servicesNamed(names);
  if (command === 'show') {
    for (const service of services) {
      for (const entry of aclEntriesFor(service, `User:${service}`, prefix)) {
        const pattern = entry.resourcePatternType === ResourcePatternTypes.PREFIXED ? '*' : '';
        console.log(`${entry.principal}\t${nameOf(AclOperationTypes, entry.operation)}\t${nameOf(AclResourceTypes, entry.resourceType)}\t${entry.resourceName}${pattern}`);
      }
    }
    return;
  }
  if (command !== 'grant') throw new Error('usage: kafka-acls show|grant [service…]');
  const logger = createLogger({ service: 'kafka-acls', level: 'warn' });
  const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', clientId: 'kafka-acls', logger, credentials: kafkaCredentialsFrom(process.env) });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const service of services) console.log(`User:${service}: ${await grantServiceAccess(admin, service, `User:${service}`, prefix)} ACLs enforced`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`kafka-acls failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
