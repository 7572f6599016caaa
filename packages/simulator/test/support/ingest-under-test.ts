import type { Kafka } from 'kafkajs';
import { publishRegistryEntities, startIngestProcess, type IngestProcess } from '@ecogrid/e2e';
import { ensureTopics, topicNames } from '@ecogrid/kafka';
import type { Device } from '@ecogrid/proto/registry/v1/entities';
import { testEnvironment, testKafka, uniqueRedisPrefix, uniqueTopicPrefix } from '@ecogrid/testkit';

export interface IngestUnderTest extends IngestProcess {
  kafka: Kafka;
  prefix: string;
  topics: ReturnType<typeof topicNames>;
  stop(): Promise<void>;
}

/** Fresh topics, the devices on the registry topic, and the built ingest: the simulator is tested against the real thing. */
export async function startIngest(name: string, devices: Device[]): Promise<IngestUnderTest> {
  const kafka = testKafka((await testEnvironment()).kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  await ensureTopics(kafka, { prefix });
  await publishRegistryEntities(kafka, prefix, { devices });
  const ingest = await startIngestProcess({ topicPrefix: prefix, redisPrefix: uniqueRedisPrefix(name), env: { DEVICE_RATE_LIMIT_PER_S: '0', ADDRESS_RATE_LIMIT_PER_S: '0' } });
  return Object.assign(ingest, { kafka, prefix, topics: topicNames(prefix), stop: async () => void (await ingest.service.stop()) });
}
