import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * patches/kafkajs@2.2.4.patch makes a produce retry resend every partition that has no answer yet, to its leader of
 * the moment. Upstream kept answers per broker, so when a broker died and one of its partitions moved to a broker
 * that had already answered for its own partitions, the retry skipped that partition and the send resolved with its
 * messages never written (kafkajs#1303): the three-broker fault test of ingest lost acknowledged frames that way.
 */
interface ProduceRequest {
  topicData: Array<{ topic: string; partitions: Array<{ partition: number; firstSequence: number; messages: unknown[] }> }>;
}
interface FakeBroker {
  nodeId: number;
  produce(request: ProduceRequest): Promise<unknown>;
}
type SendMessages = (options: { logger: unknown; cluster: unknown; partitioner: unknown; eosManager: unknown; retrier: unknown }) => (request: {
  acks: number;
  timeout: number;
  topicMessages: Array<{ topic: string; messages: Array<{ key: string; value: string }> }>;
}) => Promise<Array<{ topicName: string; partition: number; errorCode: number; baseOffset: string }>>;

const kafkajsRequire = createRequire(require.resolve('kafkajs'));
const createSendMessages = kafkajsRequire('./src/producer/sendMessages') as SendMessages;
const createRetry = kafkajsRequire('./src/retry') as (options: { retries: number; initialRetryTime: number; maxRetryTime: number }) => unknown;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function connectionError(): Error {
  const error = new Error('Connection error: connect ECONNREFUSED');
  error.name = 'KafkaJSConnectionError';
  return Object.assign(error, { retriable: true });
}

/**
 * Two partitions of `t`: 0 led by broker 1, 1 by broker 2; broker 1 dies at the first produce and broker 2 takes over
 * 0 — unless `failover` is false, when partition 0 stays without a reachable leader.
 */
function cluster(failover = true) {
  const leaders = new Map([
    [0, 1],
    [1, 2],
  ]);
  const produced: Array<{ broker: number; partitions: number[]; sequences: number[] }> = [];
  const sequences = new Map<number, number>();
  const broker = (nodeId: number): FakeBroker => ({
    nodeId,
    produce: async (request) => {
      const partitions = request.topicData.flatMap((topic) => topic.partitions);
      produced.push({ broker: nodeId, partitions: partitions.map((entry) => entry.partition), sequences: partitions.map((entry) => entry.firstSequence) });
      if (nodeId === 1) {
        if (failover) leaders.set(0, 2);
        throw connectionError();
      }
      return { topics: [{ topicName: 't', partitions: partitions.map((entry) => ({ partition: entry.partition, errorCode: 0, baseOffset: '0' })) }] };
    },
  });
  const brokers = new Map([1, 2].map((nodeId) => [nodeId, broker(nodeId)]));
  const fakeCluster = {
    targetTopics: new Set(['t']),
    refreshMetadataIfNecessary: async () => undefined,
    refreshMetadata: async () => undefined,
    addMultipleTargetTopics: async () => undefined,
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () => [...leaders].map(([partitionId, leader]) => ({ partitionId, leader })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const byLeader: Record<string, number[]> = {};
      for (const partition of partitions) (byLeader[String(leaders.get(Number(partition)))] ??= []).push(Number(partition));
      return byLeader;
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => brokers.get(Number(nodeId)),
  };
  const eosManager = {
    isTransactional: () => false,
    isIdempotent: () => true,
    getProducerId: () => 7,
    getProducerEpoch: () => 0,
    getTransactionalId: () => undefined,
    getSequence: (_topic: string, partition: number) => sequences.get(partition) ?? 0,
    updateSequence: (_topic: string, partition: number, increment: number) => sequences.set(partition, (sequences.get(partition) ?? 0) + increment),
    acquireBrokerLock: async () => undefined,
    releaseBrokerLock: async () => undefined,
  };
  return { fakeCluster, eosManager, produced };
}

describe('kafkajs produce retry (patched): a partition whose leader died is sent to its new leader', () => {
  it('resends partition 0 to broker 2 although broker 2 had answered for partition 1, with the same sequence number', async () => {
    const { fakeCluster, eosManager, produced } = cluster();
    const sendMessages = createSendMessages({
      logger: silent,
      cluster: fakeCluster,
      partitioner: ({ message }: { message: { key: string } }) => Number(message.key),
      eosManager,
      retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
    });

    const answers = await sendMessages({ acks: -1, timeout: 1_000, topicMessages: [{ topic: 't', messages: [{ key: '0', value: 'a' }, { key: '1', value: 'b' }] }] });

    expect(answers.map((answer) => answer.partition).sort()).toEqual([0, 1]);
    // Partition 1 once (answered at the first try), partition 0 twice: to the dead broker, then to its new leader.
    expect(produced.filter((call) => call.partitions.includes(1))).toHaveLength(1);
    expect(produced.filter((call) => call.partitions.includes(0)).map((call) => [call.broker, call.sequences[call.partitions.indexOf(0)]])).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });

  it('names on the error the messages that were stored when the send gives up, so that the caller sends only the rest again', async () => {
    const { fakeCluster, eosManager, produced } = cluster(false);
    const sendMessages = createSendMessages({
      logger: silent,
      cluster: fakeCluster,
      partitioner: ({ message }: { message: { key: string } }) => Number(message.key),
      eosManager,
      retrier: createRetry({ retries: 2, initialRetryTime: 1, maxRetryTime: 5 }),
    });
    const toPartition0 = { key: '0', value: 'a' };
    const toPartition1 = { key: '1', value: 'b' };

    const failure: unknown = await sendMessages({ acks: -1, timeout: 1_000, topicMessages: [{ topic: 't', messages: [toPartition0, toPartition1] }] }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    const acknowledged = (failure as { acknowledgedMessages?: unknown[] }).acknowledgedMessages;
    expect(acknowledged).toHaveLength(1);
    expect(acknowledged?.[0]).toBe(toPartition1);
    // Partition 1 was written once, at the first try; partition 0 was tried at each attempt and never answered.
    expect(produced.filter((call) => call.partitions.includes(1))).toHaveLength(1);
    expect(produced.filter((call) => call.partitions.includes(0)).length).toBeGreaterThan(1);
  });
});
