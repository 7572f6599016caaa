import { telemetry } from './telemetry';
import { createServer } from 'node:http';
import { createEventPublisher, createKafka, topicNames } from '@ecogrid/kafka';
import { createGrpcServer } from '@ecogrid/grpc';
import { createRegistryView } from '@ecogrid/registry-view';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { loadConfig, splitHostPort } from './config';
import { createDispatchApp } from './app';
import { createPgApiKeyStore, createPgCaseStore, createPool } from './adapters/postgres/pg-case-store';
import { migrate } from './adapters/postgres/migrations';
import { createOutboxRelay } from './adapters/postgres/outbox-relay';
import { encodeCaseChanged } from './adapters/kafka/case-changed';
import { createAlertConsumer } from './adapters/kafka/alert-consumer';
import { createRegistryGridDirectory } from './adapters/registry/registry-grid-directory';
import { createBearerTokens } from './adapters/auth/bearer-tokens';
import { createHttpApp } from './adapters/http/http-app';
import { createDispatchGrpcService } from './adapters/grpc/dispatch-grpc-service';
import { createDependencyHealth } from '@ecogrid/telemetry';
import { startTimerLoop } from './adapters/scheduling/timer-loop';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const topics = topicNames(config.TOPIC_PREFIX);

  const pool = createPool(config.DATABASE_URL, config.DISPATCH_SCHEMA);
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL client failed'));
  const applied = await migrate(pool, config.DISPATCH_SCHEMA);
  if (applied.length > 0) logger.info({ applied, schema: config.DISPATCH_SCHEMA }, 'migrations applied');
  const apiKeys = createPgApiKeyStore(pool);
  if (config.OPEN311_DEV_API_KEY) await apiKeys.register(config.OPEN311_DEV_API_KEY, 'development');

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  await publisher.connect();
  const admin = kafka.admin();
  await admin.connect();

  const registry = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, groupPrefix: `${config.TOPIC_PREFIX}dispatch-registry-view` });
  await registry.start();

  const notifyChannel = `${config.DISPATCH_SCHEMA}_outbox`;
  const store = createPgCaseStore({ pool, encodeChange: encodeCaseChanged });
  const app = createDispatchApp(
    {
      store,
      grid: createRegistryGridDirectory(registry),
      clock: { now: () => new Date() },
      policy: config.policy,
      timeScale: config.DEADLINE_TIME_SCALE,
      caseIdPrefix: config.CASE_ID_PREFIX,
      sensitiveRadiusM: config.SENSITIVE_TARGET_RADIUS_M,
    },
    { evidenceMaxBytes: config.EVIDENCE_MAX_BYTES },
  );

  const relay = createOutboxRelay({ databaseUrl: config.DATABASE_URL, schema: config.DISPATCH_SCHEMA, publisher, topic: topics.cases, notifyChannel, logger, pollMs: config.OUTBOX_POLL_MS });
  relay.start();
  const timers = startTimerLoop({ fire: app.fireDueTimers, pollMs: config.TIMER_POLL_MS, logger });
  const alerts = createAlertConsumer({ kafka, topic: topics.alerts, groupId: `${config.TOPIC_PREFIX}${config.CONSUMER_GROUP}`, handle: app.handleAlertChanged, deadLetters: publisher, logger });
  // Joining the group can take a session timeout after a crash (the dead member must expire first); the
  // API, the timers and the outbox do not wait for it.
  alerts.start().then(
    () => logger.info({ topic: topics.alerts }, 'alert consumer joined'),
    (error: unknown) => {
      logger.fatal({ err: error }, 'alert consumer could not start');
      process.exit(1);
    },
  );

  const tokens = createBearerTokens(config.DISPATCH_TOKEN_SECRET);
  const health = createDependencyHealth([
    { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
    { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topics.cases, topics.alerts] })) },
    {
      name: 'registry',
      check: async () => {
        if (!registry.ready) throw new Error('registry view not caught up');
      },
    },
  ]);
  const grpc = createGrpcServer({ services: [createDispatchGrpcService(app, tokens, logger)], logger });
  await grpc.listen(config.GRPC_ADDRESS);
  grpc.setServing(true);

  const http = createServer(createHttpApp({ app, tokens, apiKeys, health, handleMetrics: telemetry.handleMetrics, logger, evidenceMaxBytes: config.EVIDENCE_MAX_BYTES }));
  http.keepAliveTimeout = 65_000;
  const { host, port } = splitHostPort(config.HTTP_ADDRESS);
  await new Promise<void>((resolve) => http.listen(port, host, resolve));
  logger.info({ http: config.HTTP_ADDRESS, grpc: config.GRPC_ADDRESS, schema: config.DISPATCH_SCHEMA }, 'dispatch ready');

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      { name: 'grpc health', run: () => grpc.setServing(false) },
      // A consumer still waiting to join its group cannot leave politely; do not let it hold the shutdown.
      { name: 'alerts consumer', run: () => alerts.stop(), timeoutMs: 3_000 },
      { name: 'deadline timers', run: () => timers.stop() },
      { name: 'http', run: () => new Promise<void>((resolve) => http.close(() => resolve())) },
      { name: 'grpc', run: () => grpc.shutdown(config.SHUTDOWN_GRACE_MS) },
      { name: 'outbox relay', run: () => relay.stop() },
      { name: 'registry view', run: () => registry.stop(), timeoutMs: 3_000 },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'postgres', run: () => pool.end() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

main().catch(exitOnStartFailure('dispatch'));
