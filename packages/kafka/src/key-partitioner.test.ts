import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { cachedKeyPartitioner } from './key-partitioner';

const metadata = (count: number, leaderless: number[] = []): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: leaderless.includes(partitionId) ? -1 : 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));

describe('cachedKeyPartitioner', () => {
  it('puts every string key where kafkajs’ default partitioner does, for any partition count, asked twice', () => {
    const cached = cachedKeyPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const count of [1, 3, 6, 12]) {
      for (let device = 0; device < 500; device++) {
        const args: PartitionerArgs = { topic: 't', partitionMetadata: metadata(count, [1]), message: { key: `MN${device.toString().padStart(12, '0')}`, value: 'v' } };
        const expected = reference(args);
        expect(cached(args)).toBe(expected);
        expect(cached(args)).toBe(expected);
      }
    }
  });

  it('keeps an explicit partition, and leaves buffer keys to the default', () => {
    const cached = cachedKeyPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    expect(cached({ topic: 't', partitionMetadata: metadata(6), message: { key: 'MN1', value: 'v', partition: 4 } })).toBe(4);
    const bufferKey: PartitionerArgs = { topic: 't', partitionMetadata: metadata(6), message: { key: Buffer.from('MN1'), value: 'v' } };
    expect(cached(bufferKey)).toBe(reference(bufferKey));
  });
});
