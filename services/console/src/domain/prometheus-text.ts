/** One sample of a Prometheus text exposition: `name{label="value",…} number`. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Reads the samples of a Prometheus text exposition; comments and lines it cannot read are skipped. */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (Number.isNaN(value)) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) labels[label[1] ?? ''] = (label[2] ?? '').replace(/\\(.)/g, (_all, char: string) => (char === 'n' ? '\n' : char));
    samples.push({ name: match[1] ?? '', labels, value });
  }
  return samples;
}

/**
 * The figures the operator view shows from a service's metrics: the families that say whether data flows and
 * where it is refused or backs up. Everything else stays in the service's own /metrics.
 */
export const WATCHED_METRICS = [
  'ingest_frames_total',
  'ingest_observations_total',
  'ingest_rejected_total',
  'ingest_connections',
  'ingest_backpressure_pauses_total',
  'alerting_readings_total',
  'alerting_events_total',
  'dispatch_alerts_total',
  'dispatch_alert_partitions_held',
  'outbox_backlog',
  'outbox_relay_lag_seconds',
  'credit_ratings_published_total',
  'console_sse_streams',
  'console_live_events_total',
  'console_live_unreadable_total',
] as const;

export function watchedSamples(samples: MetricSample[]): MetricSample[] {
  const watched: ReadonlySet<string> = new Set(WATCHED_METRICS);
  return samples.filter((sample) => watched.has(sample.name));
}
