import type { Admin, Kafka } from 'kafkajs';
import { allTopicSpecs, type TopicSpec } from './topics';

/** How long a new topic may take to show a leader for every partition before creation counts as failed. */
const LEADER_WAIT_MS = 30_000;
const LEADER_POLL_MS = 100;
/** CreateTopics' "use the broker's default.replication.factor". */
const BROKER_DEFAULT = -1;

/**
 * Creates every catalogued topic (and its dead-letter topic) that does not exist yet, with the declared
 * partitions and cleanup policy, and waits for leaders: with auto-creation off, nothing else creates them.
 * Returns the names it created.
 *
 * The number of copies of each partition is `replicationFactor` when given (KAFKA_TOPIC_REPLICATION_FACTOR in the
 * callers' configuration), else the broker's `default.replication.factor` (-1 in CreateTopics, KIP-464): 1 on the
 * single demo broker, 3 on the three-node cluster — so the same code is right on both without a setting.
 */
export async function ensureTopics(kafka: Kafka, options: { prefix?: string; specs?: TopicSpec[]; replicationFactor?: number } = {}): Promise<string[]> {
  const prefix = options.prefix ?? '';
  const specs = options.specs ?? allTopicSpecs();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(`${prefix}${spec.name}`));
    if (missing.length === 0) return [];
    await admin.createTopics({
      // kafkajs' own wait retries only LEADER_NOT_AVAILABLE; see waitForTopicLeaders.
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: `${prefix}${spec.name}`,
        numPartitions: spec.partitions,
        replicationFactor: options.replicationFactor ?? BROKER_DEFAULT,
        configEntries: [
          { name: 'cleanup.policy', value: spec.cleanupPolicy },
          ...(spec.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(spec.retentionMs) }]),
          ...(spec.cleanupPolicy === 'compact' ? [{ name: 'min.cleanable.dirty.ratio', value: '0.1' }, { name: 'segment.ms', value: '3600000' }] : []),
        ],
      })),
    });
    await waitForTopicLeaders(
      admin,
      missing.map((spec) => ({ topic: `${prefix}${spec.name}`, partitions: spec.partitions })),
    );
    return missing.map((spec) => `${prefix}${spec.name}`);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until the broker's metadata shows every partition of each topic with a leader. A KRaft broker
 * answers UNKNOWN_TOPIC_OR_PARTITION for a moment after CreateTopics returns (its metadata image lags the
 * controller, KAFKA-15780), which kafkajs' `waitForLeaders` does not retry (kafkajs#815, #1563): the first
 * produce to a fresh topic then failed on a freshly started broker.
 */
export async function waitForTopicLeaders(admin: Admin, topics: ReadonlyArray<{ topic: string; partitions: number }>): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  let lastProblem = 'no metadata yet';
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: topics.map((entry) => entry.topic) });
      const unready = topics.filter(({ topic, partitions }) => {
        const found = metadata.topics.find((candidate) => candidate.name === topic);
        return !found || found.partitions.length < partitions || found.partitions.some((partition) => partition.leader < 0);
      });
      if (unready.length === 0) return;
      lastProblem = `no leader yet for ${unready.map((entry) => entry.topic).join(', ')}`;
    } catch (error) {
      if (!isMetadataSettling(error)) throw error;
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) throw new Error(`topics not ready after ${LEADER_WAIT_MS} ms: ${lastProblem}`);
    await new Promise((resolve) => setTimeout(resolve, LEADER_POLL_MS));
  }
}

function isMetadataSettling(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE';
}
