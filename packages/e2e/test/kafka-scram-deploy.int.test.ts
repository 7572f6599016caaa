import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventPublisher, createKafka, kafkaCredentialsFrom, topicNames } from '@ecogrid/kafka';
import { createLogger } from '@ecogrid/telemetry';
import { freePort } from '@ecogrid/testkit';
import { ROOT } from '../src/index';

const run = promisify(execFile);
const KAFKA_SH = resolve(ROOT, 'deploy/local/kafka/kafka.sh');
const logger = createLogger({ service: 'kafka-scram-deploy-test', level: 'silent' });

/** `NAME=value NAME=value` as kafka.sh prints it, as an environment. */
const settings = (line: string): Record<string, string> => Object.fromEntries(line.trim().split(/\s+/).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));

/**
 * The deploy script's secured mode, as an operator runs it: `KAFKA_SECURITY=scram kafka.sh start` formats the
 * storage with a SCRAM user per service, the topics are created and the ACLs granted with the project's own CLIs
 * as the admin user, and a service's user then gets exactly its ACLs. A second broker on ports of its own, beside
 * the one the other tests use.
 */
describe('kafka.sh with KAFKA_SECURITY=scram', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'ecogrid-kafka-scram-'));
  let env: NodeJS.ProcessEnv;
  let brokers = '';

  beforeAll(async () => {
    const [port, controllerPort] = [await freePort(), await freePort()];
    brokers = `127.0.0.1:${port}`;
    env = { ...process.env, KAFKA_SECURITY: 'scram', KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_STATE_DIR: stateDir, KAFKA_BROKERS: brokers };
    for (const name of ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'TOPIC_PREFIX']) delete env[name];
    await run('bash', [KAFKA_SH, 'start'], { env, timeout: 240_000 });
  }, 300_000);

  afterAll(async () => {
    await run('bash', [KAFKA_SH, 'stop'], { env, timeout: 120_000 }).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('formats SCRAM users, refuses anonymous clients, and grants a service exactly its topics', async () => {
    const credentials = async (user: string) => settings((await run('bash', [KAFKA_SH, 'credentials', user], { env })).stdout);
    const admin = await credentials('admin');
    const alerting = await credentials('alerting');
    expect(alerting.KAFKA_SASL_USERNAME).toBe('alerting');
    expect(alerting.KAFKA_SASL_PASSWORD).not.toBe(admin.KAFKA_SASL_PASSWORD);
    // Only root may read the passwords.
    expect(statSync(join(stateDir, 'scram-credentials')).mode & 0o077).toBe(0);

    const anonymous = createKafka({ brokers, clientId: 'anonymous', logger }).admin();
    let anonymousOutcome = 'ok';
    try {
      await anonymous.connect();
      await anonymous.listTopics();
    } catch (error) {
      anonymousOutcome = (error as Error).name;
    } finally {
      await anonymous.disconnect();
    }
    expect(anonymousOutcome).not.toBe('ok');

    const topicsRun = await run(process.execPath, [resolve(ROOT, 'packages/kafka/dist/cli/ensure-topics.js')], { env: { ...env, ...admin }, timeout: 120_000 });
    const grantRun = await run(process.execPath, [resolve(ROOT, 'packages/kafka/dist/cli/kafka-acls.js'), 'grant', 'alerting'], { env: { ...env, ...admin }, timeout: 120_000 });
    expect(grantRun.stdout).toMatch(/^User:alerting: \d+ ACLs enforced/m);

    const kafka = createKafka({ brokers, clientId: 'alerting', logger, credentials: kafkaCredentialsFrom(alerting) });
    const publisher = createEventPublisher({ kafka, source: '/ecogrid/alerting' });
    await publisher.connect();
    const topics = topicNames('');
    const send = (topic: string) =>
      publisher.publish({ topic, key: 'k', value: Buffer.from('x'), type: 'test.v1.Thing' }).then(
        () => 'ok',
        (error: { type?: string; originalError?: { type?: string }; cause?: { type?: string } }) => error.type ?? error.originalError?.type ?? error.cause?.type ?? 'error',
      );
    const own = await send(topics.alerts);
    const others = await send(topics.cases);
    await publisher.disconnect();
    process.stdout.write(
      `kafka.sh scram: ${topicsRun.stdout.trim()}; ${grantRun.stdout.trim()}; anonymous client: ${anonymousOutcome}; alerting → ${topics.alerts}: ${own}, → ${topics.cases}: ${others}\n`,
    );
    expect(own).toBe('ok');
    expect(others).not.toBe('ok');

    // A storage formatted for SCRAM is never started as an open broker by mistake.
    await run('bash', [KAFKA_SH, 'stop'], { env, timeout: 120_000 });
    const plaintext = await run('bash', [KAFKA_SH, 'start'], { env: { ...env, KAFKA_SECURITY: 'plaintext' }, timeout: 120_000 }).then(
      () => 'started',
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    expect(plaintext).toMatch(/formatted for KAFKA_SECURITY=scram, not plaintext/);
  }, 300_000);
});
