import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Agent, request } from 'node:http';
import pg from 'pg';
import { AlertChanged, AlertState, Severity } from '@ecogrid/proto/alerting/v1/events';
import { createEventPublisher, ensureTopics, topicNames, TOPICS } from '@ecogrid/kafka';
import { createTestSchema } from '@ecogrid/testkit';
import type { BenchMetrics, BenchModule } from './bench-types';
import { benchKafka, deleteBenchTopics } from '../harness/bench-kafka';
import { runOpenModel } from '../harness/open-model';
import { startChildServer, type ChildServer } from '../harness/child-server';
import { cpuSeconds, sharedServerCpu } from '../harness/process-cpu';

const root = resolve(__dirname, '../..');
const PULL_RATE = 1_000;
const PULL_SECONDS = 8;
const PULL_TURNS = 2;
/** One more turn per side at this rate: the same endpoints with the two cores less contended. */
const LIGHT_RATE = 500;
/**
 * Each turn starts with this many seconds at its rate, on the same connections, before its measured seconds: a side
 * has just sat idle through the other sides' turns, and a partner pulling 1,000 times a second does not pause. The
 * lead-in's own p99 is reported beside (what the first second after 16 s idle costs).
 */
const LEAD_IN_SECONDS = 1;
/** Keep-alive connections the partner's client may open (requests beyond them wait in the client's agent, timed). */
const PULL_CONNECTIONS = 50;
const SUBSCRIBERS = 100;
const ALERT_RATE = 20;
const ALERT_SECONDS = 10;

function percentileOf(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

/** A partner with a key and active grants on AQI and alerts, written straight into a fresh schema. */
async function seedPartner(databaseUrl: string, schema: string): Promise<string> {
  const keyId = `k${randomBytes(6).toString('hex')}`;
  const key = `esk_${keyId}_${randomBytes(32).toString('base64url')}`;
  const db = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema},public` });
  await db.connect();
  try {
    await db.query("INSERT INTO partners VALUES ('bench', '压测伙伴', 100000, 1000000000, 500, '{}', now())");
    await db.query('INSERT INTO partner_keys (key_id, partner_id, sha256, created_at) VALUES ($1, $2, $3, now())', [keyId, 'bench', createHash('sha256').update(key).digest('hex')]);
    for (const [dataset, fields] of [
      ['aqi-hourly', ['station_mn', 'hour_start', 'aqi', 'category', 'primary_pollutants', 'township_code']],
      ['alerts', ['alert_id', 'state', 'severity', 'factor_code', 'value', 'limit', 'changed_at']],
    ] as const) {
      await db.query("INSERT INTO grants VALUES ($1, 'bench', $2, '{}', $3, NULL, NULL, 'bench', '2099-01-01', 'active', 'bench', now(), now())", [`g-${dataset}`, dataset, fields]);
    }
    for (let hour = 0; hour < 50; hour += 1) {
      const hourStart = new Date(Date.UTC(2026, 5, 1, hour)).toISOString();
      await db.query("INSERT INTO shared_records VALUES ('aqi-hourly', $1, nextval('shared_record_seq'), 1, $2, '140802001', NULL, NULL, NULL, NULL, $3)", [
        `AQ1:${hourStart}`,
        hourStart,
        JSON.stringify({ station_mn: 'AQ1', hour_start: hourStart, aqi: 50 + hour, category: '良', primary_pollutants: ['PM10'], township_code: '140802001' }),
      ]);
    }
  } finally {
    await db.end();
  }
  return key;
}

async function startSharing(name: string, env: Record<string, string>, ports: { http: number; admin: number }): Promise<ChildServer> {
  // BENCH_PROFILE_DIR makes each instance write a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  return startChildServer(
    ['node', ...profile, resolve(root, 'services/sharing/dist/main.js')],
    { ...env, SERVICE_NAME: name, HTTP_ADDRESS: `127.0.0.1:${ports.http}`, ADMIN_HTTP_ADDRESS: `127.0.0.1:${ports.admin}`, LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    `http://127.0.0.1:${ports.admin}/readyz`,
  );
}

/**
 * Sharing: (1) pull p99 at 1,000 req/s (open model) of one 10-row page of hourly AQI, with
 * the access audit on (every request chained in PostgreSQL and queued for Kafka before it is answered) beside the
 * same endpoint with ACCESS_AUDIT=off, alternating turns in the same run, with the CPU per request of the service,
 * PostgreSQL, Redis, Kafka and the generator, and one more turn per side at 500 req/s; (2) alert → SSE: AlertChanged
 * published at a steady rate, timed from the intended send to its arrival at each of 100 subscribers.
 */
