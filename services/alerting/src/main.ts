import { telemetry } from './telemetry';
import { createEventPublisher, createKafka, kafkaCredentialsFrom, topicNames } from '@ecogrid/kafka';
import { createOutboxRelay } from '@ecogrid/outbox';
import { createServicePool } from '@ecogrid/postgres';
import { createRegistryView } from '@ecogrid/registry-view';
import { createAuthInterceptor, createGrpcServer } from '@ecogrid/grpc';
import { closeHttp, conditionCheck, consumerGroupName, createAdminHttp, createDependencyHealth, followHealth, listenHttp, systemClock } from '@ecogrid/service-kit';
import { verifierFromSettings } from '@ecogrid/staff-auth';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { loadConfig, loadRuleset } from './config';
import { compileRuleset } from './domain/rules/compiled-ruleset';
import { createGetStationAqi, createListAlerts, createReadingsProcessor } from './app';
import { migrate } from './adapters/postgres/migrations';
import { createPgCheckpointStore } from './adapters/postgres/pg-checkpoint-store';
import { createPgAlertQueries } from './adapters/postgres/pg-alert-queries';
import { createReadingsConsumer } from './adapters/kafka/readings-consumer';
import { createRegistryDirectory } from './adapters/registry/registry-directory';
import { alertingServiceBinding } from './adapters/grpc/alerting-service';
import { ALERTING_ACCESS } from './adapters/grpc/alerting-access';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const ruleset = loadRuleset(config.ALERT_RULESET);
  const rules = compileRuleset(ruleset);
  logger.info({ ruleset: ruleset.id, version: ruleset.version, rules: ruleset.rules.map((rule) => `${rule.id}@${rule.version}${rule.enabled ? '' : ' (disabled)'}`) }, 'ruleset loaded');
  const topics = topicNames(config.TOPIC_PREFIX);

  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.ALERTING_SCHEMA, max: config.PG_POOL_SIZE, applicationName: 'ecogrid-alerting', logger });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger, credentials: kafkaCredentialsFrom(config) });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  const admin = kafka.admin();
  const registry = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, groupPrefix: consumerGroupName(config.TOPIC_PREFIX, 'alerting', 'registry-view') });
  const relay = createOutboxRelay({ pool, schema: config.ALERTING_SCHEMA, publisher, kafka, logger, pollMs: config.OUTBOX_POLL_MS, readBackGroup: consumerGroupName(config.TOPIC_PREFIX, 'alerting', 'outbox-reconcile') });
  const processor = createReadingsProcessor({
    rules,
    directory: createRegistryDirectory(registry),
    store: createPgCheckpointStore({
      pool,
      schema: config.ALERTING_SCHEMA,
      readingsTopic: topics.readings,
      alertsTopic: topics.alerts,
      aqiTopic: topics.aqiHourly,
      notifyRelays: () => !relay.isLeader,
    }),
    outbox: { committed: () => relay.nudge() },
    clock: systemClock,
    checkpointIntervalMs: config.CHECKPOINT_INTERVAL_MS,
  });
  const consumer = createReadingsConsumer({
    kafka,
    groupId: config.consumerGroup,
    topic: topics.readings,
    processor,
    deadLetters: publisher,
    logger,
    fromBeginning: config.READINGS_FROM_BEGINNING,
    partitionsConsumedConcurrently: config.PARTITIONS_CONCURRENCY,
    sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
  });
  const queries = createPgAlertQueries({ pool });
  const grpc = createGrpcServer({
    interceptors: [
      createAuthInterceptor({
        verifier: verifierFromSettings(config),
        policy: ALERTING_ACCESS,
        logger,
      }),
    ],
    services: [alertingServiceBinding({ listAlerts: createListAlerts({ queries }), getStationAqi: createGetStationAqi({ queries, clock: systemClock }), logger })],
    logger,
  });

  const health = createDependencyHealth(
    [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topics.readings, topics.alerts] })) },
      conditionCheck('registry', 'not_caught_up', () => registry.ready, 'registry view not caught up'),
      conditionCheck('consumer', 'not_in_group', () => consumer.joined, 'readings consumer not in its group'),
    ],
    { logger },
  );
  const adminHttp = createAdminHttp({ health, handleMetrics: telemetry.handleMetrics, logger });
  await listenHttp(adminHttp, config.ADMIN_HTTP_ADDRESS);
  logger.info({ address: config.ADMIN_HTTP_ADDRESS }, 'alerting admin HTTP listening');

  await migrate(pool, config.ALERTING_SCHEMA, logger);
  await Promise.all([publisher.connect(), admin.connect()]);
  // The hot path never asks the registry over the network: it waits until the view has caught up.
  await registry.start();
  relay.start();
  await consumer.start();
  await grpc.listen(config.GRPC_ADDRESS);
  // grpc.health.v1 follows the same dependencies as /readyz.
  const healthFollower = followHealth(health, (serving) => grpc.setServing(serving));

  /** Runs `task` every `ms`, never two at once; a failure is logged and the next round retries. */
  const every = (ms: number, what: string, task: () => Promise<unknown>): NodeJS.Timeout => {
    let running = false;
    return setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((error: unknown) => logger.warn({ err: error }, `${what} failed; the next one retries`))
        .finally(() => {
          running = false;
        });
    }, ms);
  };
  const sweep = every(config.SWEEP_INTERVAL_MS, 'sweep', () => processor.sweep());
  // Partitions that went quiet after a deferred checkpoint are written here, not only by their next batch.
  // With 0 every batch is checkpointed at once and nothing is ever left to flush.
  const checkpointTimer = config.CHECKPOINT_INTERVAL_MS > 0 ? every(Math.max(100, config.CHECKPOINT_INTERVAL_MS), 'checkpoint', () => processor.flush()) : undefined;

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      {
        name: 'sweep',
        run: () => {
          clearInterval(sweep);
          clearInterval(checkpointTimer);
          healthFollower.stop();
          grpc.setServing(false);
        },
      },
      { name: 'readings consumer', run: () => consumer.stop() },
      { name: 'checkpoint', run: () => processor.flush() },
      { name: 'outbox relay', run: () => relay.stop() },
      { name: 'grpc', run: () => grpc.shutdown(config.SHUTDOWN_GRACE_MS) },
      { name: 'registry view', run: () => registry.stop() },
      { name: 'admin http', run: () => closeHttp(adminHttp) },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'postgres', run: () => pool.end() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

main().catch(exitOnStartFailure('alerting'));
