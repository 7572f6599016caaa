import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { IngestServiceClient, type SubmitObservationsRequest, type SubmitObservationsResponse } from '@ecogrid/proto/ingest/v1/ingest';
import { ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { callUnary, createGrpcClient } from '@ecogrid/grpc';
import { grpcHealth, startIngestProcess, type IngestProcess } from '@ecogrid/e2e';
import { Device } from '@ecogrid/proto/registry/v1/entities';
import { ensureTopics } from '@ecogrid/kafka';
import { startPrivateKafka, startPrivateRedis, testKafka, uniqueRedisPrefix, waitFor, type PrivateServer, type ServiceProcess } from '@ecogrid/testkit';
import { CEMS } from './support/registry-fixtures';
import { publishDevices } from './support/registry-fixtures';
import { startDeviceFleet, type DeviceFleet } from './support/device-fleet';
import { compareAcknowledgedWithTopic } from './support/acknowledged-on-topic';

const DEVICES = Array.from({ length: 12 }, (_, index) => Device.create({ ...CEMS, mn: `FAULT${String(index).padStart(9, '0')}`, password: `pw-${index}` }));

/**
 * Fault tests on servers of their own (a private Kafka broker and Redis), so killing and restarting them
 * disturbs no other test. Each prints the counts it compared.
 */
describe('ingest under faults: every frame that got a 9014 is on ecogrid.readings.v1', () => {
  let kafka: PrivateServer;
  let redis: PrivateServer;
  let ingest: ServiceProcess | undefined;
  let fleet: DeviceFleet | undefined;
  let launched: IngestProcess | undefined;

  beforeAll(async () => {
    [kafka, redis] = await Promise.all([startPrivateKafka(), startPrivateRedis()]);
    const client = testKafka(kafka.url);
    await ensureTopics(client, {});
    // A broker that just started may refuse produce requests until partition leadership has settled.
    await waitFor(() => publishDevices(client, '', DEVICES).then(() => true), { timeoutMs: 60_000, intervalMs: 500, description: 'the devices on the private broker' });
  }, 180_000);

  afterEach(async () => {
    await fleet?.stop(1_000);
    await ingest?.kill9();
  });

  afterAll(async () => {
    await Promise.all([kafka?.destroy(), redis?.destroy()]);
  });

  /** Each test's observations get data times of their own, so one test's records on the topic are not another's. */
  const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * 3_600_000);

  /** Ingest on the private servers, on the same ports every time: the fleet reconnects to where it was. */
  const startIngest = async (): Promise<ServiceProcess> => {
    if (launched) return launched.restart();
    launched = await startIngestProcess({ kafkaBrokers: kafka.url, redisUrl: redis.url, topicPrefix: '', redisPrefix: uniqueRedisPrefix('ingest-faults'), env: { DEVICE_RATE_LIMIT_PER_S: '0', ADDRESS_RATE_LIMIT_PER_S: '0', LOG_LEVEL: 'error' } });
    return launched.service;
  };
  const readyz = (): Promise<Response> => fetch(`${launched?.adminUrl}/readyz`);
  const hj212Port = (): number => launched?.hj212Port ?? 0;

  /**
   * Reads the whole readings topic and compares it with what the devices were told was stored; returns how many
   * observations of this run are on the topic more than once.
   */
  const compare = async (label: string, acknowledged: ReadonlySet<string>): Promise<number> => {
    const { missing, twice, distinct, records } = await compareAcknowledgedWithTopic(kafka.url, acknowledged, label);
    const counts = fleet?.counts();
    console.log(
      `[fault: ${label}] sent ${counts?.sent} observations in ${counts?.transmissions} transmissions (${counts?.reconnects} reconnects); ` +
        `acknowledged ${acknowledged.size}; on the topic ${distinct} distinct in ${records} records; acknowledged but missing ${missing.length}; acknowledged and on the topic more than once ${twice}`,
    );
    expect(missing).toEqual([]);
    return twice;
  };

  const ackedAtLeast = (count: number, description: string) =>
    waitFor(() => (fleet?.counts().acknowledged ?? 0) >= count, { timeoutMs: 60_000, description });

  it('loses nothing acknowledged when ingest is killed with SIGKILL mid-stream and restarted', async () => {
    ingest = await startIngest();
    fleet = startDeviceFleet({ port: hj212Port(), devices: DEVICES, start: hoursAgo(6) });
    await ackedAtLeast(300, 'traffic before the crash');
    await ingest.kill9();
    const atCrash = fleet.counts().acknowledged;
    ingest = await startIngest();
    await ackedAtLeast(atCrash + 300, 'traffic after the restart');
    expect(fleet.counts().reconnects).toBeGreaterThanOrEqual(DEVICES.length);
    await fleet.stop();
    // Printed, not asserted: a frame stored whose 9014 died with the process is re-sent, and may be published again
    // when its "seen" mark had not been written yet; consumers drop it by observation id.
    await compare('kill -9 ingest', fleet.acknowledgedIds);
  });

  it('loses nothing acknowledged, and publishes nothing twice, when the Kafka broker is down for 30 s under HJ 212 load', { timeout: 240_000 }, async () => {
    ingest = await startIngest();
    fleet = startDeviceFleet({ port: hj212Port(), devices: DEVICES, start: hoursAgo(8) });
    await ackedAtLeast(300, 'traffic before the broker stops');
    await kafka.stop();
    const stoppedAt = Date.now();
    const whileDown = fleet.counts().acknowledged;
    const transmissionsAtStop = fleet.counts().transmissions;
    await waitFor(async () => (await readyz()).status === 503, { timeoutMs: 30_000, description: 'ingest to report not ready' });
    // The outage lasts 30 s by design (it is what is being survived, not a wait for a condition); meanwhile the
    // devices keep sending and re-sending, and nothing more may be acknowledged.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - stoppedAt))));
    const duringOutage = fleet.counts();
    // In flight when the broker stopped: at most one frame per device can still have been answered.
    expect(duringOutage.acknowledged - whileDown).toBeLessThanOrEqual(DEVICES.length);
    await kafka.start();
    const downForS = ((Date.now() - stoppedAt) / 1000).toFixed(1);
    await ackedAtLeast(whileDown + 300, 'traffic after the broker is back').catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; fleet ${JSON.stringify(fleet?.counts())}; ingest said:\n${ingest?.output().slice(-3_000)}`);
    });
    await fleet.stop();
    console.log(
      `[fault: Kafka down ${downForS} s] while down: ${duringOutage.transmissions - transmissionsAtStop} transmissions (re-sends included), ` +
        `${duringOutage.acknowledged - whileDown} acknowledged after the stop (in flight), readiness 503`,
    );
    const twice = await compare('Kafka down for 30 s', fleet.acknowledgedIds);
    expect(twice).toBe(0);
  });

  it('keeps ingesting, and says not ready naming Redis, while Redis is down', async () => {
    ingest = await startIngest();
    fleet = startDeviceFleet({ port: hj212Port(), devices: DEVICES, start: hoursAgo(10) });
    await ackedAtLeast(200, 'traffic before Redis stops');
    await redis.stop();
    const report = await waitFor(
      async () => {
        const response = await readyz();
        return response.status === 503 ? ((await response.json()) as { status: string; checks: Record<string, { ok: boolean; reason?: string }> }) : undefined;
      },
      { timeoutMs: 30_000, description: 'ingest to report Redis down' },
    );
    expect(report).toEqual({ status: 'not_ready', checks: { redis: { ok: false, reason: 'unreachable' }, kafka: { ok: true }, registry: { ok: true } } });
    // gRPC health follows the same report, for load balancers that ask over gRPC.
    await waitFor(async () => (await grpcHealth(launched?.grpcAddress ?? '')) === 'NOT_SERVING', { timeoutMs: 10_000, description: 'gRPC health NOT_SERVING' });
    const atStop = fleet.counts().acknowledged;
    await ackedAtLeast(atStop + 300, 'traffic without Redis');
    await redis.start();
    await waitFor(async () => (await readyz()).status === 200, { timeoutMs: 30_000, description: 'ingest ready again' });
    await waitFor(async () => (await grpcHealth(launched?.grpcAddress ?? '', 'ecogrid.ingest.v1.IngestService')) === 'SERVING', { timeoutMs: 10_000, description: 'gRPC health SERVING again' });
    await fleet.stop();
    await compare('Redis down', fleet.acknowledgedIds);
  });

  it('refuses at the door when the publisher queue is full: HTTP 503 with Retry-After, gRPC RESOURCE_EXHAUSTED; what it held is stored once the broker is back', { timeout: 240_000 }, async () => {
    const token = 'fault-gateway-token-0123456789';
    const small = await startIngestProcess({
      kafkaBrokers: kafka.url,
      redisUrl: redis.url,
      topicPrefix: '',
      redisPrefix: uniqueRedisPrefix('ingest-queue'),
      gatewayTokens: { fault: token },
      env: { PUBLISH_QUEUE_LIMIT: '3', ADDRESS_RATE_LIMIT_PER_S: '0', LOG_LEVEL: 'error' },
    });
    const client = createGrpcClient(IngestServiceClient, small.grpcAddress);
    const observation = (second: number) => ({ deviceMn: DEVICES[0]?.mn ?? '', dataTime: new Date(Date.now() - 12 * 3_600_000 + second * 1_000).toISOString(), measurements: [{ factorCode: 'a21026', value: 1 }] });
    const post = (body: unknown) =>
      fetch(`${small.httpUrl}/v1/observations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    try {
      await kafka.stop();
      await waitFor(async () => (await fetch(`${small.adminUrl}/readyz`)).status === 503, { timeoutMs: 30_000, description: 'not ready without Kafka' });
      // Three observations wait for the broker (held, not failed), which fills a queue of three.
      const held = [0, 1, 2].map((second) => post(observation(second)));
      await waitFor(async () => (await small.metric('ingest_publish_pending')) >= 3, { timeoutMs: 30_000, description: 'three events waiting for Kafka' });
      const refused = await post(observation(3));
      const refusedBody = (await refused.json()) as { error: { code: string } };
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      const grpcRefusal = (await callUnary<SubmitObservationsRequest, SubmitObservationsResponse>((request, options, callback) => client.submitObservations(request, metadata, options, callback), {
        observations: [{ deviceMn: DEVICES[0]?.mn ?? '', commandCode: '2011', dataTime: new Date(Date.now() - 12 * 3_600_000 + 4_000), measurements: [{ factorCode: 'a21026', kind: ValueKind.VALUE_KIND_RTD, value: 1, flag: 'N' }] }],
      }).catch((error: ServiceError) => error)) as ServiceError;
      await kafka.start();
      const answers = await Promise.all(held);
      console.log(
        `[fault: publisher queue full] limit 3, Kafka down: a 4th HTTP request got ${refused.status} ${refusedBody.error.code} (Retry-After ${refused.headers.get('retry-after')}), ` +
          `gRPC ${status[grpcRefusal.code]} ${String(grpcRefusal.metadata?.get('ecogrid-reason')[0] ?? '')}; the 3 held got ${answers.map((answer) => answer.status).join(', ')} once the broker was back`,
      );
      expect([refused.status, refusedBody.error.code, refused.headers.get('retry-after')]).toEqual([503, 'overloaded', '1']);
      expect([grpcRefusal.code, String(grpcRefusal.metadata?.get('ecogrid-reason')[0] ?? '')]).toEqual([status.RESOURCE_EXHAUSTED, 'overloaded']);
      expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    } finally {
      client.close();
      await small.service.stop();
    }
  });
});

