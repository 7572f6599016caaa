import { telemetry } from './telemetry';
import { createEventPublisher, createKafka, kafkaCredentialsFrom, topicNames } from '@ecogrid/kafka';
import { createAuthInterceptor, createGrpcServer } from '@ecogrid/grpc';
import { createOutboxRelay } from '@ecogrid/outbox';
import { createServicePool } from '@ecogrid/postgres';
import { createRegistryView } from '@ecogrid/registry-view';
import { closeHttp, conditionCheck, consumerGroupName, createAdminHttp, createDependencyHealth, followHealth, listenHttp } from '@ecogrid/service-kit';
import { verifierFromSettings } from '@ecogrid/staff-auth';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { clockOf, loadConfig } from './config';
import { migrateEmergencySchema } from './adapters/postgres/emergency-schema';
import type { EmergencyContext, EmergencyPart } from './wiring/emergency-part';
import { registerIncidents } from './wiring/register-incidents';
import { registerWarnings } from './wiring/register-warnings';
import { registerEarlyWarning } from './wiring/register-early-warning';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const topics = topicNames(config.TOPIC_PREFIX);
  const clock = clockOf(config);
  // Before anything connects: a missing token setting is a configuration error, not a half-started service.
  const verifier = verifierFromSettings(config);

  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.EMERGENCY_SCHEMA, max: config.PG_POOL_SIZE, applicationName: `ecogrid-${config.SERVICE_NAME}`, logger });
  await migrateEmergencySchema({ pool, schema: config.EMERGENCY_SCHEMA, logger });

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger, credentials: kafkaCredentialsFrom(config) });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  const admin = kafka.admin();
  await Promise.all([publisher.connect(), admin.connect()]);

  // Enterprises with their outlets and cells (warnings), targets and officers (incidents), devices (all parts).
  const registry = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, entities: ['cell', 'device', 'enterprise', 'officer', 'target'], groupPrefix: consumerGroupName(config.TOPIC_PREFIX, 'emergency', 'registry-view') });
  // One relay for every part: each writes its events into the same outbox table inside its own transactions.
  const relay = createOutboxRelay({ pool, schema: config.EMERGENCY_SCHEMA, publisher, kafka, logger, pollMs: config.OUTBOX_POLL_MS, readBackGroup: consumerGroupName(config.TOPIC_PREFIX, 'emergency', 'outbox-reconcile') });

  const context: EmergencyContext = { config, logger, clock, pool, kafka, publisher, relay, registry, topics };
  // The parts of the service, each with its own gRPC service, access table and consumers.
  const parts: EmergencyPart[] = [
    registerWarnings(context),
    registerIncidents(context),
    registerEarlyWarning(context),
  ];
  const consumers = parts.flatMap((part) => part.consumers);
  // Started after every part has registered, so the parts' registry listeners see the initial load too.
  await registry.start();
  relay.start();

  const health = createDependencyHealth(
    [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topics.emergency] })) },
      conditionCheck('registry', 'not_caught_up', () => registry.ready, 'registry view not caught up'),
      ...consumers.map(({ name, consumer }) => conditionCheck(name, 'not_in_group', () => consumer.joined, `the ${name} consumer is not in its group`)),
      ...parts.flatMap((part) => part.healthChecks ?? []),
    ],
    { logger },
  );
  const grpc = createGrpcServer({
    interceptors: [createAuthInterceptor({ verifier, policy: Object.assign({}, ...parts.map((part) => part.access)), logger })],
    services: parts.flatMap((part) => part.grpcServices),
    logger,
  });
  await grpc.listen(config.GRPC_ADDRESS);

  // Joining a group can take a session timeout after a crash; the API does not wait for it, readiness does.
  for (const { name, consumer } of consumers) {
    consumer.start().then(
      () => logger.info({ consumer: name }, 'consumer joined'),
      (error: unknown) => {
        logger.fatal({ err: error, consumer: name }, 'consumer could not start');
        process.exit(1);
      },
    );
  }

  const adminHttp = createAdminHttp({ health, handleMetrics: telemetry.handleMetrics, logger });
  await listenHttp(adminHttp, config.ADMIN_HTTP_ADDRESS);
  const healthFollower = followHealth(health, (serving) => grpc.setServing(serving));
  logger.info({ grpc: config.GRPC_ADDRESS, admin: config.ADMIN_HTTP_ADDRESS, schema: config.EMERGENCY_SCHEMA, parts: parts.map((part) => part.name) }, 'emergency listening');

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      { name: 'health follower', run: () => healthFollower.stop() },
      { name: 'grpc health', run: () => grpc.setServing(false) },
      { name: 'consumers', run: () => Promise.all(consumers.map(({ consumer }) => consumer.stop())), timeoutMs: 3_000 },
      { name: 'grpc', run: () => grpc.shutdown(config.SHUTDOWN_GRACE_MS) },
      { name: 'parts', run: () => Promise.all(parts.map((part) => part.stop?.())), timeoutMs: 3_000 },
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

main().catch(exitOnStartFailure('emergency'));
