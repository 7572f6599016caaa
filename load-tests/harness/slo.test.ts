import { describe, expect, it } from 'vitest';
import { latencyHistogram, toK6Summary, type OpenModelResult } from './open-model';
import type { K6Summary } from './k6-summary';
import { checkThresholds, loadSlo, thresholdsFor, type Slo } from './slo';

const SLO: Slo = {
  ingest_http: { rate: 100, duration_s: 10, max_in_flight: 10, p99_ms: 250, error_rate: 0.01 },
  ingest_grpc: { rate: 100, duration_s: 10, max_in_flight: 10, p99_ms: 200, error_rate: 0.02 },
  hj212_tcp: { rate: 100, duration_s: 10, max_in_flight: 10, p99_ms: 50, error_rate: 0.01 },
};

/** What k6 writes in handleSummary for a run of ingest-http.js (trimmed to the judged metrics). */
const k6Summary = (p99: number, failedRate: number, dropped?: number): K6Summary => ({
  state: { testRunDurationMs: 60_000 },
  metrics: {
    'http_req_duration{scenario:ingest_http}': { type: 'trend', contains: 'time', values: { avg: 12, 'p(99)': p99 } },
    'http_req_failed{scenario:ingest_http}': { type: 'rate', contains: 'default', values: { rate: failedRate, passes: 0, fails: 100 } },
    ...(dropped === undefined ? {} : { 'dropped_iterations{scenario:ingest_http}': { type: 'counter' as const, contains: 'default' as const, values: { count: dropped, rate: 0 } } }),
  },
});

function harnessResult(latenciesMs: number[], failed: number, dropped: number): OpenModelResult {
  const latency = latencyHistogram();
  for (const value of latenciesMs) latency.recordValue(value * 1000);
  return { offered: latenciesMs.length + dropped, started: latenciesMs.length, succeeded: latenciesMs.length - failed, failed, dropped, blocked: 0, durationMs: 10_000, latency, fromSend: latency, sendLateness: latencyHistogram(), achievedRate: 0, answeredRate: 0, timeline: [] };
}

describe('one SLO file, one judge for k6 and the harness', () => {
  it('builds k6 thresholds per scenario from slo.json: p99, failure rate, no dropped iterations', () => {
    expect(thresholdsFor(SLO, 'ingest_http')).toEqual({
      'http_req_duration{scenario:ingest_http}': ['p(99)<250'],
      'http_req_failed{scenario:ingest_http}': ['rate<0.01'],
      'dropped_iterations{scenario:ingest_http}': ['count<1'],
    });
    expect(thresholdsFor(SLO, 'ingest_grpc')['checks{scenario:ingest_grpc}']).toEqual(['rate>0.98']);
    expect(() => thresholdsFor(SLO, 'nope')).toThrow(/no scenario nope/);
  });

  it('judges a k6 summary as k6 does: a dropped_iterations metric absent means none were dropped', () => {
    expect(checkThresholds(SLO, k6Summary(180, 0.001), 'ingest_http').every((verdict) => verdict.ok)).toBe(true);
    const failing = checkThresholds(SLO, k6Summary(300, 0.02, 3), 'ingest_http');
    expect(failing.map((verdict) => [verdict.metric, verdict.value, verdict.ok])).toEqual([
      ['http_req_duration{scenario:ingest_http}', 300, false],
      ['http_req_failed{scenario:ingest_http}', 0.02, false],
      ['dropped_iterations{scenario:ingest_http}', 3, false],
    ]);
  });

  it('fails a summary that lacks the latency metric rather than passing what was not measured', () => {
    const verdicts = checkThresholds(SLO, { state: { testRunDurationMs: 0 }, metrics: {} }, 'hj212_tcp');
    expect(verdicts.find((verdict) => verdict.metric.startsWith('hj212_ack_duration'))).toMatchObject({ value: null, ok: false });
  });

  it('emits the harness result in k6 shape, so the same judge passes or fails it', () => {
    const fast = toK6Summary('hj212_tcp', harnessResult(Array.from({ length: 1_000 }, (_, index) => 5 + (index % 20)), 0, 0));
    expect(fast.metrics['hj212_ack_duration{scenario:hj212_tcp}']?.values['p(99)']).toBeCloseTo(24, 0);
    expect(checkThresholds(SLO, fast, 'hj212_tcp').every((verdict) => verdict.ok)).toBe(true);
    const slow = toK6Summary('hj212_tcp', harnessResult([...Array.from({ length: 980 }, () => 5), ...Array.from({ length: 20 }, () => 900)], 0, 0));
    expect(checkThresholds(SLO, slow, 'hj212_tcp').filter((verdict) => !verdict.ok).map((verdict) => verdict.metric)).toEqual(['hj212_ack_duration{scenario:hj212_tcp}']);
    const grpc = toK6Summary('ingest_grpc', harnessResult(Array.from({ length: 100 }, () => 5), 5, 2));
    expect(grpc.metrics['checks{scenario:ingest_grpc}']?.values.rate).toBeCloseTo(0.95);
    expect(checkThresholds(SLO, grpc, 'ingest_grpc').filter((verdict) => !verdict.ok).map((verdict) => verdict.metric)).toEqual([
      'checks{scenario:ingest_grpc}',
      'dropped_iterations{scenario:ingest_grpc}',
    ]);
  });

  it('reads the committed slo.json, with every scenario the harness and k6 run', () => {
    const slo = loadSlo();
    for (const scenario of ['ingest_http', 'ingest_grpc', 'hj212_tcp']) {
      expect(slo[scenario]).toMatchObject({ rate: expect.any(Number), p99_ms: expect.any(Number), error_rate: expect.any(Number), max_in_flight: expect.any(Number) });
    }
  });
});
