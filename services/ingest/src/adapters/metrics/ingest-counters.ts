import { metrics } from '@opentelemetry/api';
import type { IngestCounters } from '../../app/ports';

const meter = metrics.getMeter('@ecogrid/ingest');
const duplicates = meter.createCounter('ingest_duplicates_total', { description: 'Re-sent observations recognised and not published again' });
const memoryUnavailable = meter.createCounter('ingest_memory_unavailable_total', { description: 'Dedupe/latest-value calls that failed because Redis was unavailable' });

const authentications = meter.createCounter('ingest_device_authentications_total', {
  description: 'Device authentications by outcome: remembered (no scrypt), verified, failed (scrypt ran), throttled (refused before scrypt)',
});

export function createIngestCounters(): IngestCounters {
  return {
    authentication: (outcome) => authentications.add(1, { outcome }),
    duplicate: (source) => duplicates.add(1, { source }),
    memoryUnavailable: () => memoryUnavailable.add(1),
  };
}
