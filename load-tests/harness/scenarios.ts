import { cpus } from 'node:os';
import { grpcObservationSender } from './grpc-client';
import { openHj212Fleet } from './hj212-client';
import { httpObservationSender } from './http-client';
import type { IngestUnderLoad } from './ingest-under-load';
import { runOpenModel, toK6Summary, type OpenModelResult } from './open-model';
import type { K6Summary } from './k6-summary';
import type { ScenarioSlo } from './slo';

export const SCENARIOS = ['ingest_http', 'ingest_grpc', 'hj212_tcp'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioRun {
  result: OpenModelResult;
  summary: K6Summary;
}

/** Said in every summary: the numbers come from a machine where generator, server and Kafka share the cores. */
export const MACHINE_NOTE = `${cpus().length} cores shared by the load generator, ingest (separate processes), Kafka and Redis`;

/** DataTimes of warm-up requests lie this many steps (seconds) after the measured ones, so neither repeats the other. */
const WARM_UP_STEPS = 1_500_000;

/**
 * Not measured: one request per device first, answered, so connections, JIT and the service's first produce
 * (metadata, producer id) are behind us. A fresh ingest otherwise holds its first frames for seconds.
 */
async function warmUp(count: number, send: (index: number) => Promise<boolean>): Promise<void> {
  const results = await Promise.all(Array.from({ length: count }, (_, index) => send(index)));
  const failed = results.filter((ok) => !ok).length;
  if (failed > count / 10) throw new Error(`warm-up: ${failed} of ${count} requests failed; is ingest healthy?`);
}

/**
 * Runs one scenario of slo.json (rate, duration and in-flight cap overridable) against a running ingest, open
 * model, and returns the result with its k6-shaped summary. `stepOffset` keeps DataTimes distinct when
 * several runs go to the same ingest.
 */
export async function runScenario(name: ScenarioName, target: ScenarioSlo, ingest: IngestUnderLoad, stepOffset = 0): Promise<ScenarioRun> {
  const base = { rate: target.rate, durationS: target.duration_s, maxInFlight: target.max_in_flight };
  let result: OpenModelResult;
  let detail: Record<string, unknown>;
  switch (name) {
    case 'hj212_tcp': {
      const devices = ingest.devices.slice(0, target.connections ?? ingest.devices.length);
      const fleet = await openHj212Fleet(ingest.hj212Port, devices, { stepOffset });
      await warmUp(devices.length, fleet.send);
      result = await runOpenModel({ ...base, send: fleet.send, canSend: fleet.canSend });
      await fleet.close();
      detail = { connections: devices.length };
      break;
    }
    case 'ingest_http': {
      const sender = httpObservationSender(ingest.httpUrl, ingest.gatewayToken, ingest.devices, { connections: target.max_in_flight, stepOffset });
      await warmUp(ingest.devices.length, httpObservationSender(ingest.httpUrl, ingest.gatewayToken, ingest.devices, { connections: 16, stepOffset: stepOffset + WARM_UP_STEPS }).send);
      result = await runOpenModel({ ...base, send: sender.send });
      sender.close();
      detail = { connections: target.max_in_flight };
      break;
    }
    case 'ingest_grpc': {
      const sender = grpcObservationSender(ingest.grpcAddress, ingest.gatewayToken, ingest.devices, { channels: 8, stepOffset });
      await warmUp(ingest.devices.length, grpcObservationSender(ingest.grpcAddress, ingest.gatewayToken, ingest.devices, { channels: 1, stepOffset: stepOffset + WARM_UP_STEPS }).send);
      result = await runOpenModel({ ...base, send: sender.send });
      sender.close();
      detail = { channels: 8 };
      break;
    }
  }
  return { result, summary: toK6Summary(name, result, { targetRate: target.rate, machine: MACHINE_NOTE, ...detail }) };
}
