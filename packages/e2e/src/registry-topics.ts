import type { Kafka } from 'kafkajs';
import { createEventPublisher, TOPICS, topicNames } from '@ecogrid/kafka';
import type { Device, Target } from '@ecogrid/proto/registry/v1/entities';
import { DeviceChanged, TargetChanged } from '@ecogrid/proto/registry/v1/events';

/**
 * Puts devices (and targets) on the prefixed compacted registry topics as the registry service does, for tests
 * of a service that reads the registry without running it.
 */
export async function publishRegistryEntities(kafka: Kafka, prefix: string, entities: { devices?: readonly Device[]; targets?: readonly Target[] }): Promise<void> {
  const names = topicNames(prefix);
  const publisher = createEventPublisher({ kafka, source: '/ecogrid/registry' });
  await publisher.connect();
  try {
    await publisher.publishAll([
      ...(entities.devices ?? []).map((device) => ({ topic: names.registryDevices, key: device.mn, type: TOPICS.registryDevices.payload, value: Buffer.from(DeviceChanged.encode({ device }).finish()) })),
      ...(entities.targets ?? []).map((target) => ({ topic: names.registryTargets, key: target.id, type: TOPICS.registryTargets.payload, value: Buffer.from(TargetChanged.encode({ target }).finish()) })),
    ]);
  } finally {
    await publisher.disconnect();
  }
}
