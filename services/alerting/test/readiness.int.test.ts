import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcHealth } from '@ecogrid/e2e';
import { ensureTopics } from '@ecogrid/kafka';
import { createTestSchema, startTcpProxy, testEnvironment, testKafka, uniqueTopicPrefix, waitFor, type TcpProxy, type TestSchema } from '@ecogrid/testkit';
import { startAlerting, type AlertingProcess } from './fixtures';

interface Readiness {
  status: string;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

describe('alerting: readiness and gRPC health follow PostgreSQL', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let alerting: AlertingProcess;

  beforeAll(async () => {
    const env = await testEnvironment();
    const prefix = uniqueTopicPrefix('alerting-ready');
    await ensureTopics(testKafka(env.kafkaBrokers), { prefix });
    schema = await createTestSchema(env.databaseUrl, 'alerting_ready');
    const database = new URL(env.databaseUrl);
    proxy = await startTcpProxy(database.hostname, Number(database.port || 5432));
    database.host = proxy.address;
    alerting = await startAlerting({ KAFKA_BROKERS: env.kafkaBrokers, DATABASE_URL: database.toString(), ALERTING_SCHEMA: schema.name, TOPIC_PREFIX: prefix });
  });

  afterAll(async () => {
    await alerting?.service.stop();
    await proxy?.close();
    await schema?.drop();
  });

  const readyz = async (): Promise<{ status: number; body: Readiness }> => {
    const response = await fetch(`${alerting.adminUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as Readiness };
  };

  it('is ready and SERVING, then not ready naming postgres and NOT_SERVING while PostgreSQL is unreachable, then both again', async () => {
    expect((await readyz()).status).toBe(200);
    await waitFor(async () => (await grpcHealth(alerting.grpcAddress, 'ecogrid.alerting.v1.AlertingService')) === 'SERVING', { description: 'SERVING' });

    await proxy.cut();
    const down = await waitFor(async () => {
      const answer = await readyz();
      return answer.status === 503 ? answer.body : undefined;
    }, { timeoutMs: 15_000, description: '/readyz to say PostgreSQL is down' });
    expect(down.checks.postgres).toEqual({ ok: false, reason: 'unreachable' });
    expect(down.checks.kafka).toEqual({ ok: true });
    expect(JSON.stringify(down)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    await waitFor(async () => (await grpcHealth(alerting.grpcAddress, 'ecogrid.alerting.v1.AlertingService')) === 'NOT_SERVING', { timeoutMs: 10_000, description: 'NOT_SERVING' });

    await proxy.restore();
    await waitFor(async () => (await readyz()).status === 200, { timeoutMs: 20_000, description: '/readyz 200 again' });
    await waitFor(async () => (await grpcHealth(alerting.grpcAddress, 'ecogrid.alerting.v1.AlertingService')) === 'SERVING', { timeoutMs: 10_000, description: 'SERVING again' });
  });
});
