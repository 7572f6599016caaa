import { loadavg } from 'node:os';
import { TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import { createTestSchema } from '@ecogrid/testkit';
import { median } from '../harness/median';
import type { BenchMetrics, BenchModule } from './bench-types';
import { closedLoop } from '../harness/closed-loop';
import { earlierBuild } from '../harness/earlier-build';
import { openHj212Fleet } from '../harness/hj212-client';
import { startIngestUnderLoad } from '../harness/ingest-under-load';

/**
 * The last commit before the devices' operation was built (status uploads, reverse control, clock, back-fill,
 * transmission rates, HJ 212-2025 link features): what "before" means for the per-frame cost those may not raise by
 * more than 5 %. BENCH_INGEST_BEFORE_COMMIT compares with another.
 */
const BEFORE_COMMIT = process.env.BENCH_INGEST_BEFORE_COMMIT ?? '5154e77';
const DEVICES = 200;
const WINDOW = 8;
const SECONDS = 15;
/** Before, after, after, before, before, after: a drift of the shared machine during the run falls on both alike. */
const ORDER = ['before', 'after', 'after', 'before', 'before', 'after'] as const;

type Side = (typeof ORDER)[number];

interface Measured {
  rate: number;
  cpuMicrosPerFrame: number;
  unanswered: number;
}


/** The HJ 212 closed loop of the ingest bench's maximum against one build. */
async function measure(entry: string | undefined, env: Record<string, string>): Promise<Measured> {
  const ingest = await startIngestUnderLoad({ devices: DEVICES, env, ...(entry ? { entry } : {}) });
  try {
    const fleet = await openHj212Fleet(ingest.hj212Port, ingest.devices, { replyTimeoutMs: 10_000 });
    // Warm-up, not measured: a frame on every connection (JIT, producer ids, metadata).
    await Promise.all(Array.from({ length: DEVICES }, (_, device) => fleet.send(device)));
    const cpuBefore = await ingest.cpuMicros();
    const loop = await closedLoop((index) => fleet.send(index % DEVICES), DEVICES, WINDOW, SECONDS);
    const cpuMicrosPerFrame = ((await ingest.cpuMicros()) - cpuBefore) / Math.max(1, loop.ok);
    await fleet.close();
    return { rate: loop.rate, cpuMicrosPerFrame, unanswered: loop.failed };
  } finally {
    await ingest.stop();
  }
}

const bench: BenchModule = {
  title: 'Ingest: HJ 212 cost per frame before and after the devices\' operation',
  needs: ['kafka', 'redis', 'postgres'],
  async run(): Promise<BenchMetrics> {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through pnpm bench (deploy/local/with-infra.sh)');
    const beforeEntry = await earlierBuild(BEFORE_COMMIT, 'ingest');
    // After: as pnpm start runs it, device control on (its PostgreSQL schema), so whatever it adds per frame counts —
    // except reactions to the load's own artefact: its DataTimes advance about 45 s per second (each frame needs a new
    // one), which a field device's never do, so its "drift" would have every device sent a 1012 and a drift report
    // published every few seconds. Clock correction off and the drift step a day long keep those out of the figure.
    const artefactsOff = { CLOCK_CORRECTION_THRESHOLD_MS: '0', CLOCK_DRIFT_STEP_MS: String(24 * 3_600_000) };
    const schema = await createTestSchema(databaseUrl, 'bench_before_after');
    const common = { STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET, NODE_ENV: 'test' };
    const runs: Record<Side, Measured[]> = { before: [], after: [] };
    const loads: number[] = [];
    try {
      for (const side of ORDER) {
        const measured = side === 'before' ? await measure(beforeEntry, common) : await measure(undefined, { ...common, ...artefactsOff, DATABASE_URL: databaseUrl, INGEST_SCHEMA: schema.name });
        runs[side].push(measured);
        loads.push(Math.round((loadavg()[0] ?? Number.NaN) * 10) / 10);
      }
    } finally {
      await schema.drop();
    }
    const list = (side: Side, pick: (m: Measured) => number, digits = 0): string => runs[side].map((m) => pick(m).toFixed(digits)).join(', ');
    const unanswered = [...runs.before, ...runs.after].reduce((sum, m) => sum + m.unanswered, 0);
    const how = `HJ 212 closed loop, ${DEVICES} connections × ${WINDOW} frames outstanding, ${SECONDS} s per run, runs in the order ${ORDER.join(', ')} in one pnpm bench; median of 3`;
    return {
      ingest_before_cpu_us_per_frame: {
        value: Math.round(median(runs.before.map((m) => m.cpuMicrosPerFrame))),
        unit: 'µs CPU/frame',
        note: `ingest built from ${BEFORE_COMMIT} (the last commit before status uploads, reverse control, clock, back-fill, transmission rates and HJ 212-2025 link features), its own CPU (user + system, /proc) per answered frame; ${how}; runs ${list('before', (m) => m.cpuMicrosPerFrame)}`,
      },
      ingest_after_cpu_us_per_frame: {
        value: Math.round(median(runs.after.map((m) => m.cpuMicrosPerFrame))),
        unit: 'µs CPU/frame',
        baseline: 'ingest_before_cpu_us_per_frame',
        target: '<= 1.05 × baseline',
        note: `this checkout's ingest as pnpm start runs it (device control on, its PostgreSQL schema; clock correction off and drift reports only when first seen, as the load's DataTimes run ahead of the clock), same loop and run; runs ${list('after', (m) => m.cpuMicrosPerFrame)}; load average after each run ${loads.join(', ')}`,
      },
      ingest_before_max_frames_per_s: {
        value: Math.round(median(runs.before.map((m) => m.rate))),
        unit: 'frames/s',
        note: `the same runs' answered frames per second, ${BEFORE_COMMIT}; runs ${list('before', (m) => m.rate)}`,
      },
      ingest_after_max_frames_per_s: {
        value: Math.round(median(runs.after.map((m) => m.rate))),
        unit: 'frames/s',
        baseline: 'ingest_before_max_frames_per_s',
        target: '>= 0.95 × baseline',
        note: `this checkout, same runs; runs ${list('after', (m) => m.rate)}; ${unanswered} frames unanswered in all runs. Frames/s on two cores shared with the load generator, Kafka and Redis move with the machine; CPU per frame is the steadier figure`,
      },
    };
  },
};

export default bench;
