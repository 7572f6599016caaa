import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { createEventPublisher, ensureTopics, TOPICS, topicNames, type EventPublisher } from '@ecogrid/kafka';
import { ConnectionState, DeviceStatusReported, ObservationRecorded, StatusAspect, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { createLogger } from '@ecogrid/telemetry';
import { testEnvironment, testKafka, uniqueTopicPrefix, waitFor } from '@ecogrid/testkit';
import { createDeviceStateView } from '../src/adapters/kafka/device-state-view';
import type { LiveEvent } from '../src/domain/live-event';

const logger = createLogger({ service: 'console-device-view-test', level: 'warn' });
const at = (iso: string): Date => new Date(iso);

describe('device state view over Kafka', () => {
  let kafka: Kafka;
  let publisher: EventPublisher;
  let prefix = '';
  let names: ReturnType<typeof topicNames>;
  const views: Array<ReturnType<typeof createDeviceStateView>> = [];

  const status = (mn: string, connection: ConnectionState, dataTime: string) => ({
    topic: names.devicesStatus,
    type: TOPICS.devicesStatus.payload,
    key: `${mn}/connection`,
    value: Buffer.from(DeviceStatusReported.encode(DeviceStatusReported.fromPartial({ deviceMn: mn, aspect: StatusAspect.STATUS_ASPECT_CONNECTION, connection, dataTime: at(dataTime) })).finish()),
  });
  const reading = (mn: string, dataTime: string, so2: number) => ({
    topic: names.readings,
    type: TOPICS.readings.payload,
    key: mn,
    value: Buffer.from(
      ObservationRecorded.encode(
        ObservationRecorded.fromPartial({ observationId: `${mn}:2011:${dataTime}`, deviceMn: mn, commandCode: '2011', dataTime: at(dataTime), measurements: [{ factorCode: 'a21026', kind: ValueKind.VALUE_KIND_RTD, value: so2, flag: 'N', unit: 'mg/m3' }] }),
      ).finish(),
    ),
  });

  beforeAll(async () => {
    const env = await testEnvironment();
    kafka = testKafka(env.kafkaBrokers);
    prefix = uniqueTopicPrefix('console-devices');
    names = topicNames(prefix);
    await ensureTopics(kafka, { prefix });
    publisher = createEventPublisher({ kafka, source: '/ecogrid/console-device-view-test' });
    await publisher.connect();
  });
  afterAll(async () => {
    for (const view of views) await view.stop();
    await publisher?.disconnect();
  });

  it('knows every device online state from the start of the status topic, then follows readings and changes live', async () => {
    // Reported before the console existed: only a view that reads the compacted topic from the beginning knows them.
    await publisher.publishAll([
      status('MN-A', ConnectionState.CONNECTION_STATE_OFFLINE, '2026-03-01T08:00:00Z'),
      status('MN-A', ConnectionState.CONNECTION_STATE_ONLINE, '2026-03-01T09:00:00Z'),
      status('MN-B', ConnectionState.CONNECTION_STATE_OFFLINE, '2026-03-01T09:30:00Z'),
      reading('MN-A', '2026-03-01T09:01:00Z', 1),
    ]);
    const view = createDeviceStateView({ kafka, groupPrefix: `${prefix}console.devices`, topics: { devicesStatus: names.devicesStatus, readings: names.readings }, logger });
    views.push(view);
    const events: LiveEvent[] = [];
    view.onEvent((event) => events.push(event));
    await view.start();
    await waitFor(() => view.ready || undefined, { description: 'the view caught up and in its groups' });
    const byMn = () => new Map(view.states().map((state) => [state.mn, state]));
    expect(byMn().get('MN-A')).toMatchObject({ connection: 'online', connectionSince: '2026-03-01T09:00:00.000Z' });
    expect(byMn().get('MN-B')?.connection).toBe('offline');
    // Readings are followed from the latest offset: the one before the view started is not replayed.
    expect(byMn().get('MN-A')?.latest).toEqual([]);
    expect(view.onlineRate(['MN-A', 'MN-B', 'MN-C'])).toEqual({ online: 1, registered: 3, rate: 1 / 3 });
    expect(events).toEqual([]);

    await publisher.publishAll([reading('MN-A', '2026-03-01T10:00:00Z', 42.5), status('MN-B', ConnectionState.CONNECTION_STATE_ONLINE, '2026-03-01T10:00:00Z')]);
    await waitFor(() => (byMn().get('MN-A')?.latest.length === 1 && byMn().get('MN-B')?.connection === 'online') || undefined, { description: 'the new reading and status applied' });
    expect(byMn().get('MN-A')).toMatchObject({ latestAt: '2026-03-01T10:00:00.000Z', latest: [{ factorCode: 'a21026', kind: 'rtd', value: 42.5, unit: 'mg/m3', flag: 'N' }] });
    expect(events.map((event) => `${event.kind} ${event.id} ${String(event.data.aspect)}`).sort()).toEqual(['device MN-A reading', 'device MN-B connection']);
    expect(view.onlineRate(['MN-A', 'MN-B', 'MN-C']).online).toBe(2);
  });
});
