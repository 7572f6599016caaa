import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { Partitioners } from 'kafkajs';
import { createEventPublisher, ensureTopics } from '@ecogrid/kafka';
import { createLogger } from '@ecogrid/telemetry';
import type { BenchMetrics, BenchModule } from './bench-types';
import { benchKafka, withBenchTopic } from '../harness/bench-kafka';
import { startChildServer } from '../harness/child-server';
import { loadDevices, publishLoadDevices } from '../harness/load-devices';
import { rssBytesOf } from '../harness/ingest-under-load';
import { startIngestProcess } from '@ecogrid/e2e';

const PRODUCE_SECONDS = 10;
const HTTP_SECONDS = 10;
const HTTP_CONNECTIONS = 128;

/** ~300 bytes, the size of a typical protobuf observation with eight measurements. */
const payload = Buffer.alloc(300, 'x');

async function rawProducerThroughput(): Promise<number> {
  const kafka = benchKafka();
  return withBenchTopic(kafka, 6, async (topic) => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const messages = Array.from({ length: 100 }, (_, index) => ({ key: `device-${index % 50}`, value: payload }));
    let sent = 0;
    const deadline = Date.now() + PRODUCE_SECONDS * 1000;
    const started = performance.now();
    while (Date.now() < deadline) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
      sent += messages.length;
    }
    const seconds = (performance.now() - started) / 1000;
    await producer.disconnect();
    return sent / seconds;
  });
}

async function publisherThroughput(): Promise<number> {
  const kafka = benchKafka();
  return withBenchTopic(kafka, 6, async (topic) => {
    const publisher = createEventPublisher({ kafka, source: '/bench' });
    await publisher.connect();
    let sent = 0;
    const deadline = Date.now() + PRODUCE_SECONDS * 1000;
    const started = performance.now();
    // Keep a bounded number of events outstanding, as ingest does under load.
    const inFlight = new Set<Promise<void>>();
    let index = 0;
    while (Date.now() < deadline) {
      while (inFlight.size < 2_000) {
        const promise: Promise<void> = publisher
          .publish({ topic, key: `device-${index++ % 50}`, value: payload, type: 'bench.v1.Payload' })
          .then(() => {
            sent += 1;
            inFlight.delete(promise);
          });
        inFlight.add(promise);
      }
      await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    await publisher.disconnect();
    return sent / seconds;
  });
}

const GATEWAY_TOKEN = 'bench-gateway-token';
const [BENCH_DEVICE] = loadDevices(1);

function observationBody(): string {
  return JSON.stringify({
    deviceMn: BENCH_DEVICE?.mn,
    commandCode: '2011',
    dataTime: '2026-11-29T15:59:00+08:00',
    measurements: ['a21026', 'a21002', 'a34013', 'a21005', 'a19001', 'a01012', 'a01013', 'a01014'].map((factorCode, index) => ({
      factorCode,
      kind: 'Rtd',
      value: 10 + index,
      flag: 'N',
    })),
  });
}

async function loadHttp(url: string): Promise<{ rps: number; p50: number; p99: number; non2xx: number; errors: number }> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_TOKEN}` },
    body: observationBody(),
    connections: HTTP_CONNECTIONS,
    duration: HTTP_SECONDS,
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

const bench: BenchModule = {
  title: 'Foundation: Kafka producer and the HTTP walking skeleton',
  needs: ['kafka'],
  async run(): Promise<BenchMetrics> {
    const raw = await rawProducerThroughput();
    const ours = await publisherThroughput();

    const bare = await startChildServer(['node', '--import', 'tsx', resolve(__dirname, '../harness/bare-http-server.ts')], { PORT: '18181' }, 'http://127.0.0.1:18181/readyz');
    const bareResult = await loadHttp('http://127.0.0.1:18181/v1/observations');
    await bare.stop();

    const kafka = benchKafka();
    const prefix = `bench.http.${Date.now()}.`;
    await ensureTopics(kafka, { prefix });
    await publishLoadDevices(kafka, prefix, BENCH_DEVICE ? [BENCH_DEVICE] : []);
    const ingest = await startIngestProcess({
      ...(process.env.KAFKA_BROKERS ? { kafkaBrokers: process.env.KAFKA_BROKERS } : {}),
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      topicPrefix: prefix,
      redisPrefix: `${prefix}redis:`,
      gatewayTokens: { bench: GATEWAY_TOKEN },
      env: { DEVICE_RATE_LIMIT_PER_S: '0' },
    });
    const ingestResult = await loadHttp(`${ingest.httpUrl}/v1/observations`);
    const ingestRss = await rssBytesOf(ingest.service.pid);
    await ingest.service.stop();
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    if (ingestResult.non2xx > 0 || ingestResult.errors > 0) {
      createLogger({ service: 'bench' }).warn({ non2xx: ingestResult.non2xx, errors: ingestResult.errors }, 'ingest answered errors under load');
    }

    return {
      kafkajs_raw_producer_msgs_per_s: { value: Math.round(raw), unit: 'msg/s', note: 'kafkajs idempotent acks=all, sendBatch of 100 × 300 B, one batch in flight, 10 s' },
      ecogrid_publisher_msgs_per_s: { value: Math.round(ours), unit: 'msg/s', baseline: 'kafkajs_raw_producer_msgs_per_s', note: '@ecogrid/kafka publisher, 2,000 outstanding publishes, micro-batched, CloudEvents headers + producer span each' },
      bare_http_req_per_s: { value: Math.round(bareResult.rps), unit: 'req/s', note: `bare node:http, reads body, answers 202; autocannon ${HTTP_CONNECTIONS} connections, ${HTTP_SECONDS} s` },
      bare_http_p99_ms: { value: bareResult.p99, unit: 'ms', note: 'latency p99 at the rate above' },
      ingest_http_observations_per_s: { value: Math.round(ingestResult.rps), unit: 'obs/s', baseline: 'bare_http_req_per_s', note: 'POST /v1/observations with a gateway token, 8 measurements, validated, deduped, protobuf, Kafka acks=all before 202' },
      ingest_http_p99_ms: { value: ingestResult.p99, unit: 'ms', baseline: 'bare_http_p99_ms', note: 'latency p99 at the rate above (closed loop, 128 connections)' },
      ingest_http_non2xx: { value: ingestResult.non2xx + ingestResult.errors, unit: 'responses', note: 'must be 0' },
      ingest_http_rss_mb: { value: Math.round(ingestRss / 2 ** 20), unit: 'MiB', note: 'ingest resident memory right after the load' },
    };
  },
};

export default bench;
