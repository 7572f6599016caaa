import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { createEventConsumer, PoisonRecordError, RetriableError, type EventConsumer, type EventPublisher, type ReceivedEvent } from '@ecogrid/kafka';
import { isDomainError } from '@ecogrid/domain-errors';
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
  return createEventConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: options.fromBeginning,
    deadLetters: options.deadLetters,
    logger: options.logger.child({ module: 'early-warning-readings' }),
    partitionsConsumedConcurrently: 3,
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    ...(options.onAssigned ? { onAssigned: options.onAssigned } : {}),
    retry: { attempts: 8, initialBackoffMs: 100, maxBackoffMs: 5_000 },
    handler: async (event) => {
      const input = toReadingInput(event);
      try {
        readingsIn.add(1, { outcome: await options.record(input) });
      } catch (error) {
        if (isDomainError(error)) throw new PoisonRecordError(error.reason ?? error.code, error.message, { cause: error });
        if (error instanceof RetriableError || error instanceof PoisonRecordError) throw error;
        // Database trouble is worth another try; the tracker of the series is rebuilt from what was stored.
        throw new RetriableError(`reading ${input.observationId} not recorded for early warning: ${(error as Error).message}`, { cause: error });
      }
    },
  });
}
