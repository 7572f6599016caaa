import { metrics } from '@opentelemetry/api';
import { SECONDS_BUCKETS } from '@ecogrid/telemetry';
import type { Consumer, KafkaMessage } from 'kafkajs';

// Labelled by topic (and partition for lag), not by consumer group: views name their groups per process
// (host, pid, random), which would make a new series on every restart; the service is the scrape target already.
const meter = metrics.getMeter('@ecogrid/kafka');
const lag = meter.createGauge('kafka_consumer_lag_messages', {
  description: 'Records on the partition after the last one this consumer handled, at the end of its latest batch',
});
const recordAge = meter.createHistogram('kafka_consumer_record_age_seconds', {
  unit: 's',
  description: "From a record's Kafka timestamp (when it was produced) to this consumer taking it up",
  advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
});
const deadLettered = meter.createCounter('kafka_dead_letters_total', { description: 'Records sent to <topic>.dlq, by the topic they came from and error code' });

/** Records every batch's lag (kafkajs reports it with END_BATCH_PROCESS). */
export function observeConsumerLag(consumer: Consumer): void {
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    lag.record(Math.max(0, Number(payload.offsetLag)), { topic: payload.topic, partition: payload.partition });
  });
}

export function observeRecordAge(topic: string, message: KafkaMessage, now = Date.now()): void {
  const produced = Number(message.timestamp);
  if (Number.isFinite(produced) && produced > 0) recordAge.record(Math.max(0, now - produced) / 1000, { topic });
}

export function countDeadLetter(topic: string, code: string): void {
  deadLettered.add(1, { topic, code });
}
