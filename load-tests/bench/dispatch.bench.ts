import { resolve } from 'node:path';
import type { BenchMetrics, BenchModule } from './bench-types';
import { DISPATCH_BURST, DISPATCH_RATE_PER_S, DISPATCH_SECONDS, runDispatchPath } from '../harness/dispatch-path';

const root = resolve(__dirname, '../..');

function percentileOf(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

/**
 * alert → case dispatched: AlertChanged records at a steady rate (each a new device, so each opens a case),
 * timed from the intended send time of the alert to the arrival of the case's `dispatched` CaseChanged on
 * ecogrid.cases.v1 — consumer, routing, the PostgreSQL transaction, the outbox relay and the Kafka round
 * trips included. Dispatch runs as its own process; the load generator shares the two cores with it.
 */
const bench: BenchModule = {
  title: 'Dispatch: alert → case dispatched',
  needs: ['kafka', 'postgres'],
  async run(): Promise<BenchMetrics> {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through pnpm bench (deploy/local/with-infra.sh)');
    const run = await runDispatchPath(resolve(root, 'services/dispatch/dist/main.js'), databaseUrl);
    const { latencies: sorted, toTransaction: sortedTx, achievedRate, missing, burstMissing, burstSeconds, cpuPerAlert } = run;
    const note = `${DISPATCH_RATE_PER_S} alerts/s for ${DISPATCH_SECONDS} s, each a new device/factor (opens a case); from the alert's intended send time to the dispatched CaseChanged read back`;
    return {
      dispatch_alert_to_dispatched_p50_ms: { value: Math.round(percentileOf(sorted, 0.5) * 10) / 10, unit: 'ms', note },
      dispatch_alert_to_dispatched_p99_ms: { value: Math.round(percentileOf(sorted, 0.99) * 10) / 10, unit: 'ms', target: '<= 150', note },
      dispatch_alert_to_case_tx_p50_ms: { value: Math.round(percentileOf(sortedTx, 0.5) * 10) / 10, unit: 'ms', note: 'part of the above: alert sent → the dispatching transaction (consume, route, write)' },
      dispatch_alert_to_case_tx_p99_ms: { value: Math.round(percentileOf(sortedTx, 0.99) * 10) / 10, unit: 'ms', note: 'the rest is commit, outbox relay and the Kafka round trip back' },
      dispatch_alert_to_dispatched_max_ms: { value: Math.round((sorted.at(-1) ?? Number.NaN) * 10) / 10, unit: 'ms', note: 'worst case of the run' },
      dispatch_alert_rate_per_s: { value: Math.round(achievedRate * 10) / 10, unit: 'alert/s', note: `achieved send rate (target ${DISPATCH_RATE_PER_S})` },
      dispatch_alerts_without_case: { value: missing + burstMissing, unit: 'alerts', note: 'alerts with no dispatched case (steady run within 30 s, burst within 120 s); must be 0' },
      dispatch_burst_cases_per_s: { value: Math.round((DISPATCH_BURST - burstMissing) / burstSeconds), unit: 'case/s', note: `${DISPATCH_BURST} alerts published at once; cases dispatched per second until the last (capacity, not a latency figure)` },
      dispatch_cpu_ms_per_alert: {
        value: Math.round((cpuPerAlert.dispatch ?? 0) * 100) / 100,
        unit: 'ms CPU/alert',
        note: `dispatch process CPU (/proc) per alert of the steady run (consume, route, open and dispatch a case, history, outbox, relay); meanwhile per alert PostgreSQL ${(cpuPerAlert.postgres ?? 0).toFixed(2)}, Kafka ${(cpuPerAlert.kafka ?? 0).toFixed(2)}, the bench ${(cpuPerAlert.generator ?? 0).toFixed(2)} ms`,
      },
      dispatch_rss_mb: { value: Math.round(run.rssBytes / 2 ** 20), unit: 'MiB', note: 'dispatch resident memory after the run' },
    };
  },
};

export default bench;
