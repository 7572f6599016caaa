import { createServer, connect, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, freePort, startServiceProcess, testEnvironment, uniqueTopicPrefix, waitFor, type ServiceProcess, type TestSchema } from '@ecogrid/testkit';

/** A TCP pass-through we can cut and restore, to take PostgreSQL away from the service and give it back. */
function tcpProxy(listenPort: number, target: { host: string; port: number }) {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const open = (): Promise<void> =>
    new Promise((ready, fail) => {
      if (server?.listening) return ready();
      server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', fail);
      server.listen(listenPort, '127.0.0.1', ready);
    });
  const cut = (): Promise<void> =>
    new Promise((done) => {
      for (const socket of sockets) socket.destroy();
      server?.close(() => done());
    });
  return { open, cut };
}

describe('registry readiness follows its dependencies', () => {
  let service: ServiceProcess;
  let schema: TestSchema;
  let proxy: ReturnType<typeof tcpProxy>;
  let readyz: string;

  beforeAll(async () => {
    const env = await testEnvironment();
    schema = await createTestSchema(env.databaseUrl, 'registry_ready');
    const database = new URL(env.databaseUrl);
    const proxyPort = await freePort();
    proxy = tcpProxy(proxyPort, { host: database.hostname, port: Number(database.port || 5432) });
    await proxy.open();
    const viaProxy = new URL(env.databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxyPort);
    const [grpcPort, adminPort] = [await freePort(), await freePort()];
    readyz = `http://127.0.0.1:${adminPort}/readyz`;
    service = await startServiceProcess({
      entry: resolve(__dirname, '../dist/main.js'),
      readyUrl: readyz,
      env: {
        KAFKA_BROKERS: env.kafkaBrokers,
        DATABASE_URL: viaProxy.toString(),
        REGISTRY_SCHEMA: schema.name,
        TOPIC_PREFIX: uniqueTopicPrefix('registry-ready'),
        GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
        ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
        OUTBOX_POLL_MS: '100',
        LOG_LEVEL: 'warn',
      },
    });
  });

  afterAll(async () => {
    await service?.stop();
    await proxy?.cut();
    await schema?.drop();
  });

  it('answers 503 naming PostgreSQL while it is unreachable, stays alive, and is ready again once it is back', async () => {
    await proxy.cut();
    const down = await waitFor(
      async () => {
        const response = await fetch(readyz);
        return response.status === 503 ? ((await response.json()) as { checks: Record<string, { ok: boolean }> }) : undefined;
      },
      { description: '/readyz to answer 503' },
    );
    expect(down.checks.postgres?.ok).toBe(false);
    expect(down.checks.kafka?.ok).toBe(true);
    expect((await fetch(readyz.replace('readyz', 'healthz'))).status).toBe(200);
    await proxy.open();
    await waitFor(async () => (await fetch(readyz)).status === 200, { description: '/readyz to recover', timeoutMs: 30_000 }).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}\n${JSON.stringify(await (await fetch(readyz)).json())}\n${service.output().slice(-3_000)}`);
    });
    expect(service.output()).not.toMatch(/failed to start|Unhandled|uncaught/i);
  });
});
