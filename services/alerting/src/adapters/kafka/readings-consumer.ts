import type { Kafka } from 'kafkajs';
import { metrics } from '@opentelemetry/api';
import { createBatchConsumer, PoisonRecordError, type EventConsumer, type EventPublisher, type ReceivedEvent } from '@ecogrid/kafka';
import { SECONDS_BUCKETS, type Logger } from '@ecogrid/telemetry';
import type { ReadingRecord, ReadingsProcessor } from '../../app/process-readings';
import { decodeObservation } from './event-encoding';

const meter = metrics.getMeter('@ecogrid/alerting');
const readingsCounter = meter.createCounter('alerting_readings_total', { description: 'Readings consumed, by outcome (evaluated, late_evaluated, duplicate, too_late, skipped below the checkpoint, dead_lettered)' });
const eventsCounter = meter.createCounter('alerting_events_total', { description: 'Events committed to the outbox, by topic' });
const batchDuration = meter.createHistogram('alerting_batch_duration_seconds', {
  unit: 's',
  description: 'Evaluating and checkpointing one Kafka batch',
  advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
});

export interface ReadingsConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  processor: ReadingsProcessor;
  deadLetters: EventPublisher;
  logger: Logger;
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  sessionTimeoutMs: number;
}

/**
 * The readings consumer group, through @ecogrid/kafka's batch mode: a partition's fetched batch goes to the
 * processor in one call, which writes its effects and the partition's next offset to PostgreSQL. That offset is the
 * truth: records below it are skipped, and a batch that starts after it is fetched again from it (`seekTo`). Kafka's
 * committed offset is only a hint of where to fetch after a restart, committed once a second. A reading that does
 * not decode goes to `<topic>.dlq` with the reason, and the batch carries on.
 */
export function createReadingsConsumer(options: ReadingsConsumerOptions): EventConsumer {
  const logger = options.logger.child({ module: 'readings-consumer' });
  // A batch retried in place is decoded again; a reading already dead-lettered is not sent twice.
  const deadLettered = new WeakSet<ReceivedEvent>();
  return createBatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    logger,
    deadLetters: options.deadLetters,
    commit: 'interval',
    fromBeginning: options.fromBeginning,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
    sessionTimeoutMs: options.sessionTimeoutMs,
    maxWaitTimeInMs: 50,
    onAssigned: (assignment) => {
      const partitions = assignment[options.topic] ?? [];
      options.processor.assigned(partitions);
      logger.info({ partitions }, 'joined the readings group');
    },
    handleBatch: async (batch) => {
      const started = performance.now();
      const records: ReadingRecord[] = [];
      let deadLetteredNow = 0;
      for (const event of batch.events) {
        try {
          if (!event.value) throw new PoisonRecordError('bad_payload', 'reading without a value');
          const observation = decodeObservation(event.value);
          // Only a record that carries a trace context hands one on (reading the header makes strings).
          records.push(event.headers.traceparent === undefined ? { offset: event.offset, observation } : { offset: event.offset, observation, trace: event.trace });
        } catch (error) {
          if (deadLettered.has(event)) continue;
          deadLettered.add(event);
          await batch.deadLetter(event, error instanceof PoisonRecordError ? error : new PoisonRecordError('bad_payload', (error as Error).message));
          deadLetteredNow += 1;
        }
      }
      const result = await options.processor.handleBatch(batch.partition, records, { first: batch.firstOffset, last: batch.lastOffset });
      if (result.seekTo !== undefined) return { seekTo: result.seekTo };
      readingsCounter.add(result.evaluated, { outcome: 'evaluated' });
      readingsCounter.add(result.lateEvaluated, { outcome: 'late_evaluated' });
      readingsCounter.add(result.duplicate, { outcome: 'duplicate' });
      readingsCounter.add(result.tooLate, { outcome: 'too_late' });
      readingsCounter.add(result.skipped, { outcome: 'skipped' });
      if (deadLetteredNow > 0) readingsCounter.add(deadLetteredNow, { outcome: 'dead_lettered' });
      eventsCounter.add(result.alerts, { topic: 'alerts' });
      eventsCounter.add(result.aqi, { topic: 'aqi_hourly' });
      batchDuration.record((performance.now() - started) / 1000);
      return undefined;
    },
  });
}
