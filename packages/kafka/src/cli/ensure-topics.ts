/**
 * Creates every catalogued topic that is missing: `node packages/kafka/dist/cli/ensure-topics.js`.
 * Reads KAFKA_BROKERS, TOPIC_PREFIX and KAFKA_TOPIC_REPLICATION_FACTOR (default: the broker's default.replication.factor). Run by `pnpm start` before any service.
 */
import { createLogger } from '@ecogrid/telemetry';
import { createKafka, kafkaCredentialsFrom } from '../create-kafka';
import { ensureTopics } from '../ensure-topics';

function replicationFactorFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const factor = Number(value);
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`KAFKA_TOPIC_REPLICATION_FACTOR must be a whole number of copies (1 or more), not '${value}'`);
  return factor;
}

async function main(): Promise<void> {
  const logger = createLogger({ service: 'ensure-topics', level: 'warn' });
  const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', clientId: 'ensure-topics', logger, credentials: kafkaCredentialsFrom(process.env) });
  const created = await ensureTopics(kafka, { prefix: process.env.TOPIC_PREFIX ?? '', replicationFactor: replicationFactorFrom(process.env.KAFKA_TOPIC_REPLICATION_FACTOR) });
  console.log(created.length === 0 ? 'topics: all present' : `topics: created ${created.length}: ${created.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(`ensure-topics failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
