import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { waitForTopicLeaders } from '@ecogrid/kafka';

export function benchKafka(): Kafka {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run through pnpm bench (deploy/local/with-infra.sh)');
  return new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** A throw-away topic for one bench, deleted afterwards. */
export async function withBenchTopic<T>(kafka: Kafka, partitions: number, run: (topic: string) => Promise<T>): Promise<T> {
  const topic = `bench.${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  await waitForTopicLeaders(admin, [{ topic, partitions }]);
  try {
    return await run(topic);
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}


/** Deletes every topic a bench created under its prefix (a failure to delete is left to the next clean-up). */
export async function deleteBenchTopics(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: (await admin.listTopics()).filter((topic) => topic.startsWith(prefix)) }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
