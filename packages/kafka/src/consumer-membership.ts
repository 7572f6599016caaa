import type { Consumer, ConsumerRunConfig, Kafka } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';
import { observeConsumerLag } from './consumer-metrics';

export interface MembershipOptions {
  kafka: Kafka;
  groupId: string;
  logger: Logger;
  /** How long the group waits for a member that stopped heartbeating (a crashed instance) before moving its partitions. */
  sessionTimeoutMs?: number;
  /**
   * Longest the broker holds a fetch that found no records (default 500 ms). A record arriving meanwhile is returned at
   * once (the fetch asks for one byte at least), so this does not delay delivery; it bounds how often an idle
   * consumer asks again (each ask costs its process CPU, idle or not), and how long a stop or rebalance waits for
   * the fetch in flight.
   */
  maxWaitTimeInMs?: number;
  /** The partitions assigned to this member after every rebalance, per topic. */
  onAssigned?: (assignment: Record<string, number[]>) => void;
}

export interface Membership {
  consumer: Consumer;
  /** True while the consumer is a member of its group. */
  joined(): boolean;
}

/** The face both consumer modes show a service: start (connect, subscribe, run), stop, and group membership. */
export interface RunningConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True while the consumer is a member of its group (for readiness). */
  readonly joined: boolean;
  readonly consumer: Consumer;
}

export function runningConsumer(membership: Membership, subscription: { topics: string[]; fromBeginning?: boolean }, run: ConsumerRunConfig): RunningConsumer {
  const { consumer, joined } = membership;
  return {
    consumer,
    get joined() {
      return joined();
    },
    start: async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: subscription.topics, fromBeginning: subscription.fromBeginning ?? false });
      await consumer.run(run);
    },
    stop: () => consumer.disconnect(),
  };
}

/** A kafkajs consumer set up one way for every group of the platform, and whether it is in its group now. */
export function createMembership(options: MembershipOptions): Membership {
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout,
    rebalanceTimeout: 60_000,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 500,
    allowAutoTopicCreation: false,
  });
  observeConsumerLag(consumer);
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    options.onAssigned?.(payload.memberAssignment);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    options.logger.error({ err: payload.error, restart: payload.restart, group: options.groupId }, 'consumer crashed');
  });
  consumer.on(consumer.events.STOP, () => {
    joined = false;
  });
  return { consumer, joined: () => joined };
}
