import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { metrics } from '@opentelemetry/api';
import { ObservationRecorded, ObservationSource as ProtoSource, ReadingRejected, ValueKind as ProtoValueKind } from '@ecogrid/proto/ingest/v1/events';
import { TOPICS, type EventPublisher, type OutgoingEvent } from '@ecogrid/kafka';
import { DomainError } from '@ecogrid/domain-errors';
import { maskFramePassword } from '@ecogrid/device-credentials';
import type { Observation, ObservationSource, ValueKind } from '../../domain/observation';
import type { ObservationSink, Rejection, RejectionSink } from '../../app/ports';

const VALUE_KIND: Record<ValueKind, ProtoValueKind> = {
  Rtd: ProtoValueKind.VALUE_KIND_RTD,
  Avg: ProtoValueKind.VALUE_KIND_AVG,
  Min: ProtoValueKind.VALUE_KIND_MIN,
  Max: ProtoValueKind.VALUE_KIND_MAX,
  Cou: ProtoValueKind.VALUE_KIND_COU,
  ZsRtd: ProtoValueKind.VALUE_KIND_ZS_RTD,
  ZsAvg: ProtoValueKind.VALUE_KIND_ZS_AVG,
  ZsMin: ProtoValueKind.VALUE_KIND_ZS_MIN,
  ZsMax: ProtoValueKind.VALUE_KIND_ZS_MAX,
};

const SOURCE: Record<ObservationSource, ProtoSource> = {
  hj212_tcp: ProtoSource.OBSERVATION_SOURCE_HJ212_TCP,
  http: ProtoSource.OBSERVATION_SOURCE_HTTP,
  grpc: ProtoSource.OBSERVATION_SOURCE_GRPC,
};

/** The event of one observation. A literal of the message type: `create` would copy every field once more. */
export function toObservationRecorded(observation: Observation): ObservationRecorded {
  return {
    observationId: observation.id,
    deviceMn: observation.deviceMn,
    commandCode: observation.command,
    dataTime: observation.dataTime,
    receivedTime: observation.receivedTime,
    source: SOURCE[observation.source],
    protocolVersion: observation.protocolVersion ?? '',
    systemCode: observation.systemCode ?? '',
    requestNumber: observation.requestNumber ?? '',
    resend: observation.resend === true,
    enterpriseUscc: observation.enterpriseUscc ?? '',
    cellId: observation.cellId ?? '',
    townshipCode: observation.townshipCode ?? '',
    measurements: observation.measurements.map((measurement) => ({
      factorCode: measurement.factorCode,
      kind: VALUE_KIND[measurement.kind],
      value: measurement.value,
      flag: measurement.flag,
      extendedFlag: measurement.extendedFlag ?? '',
      unit: measurement.unit ?? '',
    })),
  };
}

/** Wraps the encoder's fresh array instead of copying it: this runs for every observation. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const meter = metrics.getMeter('@ecogrid/ingest');

/** The error a caller gets when the producer's queue is full: gRPC RESOURCE_EXHAUSTED, HTTP 503 with Retry-After. */
export const overloaded = (): DomainError => new DomainError('RESOURCE_EXHAUSTED', 'ingest is at capacity; retry in a moment', { reason: 'overloaded' });

/** The readings the transmission ledger counts: minute and hour records. */
const RECORDS: ReadonlySet<string> = new Set(['2051', '2061']);

/**
 * Publishes observations to ecogrid.readings.v1, keyed by MN, with the observation id as `ce_id`. At most
 * `maxPending` events wait for Kafka: beyond that a batch is refused at once (`overloaded`) instead of queueing in
 * memory until it times out. With `records` (the transmission ledger is kept), a minute or hour record also goes to
 * ecogrid.readings.records.v1 in the same batch, the same bytes: the device is answered only once both are written.
 */
export function createKafkaObservationSink(publisher: EventPublisher, topicPrefix = '', maxPending = Number.POSITIVE_INFINITY, options: { records?: boolean } = {}): ObservationSink {
  const topic = `${topicPrefix}${TOPICS.readings.name}`;
  const recordsTopic = `${topicPrefix}${TOPICS.readingsRecords.name}`;
  meter
    .createObservableGauge('ingest_publish_pending', { description: 'Events handed to the Kafka producer and not yet acknowledged (every source, rejections included)' })
    .addCallback((result) => result.observe(publisher.pending));
  // One writer for every event: `finish` copies the bytes out and resets it, and it keeps the capacity it grew
  // to, where a writer per event started small and grew (and copied) for each one.
  const writer = new BinaryWriter();
  const encode = (observation: Observation): Buffer => {
    try {
      return asBuffer(ObservationRecorded.encode(toObservationRecorded(observation), writer).finish());
    } catch (error) {
      writer.finish(); // a half-written event must not become the start of the next one
      throw error;
    }
  };
  const keepsRecords = options.records === true;
  /** A loop, not flatMap: flatMap builds an array per observation on the path every frame takes. */
  const events = (observations: Observation[]): OutgoingEvent[] => {
    const list: OutgoingEvent[] = [];
    for (const observation of observations) {
      const event = { topic, key: observation.deviceMn, value: encode(observation), type: TOPICS.readings.payload, id: observation.id, time: observation.receivedTime };
      list.push(event);
      if (keepsRecords && RECORDS.has(observation.command)) list.push({ ...event, topic: recordsTopic });
    }
    return list;
  };
  return {
    record: (observations) =>
      publisher.pending + observations.length > maxPending
        ? Promise.reject(overloaded())
        : publisher.publishAll(events(observations)),
  };
}

/**
 * Publishes refused input to ecogrid.readings.rejected.v1 with its raw bytes and reason; a frame's `PW=` value is
 * masked, so the topic (30 days) holds neither device passwords nor a guesser's attempts.
 */
export function createKafkaRejectionSink(publisher: EventPublisher, topicPrefix = ''): RejectionSink {
  const topic = `${topicPrefix}${TOPICS.readingsRejected.name}`;
  return {
    reject: (rejections: Rejection[]) =>
      publisher.publishAll(
        rejections.map((rejection) => ({
          topic,
          key: rejection.deviceMn ?? null,
          value: Buffer.from(
            ReadingRejected.encode(
              ReadingRejected.create({
                reasonCode: rejection.reasonCode,
                detail: rejection.detail,
                raw: maskFramePassword(rejection.raw),
                deviceMn: rejection.deviceMn ?? '',
                source: SOURCE[rejection.source],
                receivedTime: rejection.receivedTime,
                remoteAddress: rejection.remoteAddress ?? '',
              }),
            ).finish(),
          ),
          type: TOPICS.readingsRejected.payload,
          time: rejection.receivedTime,
        })),
      ),
  };
}
