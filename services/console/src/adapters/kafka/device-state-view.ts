import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { metrics } from '@opentelemetry/api';
import { createBatchConsumer, type EventBatch, type EventConsumer } from '@ecogrid/kafka';
import { ConnectionState, DeviceStatusReported, ObservationRecorded, StatusAspect, valueKindToJSON } from '@ecogrid/proto/ingest/v1/events';
import type { Logger } from '@ecogrid/telemetry';
import type { DeviceStateView, LiveEventSource } from '../../app/ports';
import { DeviceStates, type DeviceState } from '../../domain/device-states';
import type { LiveEvent } from '../../domain/live-event';

const meter = metrics.getMeter('@ecogrid/console');
const unreadable = meter.createCounter('console_device_records_unreadable_total', { description: 'Device status and reading records the console could not decode, by topic' });

const CONNECTION_KEY_SUFFIX = '/connection';

/**
 * Devices' online state and newest values, kept in memory. The status topic is compacted (key `<MN>/<aspect>`), so
 * it is read from the beginning every time in a group of this instance's own, never committed (as the registry view
 * does): `ready` turns true once every partition has been read up to its high watermark at start. Readings are far
 * too many to replay, so they are read from the latest offset: a device's values appear with its next upload (every
 * minute or so for real-time data). Changes after the catch-up are also live events for the browsers. Neither group
 * commits, and each is this instance's own: `groups` names them for deletion when the instance stops.
 */
export function createDeviceStateView(options: { kafka: Kafka; groupPrefix: string; topics: { devicesStatus: string; readings: string }; logger: Logger }): DeviceStateView &
  LiveEventSource & { start(): Promise<void>; stop(): Promise<void>; readonly ready: boolean; readonly groups: string[] } {
  const logger = options.logger.child({ module: 'device-state-view' });
  const states = new DeviceStates();
  const listeners = new Set<(event: LiveEvent) => void>();
  const instance = randomBytes(4).toString('hex');
  const statusGroup = `${options.groupPrefix}.status.${process.pid}.${instance}`;
  const readingsGroup = `${options.groupPrefix}.readings.${process.pid}.${instance}`;
  let ready = false;
  const consumers: EventConsumer[] = [];

  const emit = (aspect: 'connection' | 'reading', state: DeviceState | undefined): void => {
    if (!state || !ready) return;
    // Device events carry no township; the live filter gives them to the district roles only.
    const event: LiveEvent = { kind: 'device', id: state.mn, townshipCode: '', data: { deviceMn: state.mn, aspect, ...state } };
    for (const listener of listeners) listener(event);
  };

  const forEachReadable = (batch: EventBatch, apply: (value: Buffer | null, key: string | null) => void): void => {
    for (const event of batch.events) {
      try {
        apply(event.value, event.key);
      } catch (error) {
        unreadable.add(1, { topic: batch.topic });
        logger.warn({ err: error, topic: batch.topic, partition: batch.partition, offset: event.offset }, 'device record unreadable; skipped');
      }
    }
  };

  const applyStatus = (value: Buffer | null, key: string | null): void => {
    if (value === null) {
      if (key?.endsWith(CONNECTION_KEY_SUFFIX)) emit('connection', states.forgetConnection(key.slice(0, -CONNECTION_KEY_SUFFIX.length)));
      return;
    }
    const status = DeviceStatusReported.decode(value);
    if (status.aspect !== StatusAspect.STATUS_ASPECT_CONNECTION) return;
    const connection = status.connection === ConnectionState.CONNECTION_STATE_ONLINE ? 'online' : status.connection === ConnectionState.CONNECTION_STATE_OFFLINE ? 'offline' : 'unknown';
    emit('connection', states.connection(status.deviceMn, connection, status.dataTime ?? status.receivedTime));
  };

  const applyReading = (value: Buffer | null): void => {
    if (value === null) return;
    const observation = ObservationRecorded.decode(value);
    const values = observation.measurements.map((measurement) => ({ factorCode: measurement.factorCode, kind: valueKindToJSON(measurement.kind).replace('VALUE_KIND_', '').toLowerCase(), value: measurement.value, unit: measurement.unit, flag: measurement.flag }));
    emit('reading', states.observation(observation.deviceMn, observation.dataTime, values));
  };

  const start = async (): Promise<void> => {
    const admin = options.kafka.admin();
    await admin.connect();
    const remaining = new Map<number, bigint>();
    try {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(options.topics.devicesStatus)) {
        if (BigInt(high) > BigInt(low)) remaining.set(partition, BigInt(high));
      }
    } finally {
      await admin.disconnect();
    }
    const markRead = (partition: number, lastOffset: string): void => {
      const until = remaining.get(partition);
      if (until !== undefined && BigInt(lastOffset) + 1n >= until) remaining.delete(partition);
      if (!ready && remaining.size === 0) {
        ready = true;
        logger.info({ devices: states.all().length }, 'device status caught up');
      }
    };
    const status = createBatchConsumer({
      kafka: options.kafka,
      groupId: statusGroup,
      topics: [options.topics.devicesStatus],
      logger,
      commit: 'none',
      fromBeginning: true,
      onBatchEnd: (position) => markRead(position.partition, position.lastOffset),
      handleBatch: async (batch) => forEachReadable(batch, applyStatus),
    });
    const readings = createBatchConsumer({
      kafka: options.kafka,
      groupId: readingsGroup,
      topics: [options.topics.readings],
      logger,
      commit: 'none',
      fromBeginning: false,
      handleBatch: async (batch) => forEachReadable(batch, (value) => applyReading(value)),
    });
    consumers.push(status, readings);
    await Promise.all([status.start(), readings.start()]);
    if (remaining.size === 0 && !ready) {
      ready = true;
      logger.info('device status topic empty; view ready');
    }
  };

  return {
    start,
    stop: async () => void (await Promise.all(consumers.map((consumer) => consumer.stop()))),
    /** The status topic read to its end at start, and the readings consumer in its group (new readings reach it). */
    get ready() {
      return ready && consumers.length === 2 && consumers.every((consumer) => consumer.joined);
    },
    groups: [statusGroup, readingsGroup],
    states: () => states.all(),
    onlineRate: (registered) => states.onlineRate(registered),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
