// Deletes what earlier test, load and bench runs left behind on long-lived development servers: topics with
// the prefixes t., load. and bench. (a broker slows down under thousands of partitions nobody reads), and
// Redis keys under t: and load: (dedupe keys live for two days; a few bench runs leave millions).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../packages/testkit/package.json', import.meta.url));
const { Kafka, logLevel } = require('kafkajs');
const { Redis } = require('ioredis');

async function dropTopics() {
  const kafka = new Kafka({ clientId: 'drop-test-leftovers', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING });
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
}

async function dropRedisKeys() {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let deleted = 0;
    for (const pattern of ['t:*', 'load:*']) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
    }
    console.log(`test Redis keys: deleted ${deleted} left from earlier runs`);
  } finally {
    redis.disconnect();
  }
}

const results = await Promise.allSettled([dropTopics(), dropRedisKeys()]);
for (const result of results) if (result.status === 'rejected') console.log(`could not delete some leftovers: ${result.reason?.message ?? result.reason}`);
