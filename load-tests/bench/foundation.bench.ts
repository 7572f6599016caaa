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
import { cpuSeconds } from '../harness/process-cpu';
import { startIngestProcess, type IngestProcess } from '@ecogrid/e2e';

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

/** Seconds of load per turn of the edge comparison, and how many turns each side gets, alternating. */
const EDGE_SECONDS = 8;
const EDGE_TURNS = 3;

/** One observation per request, each of its own time, so every request is validated, stored and published. */
function uniqueObservations(deviceMn: string, startMs: number): () => string {
  let sequence = 0;
  return () =>
    JSON.stringify({
      deviceMn,
      commandCode: '2011',
      dataTime: new Date(startMs + 1_000 * sequence++).toISOString(),
      measurements: ['a21026', 'a21002', 'a34013', 'a21005', 'a19001', 'a01012', 'a01013', 'a01014'].map((factorCode, index) => ({ factorCode, kind: 'Rtd', value: 10 + index, flag: 'N' })),
    });
}

interface EdgeTurn {
  requests: number;
  seconds: number;
  p99: number;
  non2xx: number;
  cpuSeconds: number;
}

async function loadEdge(url: string, nextBody: () => string, pid: number): Promise<EdgeTurn> {
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url,
    connections: HTTP_CONNECTIONS,
    duration: EDGE_SECONDS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_TOKEN}` },
        setupRequest: (request) => ({ ...request, body: nextBody() }),
      },
    ],
  });
  return { requests: result.requests.total, seconds: result.duration, p99: result.latency.p99, non2xx: result.non2xx + result.errors, cpuSeconds: cpuSeconds(pid) - cpuBefore };
}

/** Alternates the two sides turn by turn, so a slow minute of the machine falls on both. */
async function alternate(sides: Record<'node' | 'express', () => Promise<EdgeTurn>>): Promise<Record<'node' | 'express', EdgeTurn>> {
  const total = (): EdgeTurn => ({ requests: 0, seconds: 0, p99: 0, non2xx: 0, cpuSeconds: 0 });
  const sums = { node: total(), express: total() };
  for (let turn = 0; turn < EDGE_TURNS; turn += 1) {
    for (const side of ['node', 'express'] as const) {
      const measured = await sides[side]();
      const sum = sums[side];
      sum.requests += measured.requests;
      sum.seconds += measured.seconds;
      sum.p99 = Math.max(sum.p99, measured.p99);
      sum.non2xx += measured.non2xx;
      sum.cpuSeconds += measured.cpuSeconds;
    }
  }
  return sums;
}

/**
 * Should the device edge move to express 5? The same work on bare node:http and bare express 5 (body read, JSON.parse,
 * 202), then the real ingest process twice — as built, and with express 5 in front of its real request handler
 * (harness/express-front.ts) — each taking unique observations (validated, deduped in Redis, published acks=all
 * before the 202). Both sides alternate, turn by turn, in the same run.
 */
async function edgeComparison(kafka: ReturnType<typeof benchKafka>, prefix: string): Promise<BenchMetrics> {
  const bareNode = await startChildServer(['node', '--import', 'tsx', resolve(__dirname, '../harness/bare-edge-server.ts')], { PORT: '18184', EDGE_FRAMEWORK: 'node' }, 'http://127.0.0.1:18184/readyz');
  const bareExpress = await startChildServer(['node', '--import', 'tsx', resolve(__dirname, '../harness/bare-edge-server.ts')], { PORT: '18185', EDGE_FRAMEWORK: 'express' }, 'http://127.0.0.1:18185/readyz');
  const bareBody = observationBody();
  const bare = await alternate({
    node: () => loadEdge('http://127.0.0.1:18184/v1/observations', () => bareBody, bareNode.child.pid ?? -1),
    express: () => loadEdge('http://127.0.0.1:18185/v1/observations', () => bareBody, bareExpress.child.pid ?? -1),
  });
  await Promise.all([bareNode.stop(), bareExpress.stop()]);

  const ingestOn = (side: 'node' | 'express'): Promise<IngestProcess> =>
    startIngestProcess({
      ...(process.env.KAFKA_BROKERS ? { kafkaBrokers: process.env.KAFKA_BROKERS } : {}),
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      topicPrefix: prefix,
      redisPrefix: `${prefix}${side}:`,
      gatewayTokens: { bench: GATEWAY_TOKEN },
      env: { DEVICE_RATE_LIMIT_PER_S: '0', ADDRESS_RATE_LIMIT_PER_S: '0', DEDUPE_TTL_SECONDS: '300' },
      ...(side === 'express' ? { nodeArgs: ['--require', 'tsx/cjs', '--require', resolve(__dirname, '../harness/express-front.ts')] } : {}),
    });
  const [onNode, onExpress] = [await ingestOn('node'), await ingestOn('express')];
  // Each side its own observations (its own stretch of data times), so neither sees the other's as repeats.
  const day = 86_400_000;
  const nodeBodies = uniqueObservations(BENCH_DEVICE?.mn ?? '', Date.parse('2026-09-01T00:00:00Z'));
  const expressBodies = uniqueObservations(BENCH_DEVICE?.mn ?? '', Date.parse('2026-09-01T00:00:00Z') + 30 * day);
  const real = await alternate({
    node: () => loadEdge(`${onNode.httpUrl}/v1/observations`, nodeBodies, onNode.service.pid),
    express: () => loadEdge(`${onExpress.httpUrl}/v1/observations`, expressBodies, onExpress.service.pid),
  });
  await Promise.all([onNode.service.stop(), onExpress.service.stop()]);

  const rate = (turn: EdgeTurn): number => turn.requests / turn.seconds;
  const cpuUs = (turn: EdgeTurn): number => Math.round((turn.cpuSeconds / Math.max(1, turn.requests)) * 1e7) / 10;
  const cost = Math.round((1 - rate(real.express) / rate(real.node)) * 1000) / 10;
  const how = `autocannon ${HTTP_CONNECTIONS} connections, ${EDGE_TURNS} turns of ${EDGE_SECONDS} s per side, alternating`;
  return {
    edge_bare_node_http_req_per_s: { value: Math.round(rate(bare.node)), unit: 'req/s', note: `bare node:http: reads the body, JSON.parse, answers 202; ${how}` },
    edge_bare_express_req_per_s: { value: Math.round(rate(bare.express)), unit: 'req/s', baseline: 'edge_bare_node_http_req_per_s', note: 'bare express 5.3.0, the same handler on app.post(), same run' },
    edge_bare_node_http_cpu_us_per_req: { value: cpuUs(bare.node), unit: 'µs CPU/req', note: 'server process CPU (/proc) per request' },
    edge_bare_express_cpu_us_per_req: { value: cpuUs(bare.express), unit: 'µs CPU/req', baseline: 'edge_bare_node_http_cpu_us_per_req', note: 'the same for express 5' },
    edge_ingest_node_http_obs_per_s: {
      value: Math.round(rate(real.node)),
      unit: 'obs/s',
      note: `the ingest process as built (node:http), POST /v1/observations, a unique observation of 8 measurements per request, validated, deduped, published acks=all before 202; ${how}`,
    },
    edge_ingest_express_obs_per_s: {
      value: Math.round(rate(real.express)),
      unit: 'obs/s',
      baseline: 'edge_ingest_node_http_obs_per_s',
      note: 'the same ingest process with express 5.3.0 in front of its real handler (harness/express-front.ts), same run',
    },
    edge_ingest_express_cost_percent: { value: cost, unit: '%', target: '<= 15 to move the device edge to express', note: 'throughput express 5 costs ingest: 1 − express / node:http; above 15 % the device edge stays on node:http' },
    edge_ingest_node_http_cpu_us_per_obs: { value: cpuUs(real.node), unit: 'µs CPU/obs', note: 'ingest process CPU (/proc) per observation, node:http' },
    edge_ingest_express_cpu_us_per_obs: { value: cpuUs(real.express), unit: 'µs CPU/obs', baseline: 'edge_ingest_node_http_cpu_us_per_obs', note: 'the same behind express 5' },
    edge_ingest_node_http_p99_ms: { value: real.node.p99, unit: 'ms', note: 'worst turn p99, closed loop' },
    edge_ingest_express_p99_ms: { value: real.express.p99, unit: 'ms', baseline: 'edge_ingest_node_http_p99_ms', note: 'worst turn p99, closed loop' },
    edge_non2xx: { value: bare.node.non2xx + bare.express.non2xx + real.node.non2xx + real.express.non2xx, unit: 'responses', note: 'errors and non-2xx answers in the comparison; must be 0' },
  };
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
      env: { DEVICE_RATE_LIMIT_PER_S: '0', ADDRESS_RATE_LIMIT_PER_S: '0' },
    });
    const ingestResult = await loadHttp(`${ingest.httpUrl}/v1/observations`);
    const ingestRss = await rssBytesOf(ingest.service.pid);
    await ingest.service.stop();
    const edge = await edgeComparison(kafka, prefix);
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
      ...edge,
    };
  },
};

export default bench;
