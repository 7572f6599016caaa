import { Partitioners, type ICustomPartitioner } from 'kafkajs';

/** Keys remembered per partition count before the memory starts over (a platform has some thousands of devices). */
const MAX_KEYS = 100_000;

/**
 * kafkajs' default partitioner (murmur2 of the key, as the Java client's), with each string key's partition
 * remembered. The default recomputes murmur2 with 64-bit Long arithmetic and filters the partition list for every
 * message; ingest publishes thousands a second for a few thousand device keys. Same partitions as the default:
 * a keyed message's partition depends only on its key and the topic's partition count.
 */
export const cachedKeyPartitioner: ICustomPartitioner = () => {
  const partitionFor = Partitioners.DefaultPartitioner();
  const byCount = new Map<number, Map<string, number>>();
  return (args) => {
    const { message, partitionMetadata } = args;
    const key = message.key;
    if ((message.partition !== null && message.partition !== undefined) || typeof key !== 'string') return partitionFor(args);
    const count = partitionMetadata.length;
    let known = byCount.get(count);
    if (!known) {
      known = new Map();
      byCount.set(count, known);
    }
    let partition = known.get(key);
    if (partition === undefined) {
      partition = partitionFor(args);
      if (known.size >= MAX_KEYS) known.clear();
      known.set(key, partition);
    }
    return partition;
  };
};
