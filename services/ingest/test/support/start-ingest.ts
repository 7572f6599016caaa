import type { Kafka } from 'kafkajs';
import { startIngestProcess, type IngestProcess } from '@ecogrid/e2e';
import { ensureTopics, topicNames } from '@ecogrid/kafka';
import type { Device } from '@ecogrid/proto/registry/v1/entities';
import { testEnvironment, testKafka, uniqueRedisPrefix, uniqueTopicPrefix } from '@ecogrid/testkit';
import { publishDevices } from './registry-fixtures';

export const GATEWAY_TOKEN = 'test-gateway-token-0123456789';

export interface RunningIngest extends IngestProcess {
  kafka: Kafka;
  prefix: string;
  redisPrefix: string;
  topics: ReturnType<typeof topicNames>;
}

/** Topics with a fresh prefix, the given devices on the registry topic, and the built ingest service running. */
export async function startIngest(name: string, devices: Device[], extraEnv: Record<string, string> = {}): Promise<RunningIngest> {
  const kafka = testKafka((await testEnvironment()).kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  await ensureTopics(kafka, { prefix });
  await publishDevices(kafka, prefix, devices);
  const redisPrefix = uniqueRedisPrefix(name);
  const ingest = await startIngestProcess({ topicPrefix: prefix, redisPrefix, gatewayTokens: { test: GATEWAY_TOKEN }, env: extraEnv });
  return Object.assign(ingest, { kafka, prefix, redisPrefix, topics: topicNames(prefix) });
}
