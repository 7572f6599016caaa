import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcHealth } from '@ecogrid/e2e';
import { TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import { createTestSchema, freePort, startServiceProcess, startTcpProxy, testEnvironment, uniqueTopicPrefix, waitFor, type ServiceProcess, type TcpProxy, type TestSchema } from '@ecogrid/testkit';

interface ReadinessReport {
  status: string;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

describe('registry readiness and gRPC health follow its dependencies', () => {
  let service: ServiceProcess;
  let schema: TestSchema;
  let proxy: TcpProxy;
  let readyz: string;
  let grpcAddress: string;

  beforeAll(async () => {
    const env = await testEnvironment();
    schema = await createTestSchema(env.databaseUrl, 'registry_ready');
    // The registry reaches the shared PostgreSQL through a hop the test can cut, never by stopping the server.
    const database = new URL(env.databaseUrl);
    proxy = await startTcpProxy(database.hostname, Number(database.port || 5432));
    const viaProxy = new URL(env.databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const adminPort = await freePort();
    grpcAddress = `127.0.0.1:${await freePort()}`;
    readyz = `http://127.0.0.1:${adminPort}/readyz`;
    service = await startServiceProcess({
      entry: resolve(__dirname, '../dist/main.js'),
      readyUrl: readyz,
      env: {
        KAFKA_BROKERS: env.kafkaBrokers,
        DATABASE_URL: viaProxy.toString(),
        REGISTRY_SCHEMA: schema.name,
        TOPIC_PREFIX: uniqueTopicPrefix('registry-ready'),
        GRPC_ADDRESS: grpcAddress,
        ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
        OUTBOX_POLL_MS: '100',
        STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
        LOG_LEVEL: 'warn',
      },
    });
  });

  afterAll(async () => {
    await service?.stop();
    await proxy?.close();
    await schema?.drop();
  });

  it('says not ready naming PostgreSQL, and NOT_SERVING over gRPC, while it is unreachable; stays alive; both come back', async () => {
    await waitFor(async () => (await grpcHealth(grpcAddress)) === 'SERVING', { timeoutMs: 10_000, description: 'gRPC health SERVING once ready' });
    await proxy.cut();
    const down = await waitFor(
      async () => {
        const response = await fetch(readyz);
        return response.status === 503 ? ((await response.json()) as ReadinessReport) : undefined;
      },
      { description: '/readyz to answer 503' },
    );
    expect(down).toEqual({ status: 'not_ready', checks: { postgres: { ok: false, reason: 'unreachable' }, kafka: { ok: true }, 'registry-view': { ok: true } } });
    await waitFor(async () => (await grpcHealth(grpcAddress)) === 'NOT_SERVING', { timeoutMs: 10_000, description: 'gRPC health NOT_SERVING' });
    expect(await grpcHealth(grpcAddress, 'ecogrid.registry.v1.RegistryService')).toBe('NOT_SERVING');
    expect((await fetch(readyz.replace('readyz', 'healthz'))).status).toBe(200);

    await proxy.restore();
    await waitFor(async () => (await fetch(readyz)).status === 200, { description: '/readyz to recover', timeoutMs: 30_000 }).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\n${JSON.stringify(await (await fetch(readyz)).json())}\n${service.output().slice(-3_000)}`);
    });
    await waitFor(async () => (await grpcHealth(grpcAddress, 'ecogrid.registry.v1.RegistryService')) === 'SERVING', { timeoutMs: 10_000, description: 'gRPC health SERVING again' });
    expect(service.output()).not.toMatch(/failed to start|Unhandled|uncaught/i);
  });
});
