import { telemetry } from './telemetry';
import { createServer } from 'node:http';
import { createEventPublisher, createKafka, kafkaCredentialsFrom, topicNames } from '@ecogrid/kafka';
import { createAuthInterceptor, createGrpcServer } from '@ecogrid/grpc';
import { verifierFromSettings } from '@ecogrid/staff-auth';
import { createOutboxRelay } from '@ecogrid/outbox';
import { createServicePool } from '@ecogrid/postgres';
import { createRegistryView } from '@ecogrid/registry-view';
import { closeHttp, conditionCheck, consumerGroupName, createAdminHttp, createDependencyHealth, followHealth, listenHttp, systemClock } from '@ecogrid/service-kit';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { loadConfig } from './config';
import { createDispatchApp } from './app';
import { createPgApiKeyStore, createPgCaseStore } from './adapters/postgres/pg-case-store';
import { migrateDispatchSchema } from './adapters/postgres/dispatch-schema';
import { encodeCaseChanged } from './adapters/kafka/case-changed';
import { createAlertConsumer } from './adapters/kafka/alert-consumer';
import { createEmergencyConsumer } from './adapters/kafka/emergency-consumer';
import { createRegistryGridDirectory } from './adapters/registry/registry-grid-directory';
import { DISPATCH_GRPC_ACCESS } from './adapters/grpc/dispatch-access';
import { createHttpApp } from './adapters/http/http-app';
import { createDispatchGrpcService } from './adapters/grpc/dispatch-grpc-service';
import { startTimerLoop } from './adapters/scheduling/timer-loop';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  // Before anything connects: a published token secret stops the start here (unless development or test).
  const verifier = verifierFromSettings(config);
  const topics = topicNames(config.TOPIC_PREFIX);

  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.DISPATCH_SCHEMA, applicationName: `ecogrid-${config.SERVICE_NAME}`, logger });
  await migrateDispatchSchema({ pool, schema: config.DISPATCH_SCHEMA, logger });
  const apiKeys = createPgApiKeyStore(pool);
  if (config.OPEN311_DEV_API_KEY) await apiKeys.register(config.OPEN311_DEV_API_KEY, 'development');

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger, credentials: kafkaCredentialsFrom(config) });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  await publisher.connect();
  const admin = kafka.admin();
  await admin.connect();

  const registry = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, groupPrefix: consumerGroupName(config.TOPIC_PREFIX, 'dispatch', 'registry-view') });
  await registry.start();

  const relay = createOutboxRelay({ pool, schema: config.DISPATCH_SCHEMA, publisher, kafka, logger, pollMs: config.OUTBOX_POLL_MS, readBackGroup: consumerGroupName(config.TOPIC_PREFIX, 'dispatch', 'outbox-reconcile') });
  const store = createPgCaseStore({ pool, casesTopic: topics.cases, chainKey: config.historyKeys.current, encodeChange: encodeCaseChanged, onEventsCommitted: () => relay.nudge(), notifyRelays: () => !relay.isLeader });
  const app = createDispatchApp(
    {
      store,
      grid: createRegistryGridDirectory(registry),
      clock: systemClock,
      policy: config.policy,
      timeScale: config.DEADLINE_TIME_SCALE,
      caseIdPrefix: config.CASE_ID_PREFIX,
      historyKeys: config.historyKeys,
      sensitiveRadiusM: config.SENSITIVE_TARGET_RADIUS_M,
    },
    { evidenceMaxBytes: config.EVIDENCE_MAX_BYTES },
  );

  relay.start();
  const timers = startTimerLoop({ fire: app.fireDueTimers, pollMs: config.TIMER_POLL_MS, logger });
  const databaseReachable = (): Promise<boolean> =>
    pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
  const alerts = createAlertConsumer({
    kafka,
    topic: topics.alerts,
    groupId: consumerGroupName(config.TOPIC_PREFIX, 'dispatch', 'alerts'),
    sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
    handle: app.handleAlertChanged,
    deadLetters: publisher,
    logger,
    databaseReachable,
  });
  // The cases the emergency service asks for (reduction breaches, plan tasks): a group of its own, so a backlog of
  // alerts never delays a plan task, nor the other way round.
  const emergency = createEmergencyConsumer({
    kafka,
    topic: topics.emergency,
    groupId: consumerGroupName(config.TOPIC_PREFIX, 'dispatch', 'emergency'),
    sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
    handle: app.handleEmergencyCaseRequest,
    deadLetters: publisher,
    logger,
    databaseReachable,
  });
  // Joining the group can take a session timeout after a crash (the dead member must expire first); the API, the
  // timers and the outbox do not wait for it, but readiness does.
  for (const [name, consumer, topic] of [['alert', alerts, topics.alerts], ['emergency', emergency, topics.emergency]] as const) {
    consumer.start().then(
      () => logger.info({ topic }, `${name} consumer joined`),
      (error: unknown) => {
        logger.fatal({ err: error }, `${name} consumer could not start`);
        process.exit(1);
      },
    );
  }

  const health = createDependencyHealth(
    [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topics.cases, topics.alerts, topics.emergency] })) },
      conditionCheck('registry', 'not_caught_up', () => registry.ready, 'registry view not caught up'),
      conditionCheck('alerts', 'not_in_group', () => alerts.joined, 'the alerts consumer is not in its group'),
      conditionCheck('emergency', 'not_in_group', () => emergency.joined, 'the emergency consumer is not in its group'),
    ],
    { logger },
  );

  const grpc = createGrpcServer({
    services: [createDispatchGrpcService(app, logger)],
    logger,
    interceptors: [createAuthInterceptor({ verifier, policy: DISPATCH_GRPC_ACCESS, logger })],
  });
  await grpc.listen(config.GRPC_ADDRESS);
  const http = createServer(createHttpApp({ app, verifier, apiKeys, logger, evidenceMaxBytes: config.EVIDENCE_MAX_BYTES }));
  http.keepAliveTimeout = 65_000;
  await listenHttp(http, config.HTTP_ADDRESS);
  const adminHttp = createAdminHttp({ health, handleMetrics: telemetry.handleMetrics, logger });
  await listenHttp(adminHttp, config.ADMIN_HTTP_ADDRESS);
  // grpc.health.v1 follows the dependencies, as /readyz does.
  const healthFollower = followHealth(health, (serving) => grpc.setServing(serving));
  logger.info({ http: config.HTTP_ADDRESS, grpc: config.GRPC_ADDRESS, admin: config.ADMIN_HTTP_ADDRESS, schema: config.DISPATCH_SCHEMA }, 'dispatch listening');

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      { name: 'health follower', run: () => healthFollower.stop() },
      { name: 'grpc health', run: () => grpc.setServing(false) },
      // A consumer still waiting to join its group cannot leave politely; do not let it hold the shutdown.
      { name: 'alerts consumer', run: () => alerts.stop(), timeoutMs: 3_000 },
      { name: 'emergency consumer', run: () => emergency.stop(), timeoutMs: 3_000 },
      { name: 'deadline timers', run: () => timers.stop() },
      { name: 'listeners', run: () => Promise.all([closeHttp(http), grpc.shutdown(config.SHUTDOWN_GRACE_MS)]) },
      { name: 'outbox relay', run: () => relay.stop() },
      { name: 'registry view', run: () => registry.stop(), timeoutMs: 3_000 },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'postgres', run: () => pool.end() },
      { name: 'admin http', run: () => closeHttp(adminHttp) },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

main().catch(exitOnStartFailure('dispatch'));
