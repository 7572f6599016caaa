// Deletes the topics earlier test, load and bench runs left behind (prefixes t., load., bench.), so a
// long-lived development broker does not slow down under thousands of partitions nobody reads.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/testkit/package.json', import.meta.url));
const { Kafka, logLevel } = require('kafkajs');

const kafka = new Kafka({ clientId: 'drop-test-topics', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
try {
  const leftovers = (await admin.listTopics()).filter((topic) => /^(t|load|bench)\./.test(topic));
  for (let index = 0; index < leftovers.length; index += 100) {
    await admin.deleteTopics({ topics: leftovers.slice(index, index + 100), timeout: 60_000 });
  }
  console.log(`test topics: deleted ${leftovers.length} left from earlier runs`);
} finally {
  await admin.disconnect();
}
