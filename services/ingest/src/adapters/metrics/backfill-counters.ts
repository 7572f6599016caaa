import { metrics } from '@opentelemetry/api';
import type { BackfillCounters } from '../../app/backfill-gaps';

const meter = metrics.getMeter('@ecogrid/ingest');
const requests = meter.createCounter('ingest_backfill_requests_total', {
  description: 'Back-fill history requests (2051/2061) by outcome: requested, filled, no_data, retry, given_up',
});
const records = meter.createCounter('ingest_backfill_records_total', { description: 'History records devices sent for back-fill requests that were filled' });

/** Back-fill counters (Prometheus through the service's meter). */
export function createBackfillCounters(): BackfillCounters {
  return {
    request: (outcome) => requests.add(1, { outcome }),
    records: (count) => records.add(count),
  };
}
