// k6 run load-tests/k6/ingest-http.js -e BASE_URL=http://127.0.0.1:8081 -e GATEWAY_TOKEN=… [-e DEVICES=MN1,MN2]
// The same scenario as `pnpm --filter @ecogrid/load-tests load -- ingest_http`; thresholds from ../slo.json.
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { thresholdsFor, SUMMARY_TREND_STATS } from './lib/slo-thresholds.js';

const SLO = JSON.parse(open('../slo.json'));
const target = SLO.ingest_http;
const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8081';
const TOKEN = __ENV.GATEWAY_TOKEN || '';
// Devices registered for the load run (the harness publishes LOAD000000000001…); observations rotate over them.
const DEVICES = (__ENV.DEVICES || 'LOAD000000000001').split(',');
const FACTORS = ['a21026', 'a21002', 'a34013', 'a21005', 'a19001', 'a01012', 'a01013', 'a01014'];
// Past, distinct DataTimes per device, so every request is a new observation rather than a re-send.
const EPOCH = Date.now() - 40 * 24 * 3600 * 1000;

export const options = {
  scenarios: {
    ingest_http: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || target.rate),
      timeUnit: '1s',
      duration: `${__ENV.DURATION_S || target.duration_s}s`,
      preAllocatedVUs: Math.min(64, target.max_in_flight),
      maxVUs: target.max_in_flight,
      exec: 'ingest',
    },
  },
  thresholds: thresholdsFor(SLO, 'ingest_http'),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function ingest() {
  const index = exec.scenario.iterationInTest;
  const device = DEVICES[index % DEVICES.length];
  const step = Math.floor(index / DEVICES.length);
  const body = JSON.stringify({
    deviceMn: device,
    commandCode: '2011',
    dataTime: new Date(EPOCH + step * 1000).toISOString(),
    measurements: FACTORS.map((factorCode, i) => ({ factorCode, kind: 'Rtd', value: 10 + i + (step % 7) / 10, flag: 'N' })),
  });
  const response = http.post(`${BASE_URL}/v1/observations`, body, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    tags: { name: 'POST /v1/observations' },
  });
  check(response, { 'status is 202': (r) => r.status === 202 });
}

export function handleSummary(data) {
  return { 'summary.json': JSON.stringify(data, null, 2) };
}
