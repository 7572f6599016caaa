import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { ensureTopics, topicNames } from '@ecogrid/kafka';
import type { Device } from '@ecogrid/proto/registry/v1/entities';
import { freePort, startServiceProcess, testEnvironment, testKafka, uniqueRedisPrefix, uniqueTopicPrefix, type ServiceProcess } from '@ecogrid/testkit';
import { publishDevices } from './registry-fixtures';

export const GATEWAY_TOKEN = 'test-gateway-token-0123456789';

export interface RunningIngest {
  service: ServiceProcess;
  kafka: Kafka;
  prefix: string;
  redisPrefix: string;
  topics: ReturnType<typeof topicNames>;
  httpUrl: string;
  hj212Port: number;
  grpcAddress: string;
  env: Record<string, string>;
  restart(): Promise<ServiceProcess>;
}

/**
 * Topics with a fresh prefix, the given devices on the registry topic, and the built ingest service running
 * as its own process against the real Kafka and Redis.
 */
export async function startIngest(name: string, devices: Device[], extraEnv: Record<string, string> = {}): Promise<RunningIngest> {
  const environment = await testEnvironment();
  const kafka = testKafka(environment.kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  await ensureTopics(kafka, { prefix });
  await publishDevices(kafka, prefix, devices);
  const [httpPort, hj212Port, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const redisPrefix = uniqueRedisPrefix(name);
  const env: Record<string, string> = {
    KAFKA_BROKERS: environment.kafkaBrokers,
    REDIS_URL: environment.redisUrl,
    REDIS_PREFIX: redisPrefix,
    TOPIC_PREFIX: prefix,
    HTTP_ADDRESS: `127.0.0.1:${httpPort}`,
    HJ212_ADDRESS: `127.0.0.1:${hj212Port}`,
    GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
    INGEST_GATEWAY_TOKENS: `test:${createHash('sha256').update(GATEWAY_TOKEN).digest('hex')}`,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const start = (): Promise<ServiceProcess> =>
    startServiceProcess({ entry: resolve(__dirname, '../../dist/main.js'), readyUrl: `http://127.0.0.1:${httpPort}/readyz`, env });
  const service = await start();
  return {
    service,
    kafka,
    prefix,
    redisPrefix,
    topics: topicNames(prefix),
    httpUrl: `http://127.0.0.1:${httpPort}`,
    hj212Port,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    env,
    restart: start,
  };
}
