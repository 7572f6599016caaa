import type { Kafka } from 'kafkajs';
import { createEventPublisher, TOPICS, topicNames } from '@ecogrid/kafka';
import type { Device, Target } from '@ecogrid/proto/registry/v1/entities';
import { createPasswordVerifier, DEFAULT_SCRYPT, type ScryptParameters } from '@ecogrid/device-credentials';
import { DeviceChanged, TargetChanged } from '@ecogrid/proto/registry/v1/events';

/**
 * A device as the registry publishes it: the salted verifier of its password in place of the password (the
 * registry keeps that). A device given with a verifier already and no password is published as it is.
 */
export async function asPublishedDevice(device: Device, parameters: ScryptParameters = DEFAULT_SCRYPT): Promise<Device> {
  if (device.password === '') return device;
  const verifier = await createPasswordVerifier(device.password, parameters);
  return { ...device, password: '', passwordVerifier: { ...verifier, salt: Buffer.from(verifier.salt), hash: Buffer.from(verifier.hash) } };
}

/**
 * Puts devices (and targets) on the prefixed compacted registry topics as the registry service does, for tests
 * of a service that reads the registry without running it. Devices are given with their password, which is
 * published as a verifier only.
 */
export async function publishRegistryEntities(
  kafka: Kafka,
  prefix: string,
  entities: { devices?: readonly Device[]; targets?: readonly Target[] },
  options: { verifierParameters?: ScryptParameters } = {},
): Promise<void> {
  const names = topicNames(prefix);
  const devices = await Promise.all((entities.devices ?? []).map((device) => asPublishedDevice(device, options.verifierParameters)));
  const publisher = createEventPublisher({ kafka, source: '/ecogrid/registry' });
  await publisher.connect();
  try {
    await publisher.publishAll([
      ...devices.map((device) => ({ topic: names.registryDevices, key: device.mn, type: TOPICS.registryDevices.payload, value: Buffer.from(DeviceChanged.encode({ device }).finish()) })),
      ...(entities.targets ?? []).map((target) => ({ topic: names.registryTargets, key: target.id, type: TOPICS.registryTargets.payload, value: Buffer.from(TargetChanged.encode({ target }).finish()) })),
    ]);
  } finally {
    await publisher.disconnect();
  }
}
