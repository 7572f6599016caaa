import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { createEventPublisher, ensureTopics, topicNames } from '@ecogrid/kafka';
import { DeviceChanged } from '@ecogrid/proto/registry/v1/events';
import type { Device } from '@ecogrid/proto/registry/v1/entities';
import { freePort, startServiceProcess, testEnvironment, testKafka, uniqueRedisPrefix, uniqueTopicPrefix, type ServiceProcess } from '@ecogrid/testkit';

/** The built ingest service; the simulator is tested against the real thing, not a stand-in. */
export const INGEST_ENTRY = resolve(__dirname, '../../../../services/ingest/dist/main.js');

export interface IngestUnderTest {
  service: ServiceProcess;
  kafka: Kafka;
  prefix: string;
  topics: ReturnType<typeof topicNames>;
  hj212Port: number;
  stop(): Promise<void>;
}

/** Publishes devices on the prefixed compacted registry topic, as the registry service does. */
export async function publishDevices(kafka: Kafka, prefix: string, devices: Device[]): Promise<void> {
  const publisher = createEventPublisher({ kafka, source: '/ecogrid/registry' });
  await publisher.connect();
  await publisher.publishAll(
    devices.map((device) => ({
      topic: topicNames(prefix).registryDevices,
      key: device.mn,
      value: Buffer.from(DeviceChanged.encode({ device }).finish()),
      type: 'ecogrid.registry.v1.DeviceChanged',
    })),
  );
  await publisher.disconnect();
}

/** Fresh topics, the devices on the registry topic, and ingest running as its own process. */
export async function startIngest(name: string, devices: Device[]): Promise<IngestUnderTest> {
  if (!existsSync(INGEST_ENTRY)) throw new Error(`${INGEST_ENTRY} is missing: build ingest first (turbo builds it before this suite)`);
  const environment = await testEnvironment();
  const kafka = testKafka(environment.kafkaBrokers);
  const prefix = uniqueTopicPrefix(name);
  await ensureTopics(kafka, { prefix });
  await publishDevices(kafka, prefix, devices);
  const [httpPort, hj212Port, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const service = await startServiceProcess({
    entry: INGEST_ENTRY,
    readyUrl: `http://127.0.0.1:${httpPort}/readyz`,
    env: {
      KAFKA_BROKERS: environment.kafkaBrokers,
      REDIS_URL: environment.redisUrl,
      REDIS_PREFIX: uniqueRedisPrefix(name),
      TOPIC_PREFIX: prefix,
      HTTP_ADDRESS: `127.0.0.1:${httpPort}`,
      HJ212_ADDRESS: `127.0.0.1:${hj212Port}`,
      GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
      DEVICE_RATE_LIMIT_PER_S: '0',
      LOG_LEVEL: 'warn',
    },
  });
  return { service, kafka, prefix, topics: topicNames(prefix), hj212Port, stop: async () => void (await service.stop()) };
}
