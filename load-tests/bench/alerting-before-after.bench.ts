import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import { createEventPublisher, ensureTopics, topicNames } from '@ecogrid/kafka';
import { createTestSchema } from '@ecogrid/testkit';
import { median } from '../harness/median';
import type { BenchMetrics, BenchModule } from './bench-types';
import { evaluatedSoFar, publishBenchBacklog, publishBenchDevices } from '../harness/alerting-readings';
import { benchKafka, deleteBenchTopics } from '../harness/bench-kafka';
import { startChildServer } from '../harness/child-server';
import { earlierBuild } from '../harness/earlier-build';
import { cpuSeconds } from '../harness/process-cpu';

/**
 * The last commit before the platform's seams were made one (shared outbox, service kit, every consumer through
 * @ecogrid/kafka with CONSUMER spans and shared dead letters): what "before" means for alerting's cost per reading.
 * BENCH_ALERTING_BEFORE_COMMIT compares with another.
 */
const BEFORE_COMMIT = process.env.BENCH_ALERTING_BEFORE_COMMIT ?? '09bda68';
const DEVICES = 200;
const BACKLOG = 120_000;
/**
 * Five runs a side in the order before, after, after, before, …: a drift of the shared machine during the run falls on
 * both alike. A run takes only a few seconds, so one run's noise is a large share of it; five give a steadier median.
 */
const ORDER = ['before', 'after', 'after', 'before', 'before', 'after', 'after', 'before', 'before', 'after'] as const;
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * How often the evaluated count is read from /metrics. Each read renders the exposition in the process measured (about
 * 1 ms of its CPU): every 20 ms that was a microsecond per reading, and more for the build with more metrics.
 */
const SCRAPE_MS = 100;
/** Quiet: the process used at most one clock tick (10 ms) of CPU in each of two consecutive windows of this length. */
const QUIET_WINDOW_MS = 200;

type Side = (typeof ORDER)[number];

/**
 * The process's CPU seconds once it has gone quiet (or after 20 s), having finished what its input set off, and when
 * its work ended: the start of the quiet windows.
 */
async function whenQuiet(pid: number): Promise<{ cpuSeconds: number; at: number }> {
  const deadline = Date.now() + 20_000;
  let last = cpuSeconds(pid);
  let quietSince = performance.now();
  let quietWindows = 0;
  while (quietWindows < 2 && Date.now() < deadline) {
    const windowStart = performance.now();
    await sleep(QUIET_WINDOW_MS);
    const now = cpuSeconds(pid);
    if (now - last <= 0.01) {
      if (quietWindows === 0) quietSince = windowStart;
      quietWindows += 1;
    } else quietWindows = 0;
    last = now;
  }
  return { cpuSeconds: last, at: quietSince };
}

interface Measured {
  cpuMicrosPerReading: number;
  readingsPerSecond: number;
}



/**
 * One build from a cold start on a backlog of BACKLOG readings (every tenth an exceedance) on fresh topics and a
 * fresh schema: its own CPU from ready until every reading was evaluated.
 */
async function measure(entry: string, databaseUrl: string, round: number): Promise<Measured> {
  const kafka = benchKafka();
  const prefix = `bench.alerting-ba.${Date.now()}.${round}.`;
  const topics = topicNames(prefix);
  await ensureTopics(kafka, { prefix });
  const schema = await createTestSchema(databaseUrl, 'bench_alerting_ba');
  const publisher = createEventPublisher({ kafka, source: '/ecogrid/ingest' });
  await publisher.connect();
  try {
    await publishBenchDevices(publisher, topics.registryDevices, DEVICES);
    await publishBenchBacklog(publisher, topics.readings, { devices: DEVICES, count: BACKLOG, fromStep: 0 });
    const env = {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      DATABASE_URL: databaseUrl,
      ALERTING_SCHEMA: schema.name,
      TOPIC_PREFIX: prefix,
      READINGS_FROM_BEGINNING: 'true',
      ADMIN_HTTP_ADDRESS: '127.0.0.1:18292',
      GRPC_ADDRESS: '127.0.0.1:18255',
      STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
      LOG_LEVEL: 'warn',
    };
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const alerting = await startChildServer(['node', ...profile, entry], env, `http://${env.ADMIN_HTTP_ADDRESS}/readyz`);
    try {
      const pid = alerting.child.pid ?? 0;
      const cpuAtReady = cpuSeconds(pid);
      const started = performance.now();
      const deadline = Date.now() + 120_000;
      let evaluated = 0;
      while (evaluated < BACKLOG && Date.now() < deadline) {
        await sleep(SCRAPE_MS);
        evaluated = await evaluatedSoFar(env.ADMIN_HTTP_ADDRESS);
      }
      if (evaluated < BACKLOG) throw new Error(`${entry}: ${evaluated} of ${BACKLOG} readings evaluated in 120 s`);
      // Evaluated is not finished: the alerts those readings raised still go through the outbox to Kafka, and one
      // build did more of that after its last evaluation than the other (0.4 s of CPU in the second after, against
      // 0.04–0.17 s). The work is counted until the process is quiet, whichever build it is.
      const done = await whenQuiet(pid);
      return { cpuMicrosPerReading: ((done.cpuSeconds - cpuAtReady) * 1e6) / BACKLOG, readingsPerSecond: BACKLOG / ((done.at - started) / 1000) };
    } finally {
      await alerting.stop();
    }
  } finally {
    await publisher.disconnect();
    await schema.drop();
    await deleteBenchTopics(kafka, prefix);
  }
}

