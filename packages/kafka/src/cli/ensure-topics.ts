/**
 * Creates every catalogued topic that is missing: `node packages/kafka/dist/cli/ensure-topics.js`.
 * Reads KAFKA_BROKERS and TOPIC_PREFIX. Run by `pnpm start` before any service.
 */
import { createLogger } from '@ecogrid/telemetry';
import { createKafka, kafkaCredentialsFrom } from '../create-kafka';
import { ensureTopics } from '../ensure-topics';

async function main(): Promise<void> {
  const logger = createLogger({ service: 'ensure-topics', level: 'warn' });
  const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', clientId: 'ensure-topics', logger, credentials: kafkaCredentialsFrom(process.env) });
  const created = await ensureTopics(kafka, { prefix: process.env.TOPIC_PREFIX ?? '' });
  console.log(created.length === 0 ? 'topics: all present' : `topics: created ${created.length}: ${created.join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(`ensure-topics failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
