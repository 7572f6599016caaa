import type { Kafka } from 'kafkajs';
import { metrics } from '@opentelemetry/api';
import { isDomainError } from '@ecogrid/domain-errors';
import { createBatchConsumer, createHandledConsumer, PoisonRecordError, RetriableError, type EventConsumer, type EventPublisher } from '@ecogrid/kafka';
import type { Logger } from '@ecogrid/telemetry';
import type { StationReading } from '../../domain/incidents/recovery';
import type { IncidentsApp } from '../../app/incidents';
import { toAlertInput, toStationReading, toTaskCaseInput } from './incident-inputs';

const meter = metrics.getMeter('@ecogrid/emergency');
const handled = meter.createCounter('emergency_incident_inputs_total', { description: 'Alert, case and reading events handled by the incidents part, by topic and outcome' });

interface ConsumerSetup {
  kafka: Kafka;
  groupPrefix: string;
  deadLetters: EventPublisher;
  logger: Logger;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
}

/** Domain refusals are poison (dead-lettered with their reason); anything else — the database away — is retried. */
function sorted(error: unknown, what: string): Error {
  if (isDomainError(error)) return new PoisonRecordError(error.reason ?? error.code, error.message, { cause: error });
  if (error instanceof RetriableError || error instanceof PoisonRecordError) return error;
  return new RetriableError(`${what}: ${(error as Error).message}`, { cause: error });
}

/** Alerts that hit an incident station propose an incident (keyed by device, so one station's alerts stay in order). */
export function createIncidentAlertConsumer(setup: ConsumerSetup & { topic: string; app: Pick<IncidentsApp, 'proposeIncident'> }): EventConsumer {
  return createHandledConsumer({
    kafka: setup.kafka,
    groupId: `${setup.groupPrefix}alerts`,
    topic: setup.topic,
    fromBeginning: setup.fromBeginning,
    sessionTimeoutMs: setup.sessionTimeoutMs,
    deadLetters: setup.deadLetters,
    logger: setup.logger.child({ module: 'incident-alerts' }),
    decode: toAlertInput,
    handle: (input) => setup.app.proposeIncident(input),
    count: (outcome, attributes) => handled.add(1, { topic: 'alerts', outcome, ...attributes }),
    skippedOutcome: 'ignored',
    describe: (input) => `alert ${input.alertId}`,
  });
}

/** Cases dispatch opened for plan tasks: their opening, acceptance and closing land on the incident's timeline. */
export function createTaskCaseConsumer(setup: ConsumerSetup & { topic: string; app: Pick<IncidentsApp, 'followTaskCase'> }): EventConsumer {
  return createHandledConsumer({
    kafka: setup.kafka,
    groupId: `${setup.groupPrefix}cases`,
    topic: setup.topic,
    fromBeginning: setup.fromBeginning,
    sessionTimeoutMs: setup.sessionTimeoutMs,
    deadLetters: setup.deadLetters,
    logger: setup.logger.child({ module: 'incident-cases' }),
    decode: (event) => {
      const input = toTaskCaseInput(event);
      return input.requestId ? input : undefined;
    },
    handle: (input) => setup.app.followTaskCase(input),
    count: (outcome, attributes) => handled.add(1, { topic: 'cases', outcome, ...attributes }),
    skippedOutcome: 'not_a_task',
    describe: (input) => `case ${input.caseId}`,
  });
}

/**
 * Readings, a partition's fetched batch at a time: only those of open incidents' stations do any work. Kafka's offset
 * is committed once a second; a batch read again after a crash judges the same readings again, which changes nothing.
 */
export function createStationReadingsConsumer(setup: ConsumerSetup & { topic: string; app: Pick<IncidentsApp, 'followStationReadings'> }): EventConsumer {
  return createBatchConsumer({
    kafka: setup.kafka,
    groupId: `${setup.groupPrefix}readings`,
    topics: [setup.topic],
    fromBeginning: setup.fromBeginning,
    sessionTimeoutMs: setup.sessionTimeoutMs,
    deadLetters: setup.deadLetters,
    commit: 'interval',
    logger: setup.logger.child({ module: 'incident-readings' }),
    handleBatch: async (batch) => {
      const readings: StationReading[] = [];
      for (const event of batch.events) {
        try {
          const reading = toStationReading(event);
          if (reading) readings.push(reading);
        } catch (error) {
          await batch.deadLetter(event, error instanceof PoisonRecordError ? error : new PoisonRecordError('undecodable', 'undecodable reading', { cause: error }));
        }
      }
      try {
        const changed = await setup.app.followStationReadings(readings);
        if (changed > 0) handled.add(changed, { topic: 'readings', outcome: 'recovery_changed' });
      } catch (error) {
        throw sorted(error, 'readings batch not followed');
      }
    },
  });
}
