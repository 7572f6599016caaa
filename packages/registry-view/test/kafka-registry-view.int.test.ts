import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { createEventPublisher, ensureTopics, TOPICS, topicNames, type EventPublisher, type OutgoingEvent } from '@ecogrid/kafka';
import { CellChanged, DeviceChanged, EnterpriseChanged, OfficerChanged, TargetChanged } from '@ecogrid/proto/registry/v1/events';
import { Device, DeviceKind } from '@ecogrid/proto/registry/v1/entities';
import { createLogger } from '@ecogrid/telemetry';
import { testEnvironment, testKafka, uniqueTopicPrefix, waitFor } from '@ecogrid/testkit';
import { createRegistryView } from '../src/create-registry-view';
import type { RegistryEntity, RegistrySnapshot, RegistryView } from '../src/types';
import { registryViewContract } from './fixtures/registry-view-contract';

const logger = createLogger({ service: 'registry-view-test', level: 'warn' });

function eventsOf(prefix: string, snapshot: RegistrySnapshot): OutgoingEvent[] {
  const names = topicNames(prefix);
  const townships = new Map((snapshot.townships ?? []).map((township) => [township.code, township]));
  const event = (topic: string, type: string, key: string, value: Uint8Array): OutgoingEvent => ({ topic, type, key, value: Buffer.from(value) });
  return [
    ...(snapshot.cells ?? []).map((cell) =>
      event(names.registryCells, TOPICS.registryCells.payload, cell.id, CellChanged.encode({ cell, township: townships.get(cell.townshipCode) }).finish()),
    ),
    ...(snapshot.devices ?? []).map((device) => event(names.registryDevices, TOPICS.registryDevices.payload, device.mn, DeviceChanged.encode({ device }).finish())),
    ...(snapshot.enterprises ?? []).map((enterprise) =>
      event(names.registryEnterprises, TOPICS.registryEnterprises.payload, enterprise.uscc, EnterpriseChanged.encode({ enterprise }).finish()),
    ),
    ...(snapshot.officers ?? []).map((officer) => event(names.registryOfficers, TOPICS.registryOfficers.payload, officer.id, OfficerChanged.encode({ officer }).finish())),
    ...(snapshot.targets ?? []).map((target) => event(names.registryTargets, TOPICS.registryTargets.payload, target.id, TargetChanged.encode({ target }).finish())),
  ];
}

const TOPIC_OF: Record<RegistryEntity, keyof ReturnType<typeof topicNames>> = {
  cell: 'registryCells',
  device: 'registryDevices',
  enterprise: 'registryEnterprises',
  officer: 'registryOfficers',
  target: 'registryTargets',
};

describe('createRegistryView over Kafka', () => {
  let kafka: Kafka;
  let publisher: EventPublisher;
  const views: RegistryView[] = [];

  beforeAll(async () => {
    const env = await testEnvironment();
    kafka = testKafka(env.kafkaBrokers);
    publisher = createEventPublisher({ kafka, source: '/ecogrid/registry-view-test' });
    await publisher.connect();
  });
  afterAll(async () => {
    for (const view of views) await view.stop();
    await publisher?.disconnect();
  });

  const openView = async (prefix: string): Promise<RegistryView> => {
    const view = createRegistryView({ kafka, topicPrefix: prefix, logger });
    views.push(view);
    await view.start();
    return view;
  };

  registryViewContract('from the compacted topics', async (initial) => {
    const prefix = uniqueTopicPrefix('registry-view');
    await ensureTopics(kafka, { prefix });
    await publisher.publishAll(eventsOf(prefix, initial));
    const view = await openView(prefix);
    const applied = (ids: string[]): Promise<void> => {
      const waiting = new Set(ids);
      return new Promise<void>((resolve) => {
        const unsubscribe = view.onChange((change) => {
          waiting.delete(`${change.entity}:${change.id}`);
          if (waiting.size === 0) {
            unsubscribe();
            resolve();
          }
        });
      });
    };
    return {
      view,
      put: async (entities) => {
        const events = eventsOf(prefix, { townships: initial.townships ?? [], ...entities });
        const ids = [
          ...(entities.cells ?? []).map((cell) => `cell:${cell.id}`),
          ...(entities.devices ?? []).map((device) => `device:${device.mn}`),
          ...(entities.enterprises ?? []).map((enterprise) => `enterprise:${enterprise.uscc}`),
          ...(entities.officers ?? []).map((officer) => `officer:${officer.id}`),
          ...(entities.targets ?? []).map((target) => `target:${target.id}`),
        ];
        const done = applied(ids);
        await publisher.publishAll(events);
        await done;
      },
      remove: async (entity, id) => {
        const done = applied([`${entity}:${id}`]);
        await publisher.publish({ topic: topicNames(prefix)[TOPIC_OF[entity]], key: id, value: null, type: 'tombstone' });
        await done;
      },
      close: async () => undefined,
    };
  });

  it('is ready at once on empty topics, and only after catching up on full ones', async () => {
    const prefix = uniqueTopicPrefix('registry-view-catchup');
    await ensureTopics(kafka, { prefix });
    const empty = await openView(prefix);
    expect(empty.ready).toBe(true);
    expect(empty.counts().device).toBe(0);

    // 3,000 devices, then a tombstone for one of them: a fresh view must have all but one when start resolves.
    const devices = Array.from({ length: 3_000 }, (_, index) =>
      Device.create({ mn: `MN${String(index).padStart(6, '0')}`, kind: DeviceKind.DEVICE_KIND_MICRO_AIR_STATION,
        passwordVerifier: { algorithm: 'scrypt', log2N: 14, blockSize: 8, parallelism: 1, salt: Buffer.from(`salt${index}`), hash: Buffer.from(`hash${index}`) },
        enabled: true,
      }),
    );
    await publisher.publishAll(eventsOf(prefix, { devices }));
    await publisher.publish({ topic: topicNames(prefix).registryDevices, key: 'MN000007', value: null, type: 'tombstone' });
    const fresh = createRegistryView({ kafka, topicPrefix: prefix, logger });
    views.push(fresh);
    expect(fresh.ready).toBe(false);
    await fresh.start();
    expect(fresh.ready).toBe(true);
    expect(fresh.counts().device).toBe(2_999);
    expect(fresh.device('MN000007')).toBeUndefined();
    expect(fresh.device('MN002999')?.passwordVerifier?.hash.toString()).toBe('hash2999');
    // The first view, already running, follows too.
    await waitFor(() => empty.counts().device === 2_999, { description: 'the running view to follow' });
  });
});
