import { EventEmitter } from 'node:events';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type Histogram } from '@opentelemetry/sdk-metrics';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as ConsumerMetrics from './consumer-metrics';

/** Collects on demand: what Prometheus' scrape would read. */
class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const reader = new CollectingReader();
let consumerMetrics: typeof ConsumerMetrics;

beforeAll(async () => {
  // The instruments are created when the module loads, from the global provider, as in a service where
  // @ecogrid/telemetry starts first: so the provider is set before the import.
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  consumerMetrics = await import('./consumer-metrics.js');
});

async function points(name: string) {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === name)?.dataPoints ?? [];
}

describe('consumer metrics', () => {
  it('records the lag kafkajs reports at the end of each batch, per topic and partition', async () => {
    const consumer = Object.assign(new EventEmitter(), { events: { END_BATCH_PROCESS: 'consumer.end_batch_process' } });
    consumerMetrics.observeConsumerLag(consumer as unknown as Consumer);
    consumer.emit('consumer.end_batch_process', { payload: { topic: 'ecogrid.readings.v1', partition: 2, offsetLag: '1500' } });
    consumer.emit('consumer.end_batch_process', { payload: { topic: 'ecogrid.readings.v1', partition: 2, offsetLag: '40' } });
    consumer.emit('consumer.end_batch_process', { payload: { topic: 'ecogrid.readings.v1', partition: 3, offsetLag: '-1' } });
    const lag = await points('kafka_consumer_lag_messages');
    expect(lag.map((point) => [point.attributes.partition, point.value])).toEqual([
      [2, 40],
      [3, 0],
    ]);
  });

  it('records a record\'s age from its Kafka timestamp, and skips a record without one', async () => {
    const message = (timestamp: string) => ({ timestamp }) as KafkaMessage;
    consumerMetrics.observeRecordAge('ecogrid.alerts.v1', message('1000000'), 1_000_120);
    consumerMetrics.observeRecordAge('ecogrid.alerts.v1', message('-1'), 1_000_120);
    const [age] = await points('kafka_consumer_record_age_seconds');
    const histogram = age?.value as Histogram;
    expect(histogram.count).toBe(1);
    expect(histogram.sum).toBeCloseTo(0.12);
  });

  it('counts dead letters by topic and error code', async () => {
    consumerMetrics.countDeadLetter('ecogrid.alerts.v1', 'bad_envelope');
    consumerMetrics.countDeadLetter('ecogrid.alerts.v1', 'bad_envelope');
    const dead = await points('kafka_dead_letters_total');
    expect(dead.map((point) => [point.attributes, point.value])).toEqual([[{ topic: 'ecogrid.alerts.v1', code: 'bad_envelope' }, 2]]);
  });
});
