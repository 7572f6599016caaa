import { ConnectionState, DeviceStatusReported, StatusAspect as ProtoAspect } from '@ecogrid/proto/ingest/v1/events';
import { TOPICS, type EventPublisher } from '@ecogrid/kafka';
import { statusKey, type DeviceStatusReport, type StatusAspect } from '../../domain/device-status';
import type { StatusSink } from '../../app/ports';
import { overloaded } from './kafka-observation-sink';

const ASPECT: Record<StatusAspect, ProtoAspect> = {
  connection: ProtoAspect.STATUS_ASPECT_CONNECTION,
  clock: ProtoAspect.STATUS_ASPECT_CLOCK,
  running_state: ProtoAspect.STATUS_ASPECT_RUNNING_STATE,
  running_time: ProtoAspect.STATUS_ASPECT_RUNNING_TIME,
  restart: ProtoAspect.STATUS_ASPECT_RESTART,
  instrument_ids: ProtoAspect.STATUS_ASPECT_INSTRUMENT_IDS,
  information: ProtoAspect.STATUS_ASPECT_INFORMATION,
  realtime_interval: ProtoAspect.STATUS_ASPECT_REALTIME_INTERVAL,
  minute_interval: ProtoAspect.STATUS_ASPECT_MINUTE_INTERVAL,
  sampling_period: ProtoAspect.STATUS_ASPECT_SAMPLING_PERIOD,
  sample_output_time: ProtoAspect.STATUS_ASPECT_SAMPLE_OUTPUT_TIME,
  sample_retention: ProtoAspect.STATUS_ASPECT_SAMPLE_RETENTION,
  hardware_serial: ProtoAspect.STATUS_ASPECT_HARDWARE_SERIAL,
};

const CONNECTION = { online: ConnectionState.CONNECTION_STATE_ONLINE, offline: ConnectionState.CONNECTION_STATE_OFFLINE } as const;

export function toDeviceStatusReported(report: DeviceStatusReport): DeviceStatusReported {
  return DeviceStatusReported.create({
    deviceMn: report.deviceMn,
    aspect: ASPECT[report.aspect],
    commandCode: report.commandCode,
    dataTime: report.dataTime,
    receivedTime: report.receivedTime,
    protocolVersion: report.protocolVersion,
    requestNumber: report.requestNumber,
    items: report.items,
    params: report.params,
    connection: report.connection ? CONNECTION[report.connection] : ConnectionState.CONNECTION_STATE_UNSPECIFIED,
    clockDriftMs: report.clockDriftMs ?? 0,
  });
}

/**
 * Publishes status reports to ecogrid.devices.status.v1, keyed `<MN>/<aspect>` on a compacted topic, with a
 * `ce_id` that names the device, aspect and data time, so a re-sent upload is recognisable. Shares the readings'
 * bound on what may wait for Kafka.
 */
export function createKafkaStatusSink(publisher: EventPublisher, topicPrefix = '', maxPending = Number.POSITIVE_INFINITY): StatusSink {
  const topic = `${topicPrefix}${TOPICS.devicesStatus.name}`;
  return {
    report: (reports) =>
      publisher.pending + reports.length > maxPending
        ? Promise.reject(overloaded())
        : publisher.publishAll(
            reports.map((report) => ({
              topic,
              key: statusKey(report),
              value: Buffer.from(DeviceStatusReported.encode(toDeviceStatusReported(report)).finish()),
              type: TOPICS.devicesStatus.payload,
              id: `${statusKey(report)}:${report.commandCode || report.connection || 'platform'}:${report.dataTime.toISOString()}`,
              time: report.receivedTime,
            })),
          ),
  };
}
