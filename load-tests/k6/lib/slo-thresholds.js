// The one mapping from slo.json to thresholds, shared by the k6 scripts (k6 imports it) and the Node harness
// (Node 20.20 loads this ES module from CommonJS). Plain JavaScript with no k6 or Node imports, so both can.

/** The metric each scenario's latency and failures are recorded under, as k6 names them. */
export const SCENARIO_METRICS = {
  ingest_http: { duration: 'http_req_duration', failed: 'http_req_failed', failedKind: 'rate_failed' },
  ingest_grpc: { duration: 'grpc_req_duration', failed: 'checks', failedKind: 'rate_passed' },
  hj212_tcp: { duration: 'hj212_ack_duration', failed: 'hj212_ack_failed', failedKind: 'rate_failed' },
};

/**
 * k6 `options.thresholds` for one scenario of slo.json: p99 latency on the scenario's sub-metric, the failure
 * rate, and no dropped iterations (the offered rate was met: an open model that cannot keep up says so).
 */
export function thresholdsFor(slo, scenario) {
  const target = slo[scenario];
  const metrics = SCENARIO_METRICS[scenario];
  if (!target || !metrics) throw new Error(`slo.json has no scenario ${scenario}`);
  const tag = `{scenario:${scenario}}`;
  const thresholds = {};
  thresholds[`${metrics.duration}${tag}`] = [`p(99)<${target.p99_ms}`];
  thresholds[`${metrics.failed}${tag}`] =
    metrics.failedKind === 'rate_passed' ? [`rate>${1 - target.error_rate}`] : [`rate<${target.error_rate}`];
  thresholds[`dropped_iterations${tag}`] = ['count<1'];
  return thresholds;
}

/** The trend statistics every summary carries; p(99) is not among k6's defaults. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'];
