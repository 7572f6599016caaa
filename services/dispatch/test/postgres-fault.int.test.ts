import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcHealth } from '@ecogrid/e2e';
import { recordTopics, startTcpProxy, waitFor, type TcpProxy, type TopicRecorder } from '@ecogrid/testkit';
import { api, createWorld, decodeCase, startDispatch, token, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';

interface Readiness {
  status: string;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

const ALL_READY: Readiness = { status: 'ready', checks: { postgres: { ok: true }, kafka: { ok: true }, registry: { ok: true }, alerts: { ok: true }, emergency: { ok: true } } };

describe('dispatch while PostgreSQL is unreachable: not ready on /readyz and grpc.health.v1, and back when it returns', () => {
  let world: DispatchWorld;
  let proxy: TcpProxy;
  let service: RunningDispatch;
  let recorder: TopicRecorder;

  const readyz = async (): Promise<{ status: number; body: Readiness }> => {
    const response = await fetch(`${service.adminUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as Readiness };
  };

  beforeAll(async () => {
    world = await createWorld('dispatch-pg-fault');
    recorder = await recordTopics(world.kafka, [world.topics.cases]);
    // The shared server stays up; only this service's way to it is cut.
    const database = new URL(world.databaseUrl);
    proxy = await startTcpProxy(database.hostname, Number(database.port || 5432));
    database.host = proxy.address;
    service = await startDispatch(world, { DATABASE_URL: database.toString() });
  });

  afterAll(async () => {
    await service?.process.stop();
    await proxy?.close();
    await recorder?.stop();
    await world?.close();
  });

  it('is ready with every dependency, and SERVING over gRPC', async () => {
    expect(await readyz()).toEqual({ status: 200, body: ALL_READY });
    await waitFor(async () => (await grpcHealth(service.grpcAddress, 'ecogrid.dispatch.v1.DispatchService')) === 'SERVING', { timeoutMs: 10_000, description: 'gRPC health SERVING' });
  });

  it('says 503 naming postgres, and NOT_SERVING, while the database cannot be reached', async () => {
    await proxy.cut();
    const down = await waitFor(
      async () => {
        const answer = await readyz();
        return answer.status === 503 ? answer.body : undefined;
      },
      { timeoutMs: 15_000, description: 'readiness to name PostgreSQL' },
    );
    // A reason code, never the driver's error text (it carries the address).
    expect(down).toEqual({ status: 'not_ready', checks: { ...ALL_READY.checks, postgres: { ok: false, reason: 'unreachable' } } });
    await waitFor(async () => (await grpcHealth(service.grpcAddress)) === 'NOT_SERVING', { timeoutMs: 10_000, description: 'gRPC health NOT_SERVING' });
    await waitFor(async () => (await grpcHealth(service.grpcAddress, 'ecogrid.dispatch.v1.DispatchService')) === 'NOT_SERVING', { timeoutMs: 10_000, description: 'the dispatch service NOT_SERVING' });
    // The API refuses without saying why in the driver's words.
    const refused = await api<{ error: { code: string; message: string } }>(service.baseUrl, 'GET', '/v1/cases', { token: await token('analyst') });
    expect(refused).toEqual({ status: 500, body: { error: { code: 'internal', message: 'internal error' } } });
  });

  it('is ready and SERVING again once the database is back, and works: a case created is stored and published', async () => {
    await proxy.restore();
    await waitFor(async () => (await readyz()).status === 200, { timeoutMs: 15_000, description: 'readiness back' });
    expect(await readyz()).toEqual({ status: 200, body: ALL_READY });
    await waitFor(async () => (await grpcHealth(service.grpcAddress, 'ecogrid.dispatch.v1.DispatchService')) === 'SERVING', { timeoutMs: 10_000, description: 'gRPC health SERVING again' });

    const created = await api<{ case: { id: string } }>(service.baseUrl, 'POST', '/v1/cases', {
      token: await token('dispatcher'),
      body: { case_type: 'dust', title: '数据库恢复后立案', location: { lon: 111.005, lat: 35.005 } },
    });
    expect(created.status).toBe(201);
    // The outbox relay lost its session with the cut; it must have taken the lease again to send this.
    const [registered] = await recorder.waitForCount(1, (message) => message.key === created.body.case.id, 30_000);
    expect(decodeCase(registered?.value ?? null)).toMatchObject({ caseId: created.body.case.id, action: 'registered' });
  });
});
