import type { Kafka } from 'kafkajs';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { createBatchConsumer, PoisonRecordError, type EventConsumer, type EventPublisher } from '@ecogrid/kafka';
import { ObservationRecorded } from '@ecogrid/proto/ingest/v1/events';
import type { Logger } from '@ecogrid/telemetry';
import { DATA_FLAGS, type DataFlag } from '../../domain/observation';
import type { RecordTransmissions, StoredObservation } from '../../app/record-transmissions';

const FLAGS: ReadonlySet<string> = new Set(DATA_FLAGS);
/** The commands whose records transmission rates count; anything else is skipped before it is decoded further. */
const COUNTED = new Set(['2051', '2061']);

/** ObservationRecorded.command_code: the readings are mostly real-time data, which are skipped without decoding them. */
const COMMAND_CODE_FIELD = 3;

/** The command code of an encoded ObservationRecorded, read without decoding the rest of it. */
export function commandCodeOf(value: Uint8Array): string {
  const reader = new BinaryReader(value);
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    if (fieldNo === COMMAND_CODE_FIELD) return reader.string();
    reader.skip(wireType, fieldNo);
  }
  return '';
}

/** The observation as the transmission records need it; a flag that is no HJ 212 flag counts as not valid (B). */
export function storedObservationOf(value: Uint8Array): StoredObservation | null {
  if (!COUNTED.has(commandCodeOf(value))) return null;
  const event = ObservationRecorded.decode(value);
  if (!event.dataTime || !event.receivedTime || !event.deviceMn) throw new PoisonRecordError('incomplete_observation', 'an observation without device or times');
  return {
    observationId: event.observationId,
    deviceMn: event.deviceMn,
    enterpriseUscc: event.enterpriseUscc,
    commandCode: event.commandCode,
    dataTime: event.dataTime,
    receivedTime: event.receivedTime,
    resend: event.resend,
    flags: event.measurements.map((measurement) => (FLAGS.has(measurement.flag) ? (measurement.flag as DataFlag) : 'B')),
  };
}

/**
 * Ingest reads its minute and hour records back from ecogrid.readings.records.v1 (one group for all instances) to keep
 * the transmission records: the observations that reached Kafka are what was stored, back-filled ones included. (It
 * read the whole readings topic once, and skipped the real-time data that is most of it: 7–9 % of its CPU.) A partition's batch is one insert,
 * idempotent by observation id, so a batch read twice counts nothing twice; a record that does not decode goes to
 * `<topic>.dlq`.
 */
export function createReadingsTransmissionConsumer(options: {
  kafka: Kafka;
  groupId: string;
  topic: string;
  record: RecordTransmissions;
  deadLetters: EventPublisher;
  logger: Logger;
}): EventConsumer {
  const logger = options.logger.child({ module: 'transmission-records' });
  return createBatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    logger,
    deadLetters: options.deadLetters,
    commit: 'interval',
    fromBeginning: true,
    partitionsConsumedConcurrently: 3,
    handleBatch: async (batch) => {
      const observations: StoredObservation[] = [];
      for (const event of batch.events) {
        if (event.value === null) continue;
        try {
          const observation = storedObservationOf(event.value);
          if (observation) observations.push(observation);
        } catch (error) {
          await batch.deadLetter(event, error instanceof PoisonRecordError ? error : new PoisonRecordError('undecodable', 'not an ObservationRecorded', { cause: error }));
        }
      }
      await options.record(observations);
    },
  });
}
