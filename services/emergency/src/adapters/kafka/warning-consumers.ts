import { StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';
import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { createHandledConsumer, PoisonRecordError, type EventConsumer, type EventPublisher, type ReceivedEvent } from '@ecogrid/kafka';
import { metrics } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';
import type { ObservationInput } from '../../app/warnings';

const meter = metrics.getMeter('@ecogrid/emergency');
const inputs = meter.createCounter('emergency_warning_inputs_total', { description: 'AQI hours and readings handled by the warnings part, by topic and outcome' });

function decoded<T>(event: ReceivedEvent, decode: (bytes: Uint8Array) => T, name: string): T {
  if (event.value === null) throw new PoisonRecordError('tombstone', `a ${name} record has no value`);
  try {
    return decode(event.value);
  } catch (error) {
    throw new PoisonRecordError('bad_payload', `not a ${name}: ${(error as Error).message}`);
  }
}

/** An hour of a station's AQI; undefined for an hour that may not be published (HJ 633-2026 §5.3). */
export function toAqiHour(event: ReceivedEvent): { stationMn: string; hour: Date; aqi: number } | undefined {
  const computed = decoded(event, (bytes) => StationAqiComputed.decode(bytes), 'StationAqiComputed');
  if (!computed.stationMn || !computed.hourStart) throw new PoisonRecordError('bad_aqi', 'an AQI hour needs station_mn and hour_start');
  if (!computed.publishable && !computed.complete) return undefined;
  return { stationMn: computed.stationMn, hour: computed.hourStart, aqi: computed.aqi };
}

// Corrected (折算) values are what emission limits are written in; raw ones stand in where a device sends none.
const CORRECTED = new Set([ValueKind.VALUE_KIND_ZS_RTD, ValueKind.VALUE_KIND_ZS_AVG]);
const RAW = new Set([ValueKind.VALUE_KIND_RTD, ValueKind.VALUE_KIND_AVG, ValueKind.VALUE_KIND_UNSPECIFIED]);
/** HJ 212 data flags of a value that says something about the plant: normal, over range. */
const VALID_FLAGS = new Set(['', 'N', 'T']);

/** A reading as the warnings part uses it: one value per factor, corrected where the device sends it. */
export function toObservation(event: ReceivedEvent): ObservationInput | undefined {
  const observation = decoded(event, (bytes) => ObservationRecorded.decode(bytes), 'ObservationRecorded');
  if (!observation.deviceMn || !observation.dataTime) throw new PoisonRecordError('bad_observation', 'an observation needs device_mn and data_time');
  const values = new Map<string, { value: number; corrected: boolean }>();
  for (const measurement of observation.measurements) {
    if (!VALID_FLAGS.has(measurement.flag) || !Number.isFinite(measurement.value)) continue;
    const corrected = CORRECTED.has(measurement.kind);
    if (!corrected && !RAW.has(measurement.kind)) continue;
    const known = values.get(measurement.factorCode);
    if (!known || (corrected && !known.corrected)) values.set(measurement.factorCode, { value: measurement.value, corrected });
  }
  if (values.size === 0) return undefined;
  return {
    observationId: observation.observationId || event.attributes.id,
    deviceMn: observation.deviceMn,
    dataTime: observation.dataTime,
    systemCode: observation.systemCode,
    values: [...values.entries()].map(([factorCode, { value }]) => ({ factorCode, value })),
  };
}

/**
 * One consumer of an input of the warnings part. Handlers are idempotent (an AQI hour is an upsert, a reading is
 * counted once by its observation id), so at-least-once delivery is enough.
 */
export function createWarningInputConsumer<Input>(options: {
  kafka: Kafka;
  topic: string;
  groupId: string;
  decode: (event: ReceivedEvent) => Input | undefined;
  handle: (input: Input) => Promise<string>;
  deadLetters: EventPublisher;
  logger: Logger;
  fromBeginning: boolean;
  sessionTimeoutMs?: number;
}): EventConsumer {
  return createHandledConsumer({
    ...options,
    count: (outcome, attributes) => inputs.add(1, { topic: options.topic, outcome, ...attributes }),
    skippedOutcome: 'ignored',
  });
}
