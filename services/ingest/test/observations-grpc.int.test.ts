import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { IngestServiceClient, type StreamObservationsResponse, type SubmitObservationsRequest, type SubmitObservationsResponse } from '@ecogrid/proto/ingest/v1/ingest';
import { ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { callUnary, createGrpcClient } from '@ecogrid/grpc';
import { recordTopics, testEnvironment, type TopicRecorder } from '@ecogrid/testkit';
import { observationMemoryContract } from '../src/app/testing/observation-memory.contract';
import { createRedisObservationMemory } from '../src/adapters/redis/redis-observation-memory';
import { CEMS } from './support/registry-fixtures';
import { GATEWAY_TOKEN, startIngest, type RunningIngest } from './support/start-ingest';

function gatewayMetadata(): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${GATEWAY_TOKEN}`);
  return metadata;
}

const observation = (minute: number, value = 20) => ({
  deviceMn: CEMS.mn,
  commandCode: '2051',
  dataTime: new Date(Date.UTC(2026, 10, 29, 6, minute)),
  measurements: [{ factorCode: 'a21026', kind: ValueKind.VALUE_KIND_AVG, value, flag: 'N' }],
});

describe('ingest: gRPC SubmitObservations and StreamObservations', () => {
  let ingest: RunningIngest;
  let recorder: TopicRecorder;
  let client: IngestServiceClient;

  beforeAll(async () => {
    ingest = await startIngest('ingest-grpc', [CEMS]);
    recorder = await recordTopics(ingest.kafka, [ingest.topics.readings]);
    client = createGrpcClient(IngestServiceClient, ingest.grpcAddress);
  });

  afterAll(async () => {
    client?.close();
    await ingest?.service.stop();
    await recorder?.stop();
  });

  const submit = (request: SubmitObservationsRequest, metadata = gatewayMetadata()) =>
    callUnary<SubmitObservationsRequest, SubmitObservationsResponse>((req, options, callback) => client.submitObservations(req, metadata, options, callback), request);

  it('answers a batch item by item and stores the accepted ones', async () => {
    const response = await submit({ observations: [observation(1), { ...observation(2), deviceMn: 'NOBODY01' }, { ...observation(3), measurements: [] }] });
    expect(response.results.map((result) => [result.accepted, result.reasonCode, result.field])).toEqual([
      [true, '', ''],
      [false, 'unknown_device', 'observations[1].deviceMn'],
      [false, 'missing_field', 'observations[2].measurements'],
    ]);
    const [record] = await recorder.waitForCount(1, (message) => message.headers.ce_id === response.results[0]?.observationId);
    expect(record?.key).toBe(CEMS.mn);
  });

  it('refuses a call without credentials as UNAUTHENTICATED', async () => {
    const error = (await submit({ observations: [observation(4)] }, new Metadata()).catch((caught: ServiceError) => caught)) as ServiceError;
    expect(error.code).toBe(status.UNAUTHENTICATED);
  });

  it('takes a client stream and summarises accepted, rejected and duplicate items', async () => {
    const summary = await new Promise<StreamObservationsResponse>((resolve, reject) => {
      const call = client.streamObservations(gatewayMetadata(), { deadline: Date.now() + 20_000 }, (error, response) => (error ? reject(error) : resolve(response)));
      for (let minute = 10; minute < 460; minute += 1) call.write({ observation: observation(minute % 60, minute) });
      call.write({ observation: { ...observation(5), deviceMn: 'NOBODY01' } });
      call.end();
    });
    // 450 writes over 60 distinct minutes: 60 new observations (minus any already stored), the rest repeats.
    expect(summary.rejected).toBe(1);
    expect(summary.rejections[0]).toMatchObject({ index: 450, reasonCode: 'unknown_device' });
    expect(summary.accepted + summary.duplicates).toBe(450);
    expect(summary.accepted).toBeLessThanOrEqual(60);
    expect(summary.duplicates).toBeGreaterThanOrEqual(390);
  });
});

observationMemoryContract('Redis adapter (real Redis)', async () => {
  const environment = await testEnvironment();
  const redis = new Redis(environment.redisUrl);
  return createRedisObservationMemory({ redis, prefix: `t:memory:${Math.random().toString(36).slice(2)}:` });
});