const bench: BenchModule = {
  title: 'Alerting: cost per reading before and after the platform seams',
  needs: ['kafka', 'postgres'],
  async run(): Promise<BenchMetrics> {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through pnpm bench (deploy/local/with-infra.sh)');
    const entries: Record<Side, string> = {
      before: await earlierBuild(BEFORE_COMMIT, 'alerting'),
      after: resolve(__dirname, '../../services/alerting/dist/main.js'),
    };
    const runs: Record<Side, Measured[]> = { before: [], after: [] };
    const loads: number[] = [];
    for (const [round, side] of ORDER.entries()) {
      runs[side].push(await measure(entries[side], databaseUrl, round));
      loads.push(Math.round((loadavg()[0] ?? Number.NaN) * 10) / 10);
    }
    const list = (side: Side, pick: (m: Measured) => number): string => runs[side].map((m) => pick(m).toFixed(1)).join(', ');
    const how = `a backlog of ${BACKLOG.toLocaleString('en-US')} readings of ${DEVICES} CEMS (every tenth minute an SO2 exceedance) consumed from a cold start, fresh topics and schema per run, CPU counted from ready until the process is quiet again (its alerts relayed too; evaluated count read every ${SCRAPE_MS} ms), in the order ${ORDER.join(', ')} in one pnpm bench; median of ${ORDER.length / 2}`;
    return {
      alerting_before_cpu_us_per_reading: {
        value: Math.round(median(runs.before.map((m) => m.cpuMicrosPerReading)) * 10) / 10,
        unit: 'µs CPU/reading',
        note: `alerting built from ${BEFORE_COMMIT}, its own CPU (user + system, /proc) from ready until every reading was evaluated and the process had gone quiet; ${how}; runs ${list('before', (m) => m.cpuMicrosPerReading)}`,
      },
      alerting_after_cpu_us_per_reading: {
        value: Math.round(median(runs.after.map((m) => m.cpuMicrosPerReading)) * 10) / 10,
        unit: 'µs CPU/reading',
        baseline: 'alerting_before_cpu_us_per_reading',
        target: '<= 1.05 × baseline',
        note: `this checkout's alerting, same backlog and run; runs ${list('after', (m) => m.cpuMicrosPerReading)}; load average after each run ${loads.join(', ')}`,
      },
      alerting_before_readings_per_s: {
        value: Math.round(median(runs.before.map((m) => m.readingsPerSecond))),
        unit: 'readings/s',
        note: `the same runs' readings per second from ready until the process was quiet (every reading evaluated, its alerts relayed), ${BEFORE_COMMIT}; runs ${list('before', (m) => m.readingsPerSecond)}`,
      },
      alerting_after_readings_per_s: {
        value: Math.round(median(runs.after.map((m) => m.readingsPerSecond))),
        unit: 'readings/s',
        baseline: 'alerting_before_readings_per_s',
        note: `this checkout, same runs; runs ${list('after', (m) => m.readingsPerSecond)}. Readings/s on two cores shared with Kafka, PostgreSQL and the generator move with the machine; CPU per reading is the steadier figure`,
      },
    };
  },
};

export default bench;
