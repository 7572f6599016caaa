import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { DeviceChanged } from '@ecogrid/proto/registry/v1/events';
import { Device, DeviceKind } from '@ecogrid/proto/registry/v1/entities';
import { TOPICS, type EventPublisher } from '@ecogrid/kafka';

/** The alerting benches' minute 0: readings are a minute apart per device from here. */
const BASE = Date.parse('2026-11-29T00:00:00Z');

/** A flue-gas CEMS reading of device `BENCH-<device>`, its `index`-th minute; SO2 converted 50 when `exceeding` (limit 35). */
export function benchReading(device: number, index: number, exceeding: boolean): { key: string; id: string; value: Buffer } {
  const mn = `BENCH-${device}`;
  const dataTime = new Date(BASE + index * 60_000);
  const id = `${mn}:2011:${dataTime.toISOString()}`;
  const value = Buffer.from(
    ObservationRecorded.encode(
      ObservationRecorded.create({
        observationId: id,
        deviceMn: mn,
        commandCode: '2011',
        dataTime,
        receivedTime: new Date(),
        measurements: [
          { factorCode: 'a21026', kind: ValueKind.VALUE_KIND_RTD, value: 20, flag: 'N' },
          { factorCode: 'a21026', kind: ValueKind.VALUE_KIND_ZS_RTD, value: exceeding ? 50 : 20, flag: 'N' },
          { factorCode: 'a19001', kind: ValueKind.VALUE_KIND_RTD, value: 8, flag: 'N' },
        ],
      }),
    ).finish(),
  );
  return { key: mn, id, value };
}

/** Registers `count` bench devices (SO2 limit 35 mg/m³ on converted values) on the registry's devices topic. */
export async function publishBenchDevices(publisher: EventPublisher, devicesTopic: string, count: number): Promise<void> {
  await publisher.publishAll(
    Array.from({ length: count }, (_, index) => {
      const device = Device.create({
        mn: `BENCH-${index}`,
        kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
        enabled: true,
        enterpriseUscc: '914403001922038216',
        cellId: 'cell-bench',
        location: { lon: 111 + index / 1000, lat: 35 },
        factors: [{ factorCode: 'a21026', unit: 'mg/m³', limit: 35, limitOnConverted: true }],
      });
      return { topic: devicesTopic, key: device.mn, type: TOPICS.registryDevices.payload, value: Buffer.from(DeviceChanged.encode({ device }).finish()) };
    }),
  );
}

/** Readings alerting has evaluated so far, from its Prometheus `/metrics`. */
export async function evaluatedSoFar(adminAddress: string): Promise<number> {
  const text = await (await fetch(`http://${adminAddress}/metrics`)).text();
  const match = /alerting_readings_total\{outcome="evaluated"\} (\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * Publishes `count` bench readings round-robin over `devices` devices, their minutes from `fromStep` on, every tenth
 * minute an exceedance; at most 5,000 wait for Kafka at a time. Resolves once all are acknowledged.
 */
export async function publishBenchBacklog(publisher: EventPublisher, readingsTopic: string, options: { devices: number; count: number; fromStep: number }): Promise<void> {
  const sent: Array<Promise<void>> = [];
  for (let index = 0; index < options.count; index += 1) {
    const step = options.fromStep + Math.floor(index / options.devices);
    const record = benchReading(index % options.devices, step, step % 10 === 0);
    sent.push(publisher.publish({ topic: readingsTopic, key: record.key, value: record.value, type: TOPICS.readings.payload, id: record.id }));
    if (sent.length % 5_000 === 0) await publisher.whenPendingBelow(5_000);
  }
  await Promise.all(sent);
}
