import { describe, expect, it } from 'vitest';
import { parsePrometheusText, watchedSamples } from './prometheus-text';

const EXPOSITION = `# HELP ingest_rejected_total Refused input by source and reason code
# TYPE ingest_rejected_total counter
ingest_rejected_total{source="hj212",reason="bad_crc"} 3
ingest_rejected_total{source="hj212",reason="say \\"hi\\""} 1
ingest_connections 12
process_cpu_seconds_total 4.5
garbage line
`;

describe('reading a Prometheus exposition', () => {
  it('reads names, labels (escapes included) and values, and skips comments and unreadable lines', () => {
    const samples = parsePrometheusText(EXPOSITION);
    expect(samples).toHaveLength(4);
    expect(samples[0]).toEqual({ name: 'ingest_rejected_total', labels: { source: 'hj212', reason: 'bad_crc' }, value: 3 });
    expect(samples[1]?.labels.reason).toBe('say "hi"');
  });

  it('keeps only the watched families', () => {
    expect(watchedSamples(parsePrometheusText(EXPOSITION)).map((sample) => sample.name)).toEqual(['ingest_rejected_total', 'ingest_rejected_total', 'ingest_connections']);
  });
});
