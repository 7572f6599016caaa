import { metrics } from '@opentelemetry/api';
import { SECONDS_BUCKETS } from '@ecogrid/telemetry';

const meter = metrics.getMeter('@ecogrid/sharing');
const stageDuration = meter.createHistogram('sharing_request_stage_seconds', {
  unit: 's',
  description:
    'Time a partner request spends in each round trip: admission (Redis, per-second quota and rows of the day), page (PostgreSQL), audit (chained and committed, waiting for the group commit included)',
  advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
});

export type RequestStage = 'admission' | 'page' | 'audit';

/**
 * Runs one round trip of a partner request and records how long it took, failed or not: the pull's latency is the
 * sum of these and the service's own work, so an operator sees which of Redis, PostgreSQL or the audit's commit
 * moved when pulls slow down.
 */
export async function timedStage<T>(stage: RequestStage, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    stageDuration.record((performance.now() - started) / 1000, { stage });
  }
}
