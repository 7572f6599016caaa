import { topicNames } from '@ecogrid/kafka';
import { recordTopics, testKafka, waitFor } from '@ecogrid/testkit';

export interface TopicComparison {
  /** Acknowledged observation ids not on the readings topic. */
  missing: string[];
  /** Acknowledged observations on the topic more than once. */
  twice: number;
  /** Distinct observation ids on the topic, and its records (earlier tests' included). */
  distinct: number;
  records: number;
}

/**
 * Reads the whole readings topic of the cluster at `kafkaUrl` (no prefix: the fault tests run ingest as deployed) until
 * every acknowledged observation is there or a minute has passed, and compares it with what the devices were told was
 * stored. Duplicates are counted among the acknowledged ids only: the topic also holds earlier tests' records.
 */
export async function compareAcknowledgedWithTopic(kafkaUrl: string, acknowledged: ReadonlySet<string>, label: string): Promise<TopicComparison> {
  const recorder = await recordTopics(testKafka(kafkaUrl), [topicNames('').readings]);
  const copies = new Map<string, number>();
  let records = 0;
  await waitFor(
    () => {
      for (const message of recorder.messages.slice(records)) copies.set(message.headers.ce_id ?? '', (copies.get(message.headers.ce_id ?? '') ?? 0) + 1);
      records = recorder.messages.length;
      return [...acknowledged].every((id) => copies.has(id));
    },
    { timeoutMs: 60_000, description: `every acknowledged observation of "${label}" on the topic` },
  ).catch(() => undefined);
  await recorder.stop();
  return {
    missing: [...acknowledged].filter((id) => !copies.has(id)),
    twice: [...acknowledged].filter((id) => (copies.get(id) ?? 0) > 1).length,
    distinct: copies.size,
    records,
  };
}
