import type { Kafka } from 'kafkajs';
import { createEventConsumer, PoisonRecordError, type EventConsumer, type EventPublisher } from '@ecogrid/kafka';
import type { Logger } from '@ecogrid/telemetry';
import { queuedDeviceOf } from './command-encoding';

/**
 * Every ingest instance reads every partition of the commands topic under a group of its own, and acts only for the
 * devices connected to it: a device's connection is on one instance, which Kafka's partition assignment knows nothing
 * of. Reading from the latest offset is enough — the commands are in PostgreSQL, and an instance also looks there
 * when a device connects — so the topic only wakes the right instance at once.
 */
export function createCommandRequestConsumer(options: {
  kafka: Kafka;
  groupId: string;
  topic: string;
  deadLetters: EventPublisher;
  logger: Logger;
  queued(mn: string): void;
}): EventConsumer {
  return createEventConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    deadLetters: options.deadLetters,
    logger: options.logger,
    fromBeginning: false,
    partitionsConsumedConcurrently: 3,
    handler: async (event) => {
      if (!event.value) return;
      let mn: string | undefined;
      try {
        mn = queuedDeviceOf(event.value);
      } catch (error) {
        throw new PoisonRecordError('malformed_payload', `not a DeviceCommandChanged: ${(error as Error).message}`, { cause: error });
      }
      if (mn) options.queued(mn);
    },
  });
}
