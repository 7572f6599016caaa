import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { median } from '../harness/median';
import type { BenchMetrics, BenchModule } from './bench-types';
import { DISPATCH_RATE_PER_S, DISPATCH_SECONDS, runDispatchPath, type DispatchRun } from '../harness/dispatch-path';
import { earlierBuild } from '../harness/earlier-build';

/**
 * The last commit before the platform's seams were made one (shared outbox, service kit, every consumer through
 * @ecogrid/kafka, express 5 for the staff API and Open311): what "before" means for dispatch's cost per alert.
 * BENCH_DISPATCH_BEFORE_COMMIT compares with another.
 */
const BEFORE_COMMIT = process.env.BENCH_DISPATCH_BEFORE_COMMIT ?? '09bda68';
/** Before, after, after, before: a drift of the shared machine during the run falls on both alike. */
const ORDER = ['before', 'after', 'after', 'before'] as const;

type Side = (typeof ORDER)[number];

const p99 = (run: DispatchRun): number => run.latencies[Math.min(run.latencies.length - 1, Math.ceil(0.99 * run.latencies.length) - 1)] ?? Number.NaN;

const bench: BenchModule = {
  title: 'Dispatch: cost per alert before and after the platform seams',
  needs: ['kafka', 'postgres'],
  async run(): Promise<BenchMetrics> {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through pnpm bench (deploy/local/with-infra.sh)');
    const entries: Record<Side, string> = {
      before: await earlierBuild(BEFORE_COMMIT, 'dispatch'),
      after: resolve(__dirname, '../../services/dispatch/dist/main.js'),
    };
    const runs: Record<Side, DispatchRun[]> = { before: [], after: [] };
    const loads: number[] = [];
    for (const side of ORDER) {
      runs[side].push(await runDispatchPath(entries[side], databaseUrl, { readyPath: side === 'before' ? 'http' : 'admin' }));
      loads.push(Math.round((loadavg()[0] ?? Number.NaN) * 10) / 10);
    }
    const cpu = (run: DispatchRun): number => run.cpuPerAlert.dispatch ?? Number.NaN;
    const list = (side: Side, pick: (run: DispatchRun) => number, digits = 2): string => runs[side].map((run) => pick(run).toFixed(digits)).join(', ');
    const missing = [...runs.before, ...runs.after].reduce((sum, run) => sum + run.missing + run.burstMissing, 0);
    const how = `${DISPATCH_RATE_PER_S} alerts/s for ${DISPATCH_SECONDS} s, each opening a case, fresh topics and schema per run, in the order ${ORDER.join(', ')} in one pnpm bench; median of ${ORDER.length / 2}`;
    return {
      dispatch_before_cpu_ms_per_alert: {
        value: Math.round(median(runs.before.map(cpu)) * 100) / 100,
        unit: 'ms CPU/alert',
        note: `dispatch built from ${BEFORE_COMMIT}, its own CPU (/proc) per alert of the steady run (consume, route, open and dispatch a case, history, outbox, relay); ${how}; runs ${list('before', cpu)}`,
      },
      dispatch_after_cpu_ms_per_alert: {
        value: Math.round(median(runs.after.map(cpu)) * 100) / 100,
        unit: 'ms CPU/alert',
        baseline: 'dispatch_before_cpu_ms_per_alert',
        target: '<= 1.05 × baseline',
        note: `this checkout's dispatch, same run; runs ${list('after', cpu)}; load average after each run ${loads.join(', ')}; ${missing} alerts without a dispatched case in all runs`,
      },
      dispatch_before_idle_cpu_ms_per_s: {
        value: Math.round(median(runs.before.map((run) => run.idleCpuMsPerS)) * 10) / 10,
        unit: 'ms CPU/s',
        note: `the same runs' dispatch process with no alert coming for 5 s after the warm-up (consumers' fetches, timers, outbox poll), ${BEFORE_COMMIT}; runs ${list('before', (run) => run.idleCpuMsPerS, 1)}`,
      },
      dispatch_after_idle_cpu_ms_per_s: {
        value: Math.round(median(runs.after.map((run) => run.idleCpuMsPerS)) * 10) / 10,
        unit: 'ms CPU/s',
        baseline: 'dispatch_before_idle_cpu_ms_per_s',
        note: `this checkout, same runs; runs ${list('after', (run) => run.idleCpuMsPerS, 1)}`,
      },
      dispatch_before_alert_to_dispatched_p99_ms: {
        value: Math.round(median(runs.before.map(p99)) * 10) / 10,
        unit: 'ms',
        note: `the same runs' alert → dispatched CaseChanged p99, ${BEFORE_COMMIT}; runs ${list('before', p99, 1)}`,
      },
      dispatch_after_alert_to_dispatched_p99_ms: {
        value: Math.round(median(runs.after.map(p99)) * 10) / 10,
        unit: 'ms',
        baseline: 'dispatch_before_alert_to_dispatched_p99_ms',
        note: `this checkout, same runs; runs ${list('after', p99, 1)}`,
      },
      dispatch_before_rss_mb: {
        value: Math.round(median(runs.before.map((run) => run.rssBytes / 2 ** 20))),
        unit: 'MiB',
        note: `resident memory after each run, ${BEFORE_COMMIT}; runs ${list('before', (run) => run.rssBytes / 2 ** 20, 0)}`,
      },
      dispatch_after_rss_mb: {
        value: Math.round(median(runs.after.map((run) => run.rssBytes / 2 ** 20))),
        unit: 'MiB',
        baseline: 'dispatch_before_rss_mb',
        note: `this checkout; runs ${list('after', (run) => run.rssBytes / 2 ** 20, 0)}`,
      },
    };
  },
};

export default bench;
