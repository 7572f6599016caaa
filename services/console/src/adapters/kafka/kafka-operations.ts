import type { Admin } from 'kafkajs';
import { deadLetterTopicName, TOPICS } from '@ecogrid/kafka';
import type { KafkaOperations } from '../../app/ports';

const MAX_GROUPS = 100;

/**
 * Lag and dead letters from the Kafka admin API. Lag is the sum over a group's partitions of the high watermark
 * minus its committed offset; groups of other deployments (another topic prefix) and this console's own live groups
 * (which commit as they go and are one per instance) are left out.
 */
export function createKafkaOperations(options: { admin: Admin; topicPrefix: string }): KafkaOperations {
  const { admin, topicPrefix } = options;
  const highs = async (topic: string): Promise<Map<number, bigint>> => new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, BigInt(entry.high)]));
  return {
    consumerLag: async () => {
      const { groups } = await admin.listGroups();
      const ours = groups
        .map((group) => group.groupId)
        .filter((id) => id.startsWith(topicPrefix) && !id.startsWith(`${topicPrefix}console.live.`))
        .sort()
        .slice(0, MAX_GROUPS);
      const cache = new Map<string, Promise<Map<number, bigint>>>();
      const lags = await Promise.all(
        ours.map(async (group) => {
          let lag = 0n;
          let committed = false;
          for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group })) {
            if (!cache.has(topic)) cache.set(topic, highs(topic));
            const high = await (cache.get(topic) as Promise<Map<number, bigint>>);
            for (const { partition, offset } of partitions) {
              if (BigInt(offset) < 0n) continue;
              committed = true;
              const behind = (high.get(partition) ?? 0n) - BigInt(offset);
              if (behind > 0n) lag += behind;
            }
          }
          return committed ? { group: group.slice(topicPrefix.length), lag: Number(lag) } : undefined;
        }),
      );
      return lags.filter((entry): entry is { group: string; lag: number } => entry !== undefined);
    },
    // One topic after another: a dozen metadata look-ups at once made the admin client fail some of them.
    deadLetters: async () => {
      const topics = Object.values(TOPICS)
        .filter((spec) => spec.hasDeadLetter)
        .map((spec) => deadLetterTopicName(spec.name));
      const counts: Array<{ topic: string; records: number | null }> = [];
      for (const topic of topics) {
        // Once more on failure: the admin client's first look at a topic it has no metadata for can fail while it refreshes.
        const read = () => admin.fetchTopicOffsets(`${topicPrefix}${topic}`);
        const offsets = await read()
          .catch(read)
          .catch(() => undefined);
        counts.push({ topic, records: offsets ? Number(offsets.reduce((sum, entry) => sum + (BigInt(entry.high) - BigInt(entry.low)), 0n)) : null });
      }
      return counts;
    },
  };
}