const bench: BenchModule = {
  title: 'Sharing: pull with and without the audit, alert → SSE',
  needs: ['kafka', 'postgres', 'redis'],
  async run(): Promise<BenchMetrics> {
    const databaseUrl = process.env.DATABASE_URL;
    const redisUrl = process.env.REDIS_URL;
    if (!databaseUrl || !redisUrl) throw new Error('DATABASE_URL and REDIS_URL must be set: run through pnpm bench');
    const kafka = benchKafka();
    const prefix = `bench.sharing.${Date.now()}.`;
    // The unaudited instance gets topics of its own: sharing's feed group is named after the prefix, so on shared
    // topics it would hold half the alert partitions, and alerts published after it stops would wait for the
    // rebalance that hands them to the audited instance.
    const offPrefix = `${prefix}off.`;
    await ensureTopics(kafka, { prefix });
    await ensureTopics(kafka, { prefix: offPrefix });
    const topics = topicNames(prefix);
    const audited = await createTestSchema(databaseUrl, 'bench_sharing_on');
    const unaudited = await createTestSchema(databaseUrl, 'bench_sharing_off');
    const common = { KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '', DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, TOPIC_PREFIX: prefix };
    const on = await startSharing('sharing-bench-on', { ...common, SHARING_SCHEMA: audited.name, REDIS_PREFIX: `${prefix}on:` }, { http: 18185, admin: 18196 });
    const off = await startSharing('sharing-bench-off', { ...common, TOPIC_PREFIX: offPrefix, SHARING_SCHEMA: unaudited.name, REDIS_PREFIX: `${prefix}off:`, ACCESS_AUDIT: 'off' }, { http: 18186, admin: 18197 });
    const keyOn = await seedPartner(databaseUrl, audited.name);
    const keyOff = await seedPartner(databaseUrl, unaudited.name);

    // Arrivals evenly spaced at the rate (k6's constant-arrival-rate, the project's open model), each timed from
    // its intended moment. autocannon's `overallRate` was used before: it sends each connection's quota for the
    // second back to back at the second's start and then waits, so every second began with a burst of 1,000
    // requests and the p99 measured that burst's queue, not a steady 1,000 req/s.
    // CPU per answered request of the service, PostgreSQL, Redis, Kafka and this generator, over each turn: on two
    // shared cores a p99 means little without who had the CPU meanwhile.
    const pull = async (port: number, key: string, pid: number, pullRate = PULL_RATE) => {
      const agent = new Agent({ keepAlive: true, maxSockets: PULL_CONNECTIONS });
      const url = `http://127.0.0.1:${port}/v1/datasets/aqi-hourly/records?limit=10`;
      const send = (): Promise<boolean> =>
        new Promise((resolveSend) => {
          const call = request(url, { agent, timeout: 10_000, headers: { 'x-api-key': key } }, (response) => {
            response.resume();
            response.on('end', () => resolveSend(response.statusCode === 200));
            response.on('error', () => resolveSend(false));
          });
          call.on('timeout', () => call.destroy(new Error('timeout')));
          call.on('error', () => resolveSend(false));
          call.end();
        });
      const leadIn = await runOpenModel({ rate: pullRate, durationS: LEAD_IN_SECONDS, maxInFlight: PULL_CONNECTIONS * 4, send, drainTimeoutMs: 10_000 });
      const servers = await sharedServerCpu();
      const serviceBefore = cpuSeconds(pid);
      const generatorBefore = process.cpuUsage();
      const result = await runOpenModel({ rate: pullRate, durationS: PULL_SECONDS, maxInFlight: PULL_CONNECTIONS * 4, send, drainTimeoutMs: 10_000 });
      const generator = process.cpuUsage(generatorBefore);
      const service = cpuSeconds(pid) - serviceBefore;
      const shared = await servers.stop();
      agent.destroy();
      const perRequest = (seconds: number) => (seconds * 1e6) / Math.max(1, result.succeeded);
      return {
        cpu: { service: perRequest(service), postgres: perRequest(shared.postgres), redis: perRequest(shared.redis), kafka: perRequest(shared.kafka), generator: perRequest((generator.user + generator.system) / 1e6) },
        p99: result.latency.getValueAtPercentile(99) / 1000,
        leadInP99: leadIn.latency.getValueAtPercentile(99) / 1000,
        p50: result.latency.getValueAtPercentile(50) / 1000,
        lateness: result.sendLateness.getValueAtPercentile(99) / 1000,
        rps: result.achievedRate,
        bad: result.failed + result.dropped + leadIn.failed + leadIn.dropped,
      };
    };
    // The floor: bare express 5 serving a page the service just served, from memory, under the same generator.
    const page = await (await fetch('http://127.0.0.1:18186/v1/datasets/aqi-hourly/records?limit=10', { headers: { 'x-api-key': keyOff } })).text();
    const bare = await startChildServer(['node', '--import', 'tsx', resolve(__dirname, '../harness/bare-page-server.ts')], { PORT: '18187', PAGE_BODY: page }, 'http://127.0.0.1:18187/readyz');
    const pids = { on: on.child.pid ?? 0, off: off.child.pid ?? 0, bare: bare.child.pid ?? 0 };
    await pull(18185, keyOn, pids.on);
    await pull(18186, keyOff, pids.off);
    await pull(18187, '', pids.bare);
    type Turn = { side: 'on' | 'off' | 'bare' } & Awaited<ReturnType<typeof pull>>;
    const turns: Turn[] = [];
    for (let turn = 0; turn < PULL_TURNS; turn += 1) {
      turns.push({ side: 'on', ...(await pull(18185, keyOn, pids.on)) });
      turns.push({ side: 'off', ...(await pull(18186, keyOff, pids.off)) });
      turns.push({ side: 'bare', ...(await pull(18187, '', pids.bare)) });
    }
    const light = { on: await pull(18185, keyOn, pids.on, LIGHT_RATE), off: await pull(18186, keyOff, pids.off, LIGHT_RATE) };
    const worst = (side: 'on' | 'off' | 'bare') => Math.max(...turns.filter((turn) => turn.side === side).map((turn) => turn.p99));
    const rate = (side: 'on' | 'off' | 'bare') => turns.filter((turn) => turn.side === side).reduce((sum, turn) => sum + turn.rps, 0) / PULL_TURNS;
    const bad = turns.reduce((sum, turn) => sum + turn.bad, 0) + light.on.bad + light.off.bad;
    await off.stop();
    await bare.stop();

    // Alert → SSE with 100 subscribers on the audited instance.
    const intendedAt = new Map<string, number>();
    const latencies: number[] = [];
    const controllers: AbortController[] = [];
    let connected = 0;
    const subscribe = async (): Promise<void> => {
      const abort = new AbortController();
      controllers.push(abort);
      const response = await fetch('http://127.0.0.1:18185/v1/datasets/alerts/events', { headers: { 'x-api-key': keyOn, accept: 'text/event-stream' }, signal: abort.signal });
      connected += 1;
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          const arrived = performance.now();
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').find((line) => line.startsWith('data: '));
            if (!data) continue;
            const alertId = String((JSON.parse(data.slice(6)) as { data: { alert_id?: string } }).data.alert_id);
            const intended = intendedAt.get(alertId);
            if (intended !== undefined) latencies.push(arrived - intended);
          }
        }
      } catch {
        // aborted at the end
      }
    };
    const streams = Array.from({ length: SUBSCRIBERS }, () => subscribe());
    while (connected < SUBSCRIBERS) await new Promise((done) => setTimeout(done, 20));
    const publisher = createEventPublisher({ kafka, source: '/bench/alerting' });
    await publisher.connect();
    const total = ALERT_RATE * ALERT_SECONDS;
    const t0 = performance.now();
    const sends: Array<Promise<void>> = [];
    for (let i = 0; i < total; i += 1) {
      const intended = t0 + (i * 1000) / ALERT_RATE;
      const wait = intended - performance.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      const alertId = `BENCH-${i}`;
      intendedAt.set(alertId, intended);
      const alert = AlertChanged.fromPartial({ alertId, state: AlertState.ALERT_STATE_RAISED, severity: Severity.SEVERITY_MAJOR, deviceMn: `BENCH-MN-${i}`, townshipCode: '140802001', factorCode: 'a21026', value: 400, limit: 100, changedAt: new Date(), sequence: 1 });
      sends.push(publisher.publish({ topic: topics.alerts, key: alert.deviceMn, type: TOPICS.alerts.payload, value: Buffer.from(AlertChanged.encode(alert).finish()) }));
    }
    await Promise.all(sends);
    const deadline = Date.now() + 30_000;
    while (latencies.length < total * SUBSCRIBERS && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    const delivered = latencies.length;
    for (const abort of controllers) abort.abort();
    await Promise.all(streams);
    await publisher.disconnect();
    await on.stop();
    await audited.drop();
    await unaudited.drop();
    await deleteBenchTopics(kafka, prefix);

    const sorted = [...latencies].sort((a, b) => a - b);
    const worstOf = (side: 'on' | 'off' | 'bare', field: 'p50' | 'lateness') => Math.max(...turns.filter((turn) => turn.side === side).map((turn) => turn[field]));
    const pullNote = `${PULL_RATE} req/s offered (open model: evenly spaced arrivals, latency from the intended send, up to ${PULL_CONNECTIONS} keep-alive connections), ${PULL_TURNS} alternating turns per side, each ${LEAD_IN_SECONDS} s lead-in then ${PULL_SECONDS} s measured on the same connections, one 10-row page; worst turn's p99 (p50 ${worstOf('on', 'p50').toFixed(1)} ms on, ${worstOf('off', 'p50').toFixed(1)} ms off; generator's p99 lateness ${worstOf('on', 'lateness').toFixed(1)} / ${worstOf('off', 'lateness').toFixed(1)} ms); ${bad} non-2xx, errors or drops in all; generator and service share the 2 cores`;
    const meanCpu = (side: 'on' | 'off' | 'bare', of: keyof Turn['cpu']) => turns.filter((turn) => turn.side === side).reduce((sum, turn) => sum + turn.cpu[of], 0) / PULL_TURNS;
    const cpuNote = (side: 'on' | 'off' | 'bare') =>
      `mean of the ${PULL_TURNS} turns, per answered request: PostgreSQL ${Math.round(meanCpu(side, 'postgres'))} µs, Redis ${Math.round(meanCpu(side, 'redis'))} µs, Kafka ${Math.round(meanCpu(side, 'kafka'))} µs, generator ${Math.round(meanCpu(side, 'generator'))} µs`;
    const p99s = (side: 'on' | 'off' | 'bare') =>
      turns
        .filter((turn) => turn.side === side)
        .map((turn) => `${turn.p99.toFixed(1)} (lead-in ${turn.leadInP99.toFixed(1)})`)
        .join(' / ');
    return {
      sharing_pull_audit_on_p99_ms: { value: worst('on'), unit: 'ms', baseline: 'sharing_pull_audit_off_p99_ms', target: '<= 20, ratio <= 1.5', note: `audit on (chained in PostgreSQL + outbox before the answer); achieved ${Math.round(rate('on'))} req/s; turns' p99 ${p99s('on')} ms; ${pullNote}` },
      sharing_pull_audit_off_p99_ms: { value: worst('off'), unit: 'ms', baseline: 'sharing_pull_bare_express_p99_ms', note: `ACCESS_AUDIT=off; achieved ${Math.round(rate('off'))} req/s; turns' p99 ${p99s('off')} ms` },
      sharing_pull_audit_on_service_cpu_us: { value: Math.round(meanCpu('on', 'service')), unit: 'µs CPU/req', baseline: 'sharing_pull_audit_off_service_cpu_us', note: `the sharing process's CPU (user + system, /proc/<pid>/stat) with the audit on; ${cpuNote('on')}` },
      sharing_pull_audit_off_service_cpu_us: { value: Math.round(meanCpu('off', 'service')), unit: 'µs CPU/req', baseline: 'sharing_pull_bare_express_service_cpu_us', note: `ACCESS_AUDIT=off; ${cpuNote('off')}` },
      sharing_pull_bare_express_service_cpu_us: { value: Math.round(meanCpu('bare', 'service')), unit: 'µs CPU/req', note: `bare express 5 from memory; ${cpuNote('bare')}` },
      sharing_pull_audit_on_p99_at_500_ms: {
        value: light.on.p99,
        unit: 'ms',
        baseline: 'sharing_pull_audit_off_p99_at_500_ms',
        note: `one more turn per side at ${LIGHT_RATE} req/s after the others, same page and generator: the audited endpoint with the two cores less contended; p50 ${light.on.p50.toFixed(1)} ms; service ${Math.round(light.on.cpu.service)} µs, PostgreSQL ${Math.round(light.on.cpu.postgres)} µs CPU per request`,
      },
      sharing_pull_audit_off_p99_at_500_ms: { value: light.off.p99, unit: 'ms', note: `ACCESS_AUDIT=off at ${LIGHT_RATE} req/s; p50 ${light.off.p50.toFixed(1)} ms; service ${Math.round(light.off.cpu.service)} µs, PostgreSQL ${Math.round(light.off.cpu.postgres)} µs CPU per request` },
      sharing_pull_bare_express_p99_ms: {
        value: worst('bare'),
        unit: 'ms',
        note: `the floor, alternating with the two above: bare express 5 answering the same ${page.length}-byte page from memory (no key, grant, quota, PostgreSQL or Redis), same generator and rate; achieved ${Math.round(rate('bare'))} req/s; turns' p99 ${p99s('bare')} ms; p50 ${worstOf('bare', 'p50').toFixed(1)} ms, generator's p99 lateness ${worstOf('bare', 'lateness').toFixed(1)} ms`,
      },
      sharing_alert_to_sse_p99_ms: {
        value: Math.round(percentileOf(sorted, 0.99) * 10) / 10,
        unit: 'ms',
        target: '<= 100',
        note: `${ALERT_RATE} alerts/s for ${ALERT_SECONDS} s to ${SUBSCRIBERS} SSE subscribers; intended send → event read by each subscriber (Kafka, feed consumer, PostgreSQL, signal, grant check); ${delivered} of ${total * SUBSCRIBERS} deliveries; p50 ${Math.round(percentileOf(sorted, 0.5) * 10) / 10} ms`,
      },
    };
  },
};

export default bench;
