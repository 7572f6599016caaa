import type { Kafka } from 'kafkajs';
import { allTopicSpecs, type TopicSpec } from './topics';

/**
 * Creates every catalogued topic (and its dead-letter topic) that does not exist yet, with the declared
 * partitions and cleanup policy, and waits for leaders: with auto-creation off, nothing else creates them.
 * Returns the names it created.
 */
export async function ensureTopics(kafka: Kafka, options: { prefix?: string; specs?: TopicSpec[] } = {}): Promise<string[]> {
  const prefix = options.prefix ?? '';
  const specs = options.specs ?? allTopicSpecs();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(`${prefix}${spec.name}`));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: `${prefix}${spec.name}`,
        numPartitions: spec.partitions,
        replicationFactor: 1,
        configEntries: [
          { name: 'cleanup.policy', value: spec.cleanupPolicy },
          ...(spec.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(spec.retentionMs) }]),
          ...(spec.cleanupPolicy === 'compact' ? [{ name: 'min.cleanable.dirty.ratio', value: '0.1' }, { name: 'segment.ms', value: '3600000' }] : []),
        ],
      })),
    });
    return missing.map((spec) => `${prefix}${spec.name}`);
  } finally {
    await admin.disconnect();
  }
}
