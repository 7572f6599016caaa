import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import { createBatchConsumer, topicNames, type EventConsumer } from '@ecogrid/kafka';
import { CellChanged, DeviceChanged, EnterpriseChanged, OfficerChanged, TargetChanged } from '@ecogrid/proto/registry/v1/events';
import type { Logger } from '@ecogrid/telemetry';
import { RegistryStore } from './registry-store';
import type { RegistryEntity, RegistryView } from './types';
import { lookupsOf } from './view-facade';

export interface CreateRegistryViewOptions {
  kafka: Kafka;
  /** Prefix of the topic names, as the service's TOPIC_PREFIX; empty in production. */
  topicPrefix?: string;
  logger: Logger;
  /** Names the consumer group, `<groupPrefix>.<host>.<pid>.<random>`; defaults to `registry-view`. */
  groupPrefix?: string;
  /** Which of the registry's topics to follow (all by default): a reader takes only what it needs, as its Kafka ACL grants. */
  entities?: readonly RegistryEntity[];
}

/**
 * The registry materialised from its compacted topics. Each process reads every partition from the
 * beginning in a consumer group of its own (kafkajs has no manual assignment) and never commits: the log is
 * the state, so a restart simply reads it again. `start` reads the high watermarks first and resolves once
 * every partition has been read up to them; later changes keep arriving and are applied batch by batch.
 */
export function createRegistryView(options: CreateRegistryViewOptions): RegistryView {
  const logger = options.logger.child({ module: 'registry-view' });
  const store = new RegistryStore(logger);
  const names = topicNames(options.topicPrefix ?? '');
  const allTopics: Record<string, RegistryEntity> = {
    [names.registryCells]: 'cell',
    [names.registryDevices]: 'device',
    [names.registryEnterprises]: 'enterprise',
    [names.registryOfficers]: 'officer',
    [names.registryTargets]: 'target',
  };
  const followed = options.entities;
  const topics = Object.fromEntries(Object.entries(allTopics).filter(([, entity]) => !followed || followed.includes(entity)));
  let consumer: EventConsumer | undefined;
  let ready = false;
  let stopped = false;
  let abandonStart: ((error: Error) => void) | undefined;

  const apply = (entity: RegistryEntity, key: string | null, value: Buffer | null, timestamp: number): void => {
    if (key === null) return;
    if (value === null) {
      store.remove(entity, key, timestamp);
      return;
    }
    switch (entity) {
      case 'cell': {
        const event = CellChanged.decode(value);
        if (event.cell) store.putCell(event.cell, event.township);
        break;
      }
      case 'device': {
        const event = DeviceChanged.decode(value);
        if (event.device) store.putDevice(event.device);
        break;
      }
      case 'enterprise': {
        const event = EnterpriseChanged.decode(value);
        if (event.enterprise) store.putEnterprise(event.enterprise);
        break;
      }
      case 'officer': {
        const event = OfficerChanged.decode(value);
        if (event.officer) store.putOfficer(event.officer);
        break;
      }
      case 'target': {
        const event = TargetChanged.decode(value);
        if (event.target) store.putTarget(event.target);
        break;
      }
    }
  };

  const start = async (): Promise<void> => {
    const admin = options.kafka.admin();
    await admin.connect();
    // Partition → first offset not yet read that must be read before the view is ready.
    const remaining = new Map<string, bigint>();
    try {
      for (const topic of Object.keys(topics)) {
        for (const { partition, high, low } of await withRetries(() => admin.fetchTopicOffsets(topic))) {
          if (BigInt(high) > BigInt(low)) remaining.set(`${topic}:${partition}`, BigInt(high));
        }
      }
    } finally {
      await admin.disconnect();
    }
    const groupId = `${options.groupPrefix ?? 'registry-view'}.${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}`;
    let caughtUp!: () => void;
    let failed!: (error: Error) => void;
    const whenCaughtUp = new Promise<void>((resolve, reject) => {
      caughtUp = resolve;
      failed = reject;
    });
    abandonStart = failed;
    const markRead = (topic: string, partition: number, lastOffset: string): void => {
      const key = `${topic}:${partition}`;
      const until = remaining.get(key);
      if (until !== undefined && BigInt(lastOffset) + 1n >= until) remaining.delete(key);
      if (!ready && remaining.size === 0) {
        ready = true;
        logger.info({ groupId, ...store.counts() }, 'registry view caught up');
        caughtUp();
      }
    };
    // The log is the state: read from the beginning every time, never committed, and a record the view cannot read
    // is skipped and logged rather than dead-lettered (every process of every service reads the same records).
    consumer = createBatchConsumer({
      kafka: options.kafka,
      groupId,
      topics: Object.keys(topics),
      logger,
      commit: 'none',
      fromBeginning: true,
      // Batches emptied by compaction carry no records but still move the position.
      onBatchEnd: (position) => markRead(position.topic, position.partition, position.lastOffset),
      handleBatch: async (batch) => {
        const entity = topics[batch.topic] as RegistryEntity;
        for (const event of batch.events) {
          try {
            apply(entity, event.key, event.value, event.timestamp);
          } catch (error) {
            logger.error({ err: error, topic: batch.topic, partition: batch.partition, offset: event.offset }, 'registry record unreadable; skipped');
          }
        }
        store.flush();
      },
    });
    consumer.consumer.on(consumer.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !ready) failed(payload.error);
    });
    await consumer.start();
    if (remaining.size === 0) {
      ready = true;
      caughtUp();
    }
    await whenCaughtUp;
    if (stopped) throw new Error('registry view stopped before it caught up');
  };

  const view = Object.assign(lookupsOf(store), {
    start,
    stop: async () => {
      stopped = true;
      ready = false;
      abandonStart?.(new Error('registry view stopped before it caught up'));
      await consumer?.stop();
    },
  });
  // A getter, not a copied value: readiness changes after construction.
  return Object.defineProperty(view, 'ready', { get: () => ready, enumerable: true }) as RegistryView;
}

/** Leadership moves briefly after topics are created or a broker restarts; kafkajs marks such errors retriable. */
async function withRetries<T>(action: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= attempts || (error as { retriable?: boolean }).retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
    }
  }
}
