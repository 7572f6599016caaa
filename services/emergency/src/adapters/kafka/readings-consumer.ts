import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { createHandledConsumer, PoisonRecordError, type EventConsumer, type EventPublisher, type ReceivedEvent } from '@ecogrid/kafka';
import { metrics } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';
import type { ReadingInput, ReadingOutcome } from '../../app/early-warning/record-reading';

const meter = metrics.getMeter('@ecogrid/emergency');
const readingsIn = meter.createCounter('emergency_early_warning_readings_total', { description: 'Readings handled by early warning, by outcome' });

/** Interval data is forecast from its average (HJ 212 `-Avg`); a real-time value only where nothing else came. */
const FORECAST_KINDS: ReadonlySet<ValueKind> = new Set([ValueKind.VALUE_KIND_AVG, ValueKind.VALUE_KIND_RTD]);

/** Decodes an ecogrid.readings.v1 record into what early warning needs. */
export function toReadingInput(event: ReceivedEvent): ReadingInput {
  if (event.value === null) throw new PoisonRecordError('tombstone', 'a reading record has no value');
  let observation: ObservationRecorded;
  try {
    observation = ObservationRecorded.decode(event.value);
  } catch (error) {
    throw new PoisonRecordError('bad_payload', `not an ObservationRecorded: ${(error as Error).message}`);
  }
  if (!observation.observationId || !observation.deviceMn || !observation.dataTime) throw new PoisonRecordError('bad_observation', 'an observation needs observation_id, device_mn and data_time');
  return {
    observationId: observation.observationId,
    deviceMn: observation.deviceMn,
    commandCode: observation.commandCode,
    dataTime: observation.dataTime,
    cellId: observation.cellId,
    townshipCode: observation.townshipCode,
    measurements: observation.measurements.filter((measurement) => FORECAST_KINDS.has(measurement.kind)).map((measurement) => ({ factorCode: measurement.factorCode, value: measurement.value, flag: measurement.flag })),
  };
}

/**
 * Group `<prefix>emergency.early-warning` on ecogrid.readings.v1. Readings are keyed by device, so one device's
 * readings arrive in order on one partition and its series never race. The store's transaction commits before the
 * offset does: a crash re-delivers, and the series' window recognises the observation id.
 */
export function createReadingsConsumer(options: {
  kafka: Kafka;
  topic: string;
  groupId: string;
  record: (input: ReadingInput) => Promise<ReadingOutcome>;
  deadLetters: EventPublisher;
  logger: Logger;
  fromBeginning: boolean;
  sessionTimeoutMs?: number;
  /** After every rebalance: another instance may have moved this one's series on meanwhile. */
  onAssigned?: () => void;
}): EventConsumer {
  return createHandledConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    fromBeginning: options.fromBeginning,
    deadLetters: options.deadLetters,
    logger: options.logger.child({ module: 'early-warning-readings' }),
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    ...(options.onAssigned ? { onAssigned: options.onAssigned } : {}),
    decode: toReadingInput,
    // Database trouble is retried; the tracker of the series is rebuilt from what was stored.
    handle: (input) => options.record(input),
    count: (outcome, attributes) => readingsIn.add(1, { outcome, ...attributes }),
    skippedOutcome: 'ignored',
    describe: (input) => `reading ${input.observationId} for early warning`,
  });
}
