// k6 run load-tests/k6/ingest-grpc.js -e GRPC_ADDRESS=127.0.0.1:50052 -e GATEWAY_TOKEN=… [-e DEVICES=MN1,MN2]
// The same scenario as `pnpm --filter @ecogrid/load-tests load -- ingest_grpc`; thresholds from ../slo.json.
import grpc from 'k6/net/grpc';
import { check } from 'k6';
import exec from 'k6/execution';
import { thresholdsFor, SUMMARY_TREND_STATS } from './lib/slo-thresholds.js';

const SLO = JSON.parse(open('../slo.json'));
const target = SLO.ingest_grpc;
const ADDRESS = __ENV.GRPC_ADDRESS || '127.0.0.1:50052';
const TOKEN = __ENV.GATEWAY_TOKEN || '';
const DEVICES = (__ENV.DEVICES || 'LOAD000000000001').split(',');
const FACTORS = ['a21026', 'a21002', 'a34013', 'a21005', 'a19001', 'a01012', 'a01013', 'a01014'];
const EPOCH = Date.now() - 40 * 24 * 3600 * 1000;

// The same protos the services are generated from (buf module root `proto/`).
const client = new grpc.Client();
client.load([__ENV.PROTO_ROOT || '../../proto'], 'ecogrid/ingest/v1/ingest.proto');

export const options = {
  scenarios: {
    ingest_grpc: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || target.rate),
      timeUnit: '1s',
      duration: `${__ENV.DURATION_S || target.duration_s}s`,
      preAllocatedVUs: Math.min(64, target.max_in_flight),
      maxVUs: target.max_in_flight,
      exec: 'ingest',
    },
  },
  thresholds: thresholdsFor(SLO, 'ingest_grpc'),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function ingest() {
  // One connection per VU, opened on its first iteration.
  if (exec.vu.iterationInScenario === 0) client.connect(ADDRESS, { plaintext: true });
  const index = exec.scenario.iterationInTest;
  const device = DEVICES[index % DEVICES.length];
  const step = Math.floor(index / DEVICES.length);
  const seconds = Math.floor((EPOCH + step * 1000) / 1000);
  const response = client.invoke(
    'ecogrid.ingest.v1.IngestService/SubmitObservations',
    {
      observations: [
        {
          deviceMn: device,
          commandCode: '2011',
          dataTime: { seconds, nanos: 0 },
          measurements: FACTORS.map((factorCode, i) => ({ factorCode, kind: 'VALUE_KIND_RTD', value: 10 + i + (step % 7) / 10, flag: 'N' })),
        },
      ],
    },
    { metadata: { authorization: `Bearer ${TOKEN}` } },
  );
  check(response, {
    'status is OK': (r) => r && r.status === grpc.StatusOK,
    'observation accepted': (r) => r && r.message && r.message.results && r.message.results.every((result) => result.accepted),
  });
}

export function handleSummary(data) {
  return { 'summary.json': JSON.stringify(data, null, 2) };
}
