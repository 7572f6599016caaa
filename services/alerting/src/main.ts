import { telemetry } from './telemetry';
import { createServer } from 'node:http';
import { Pool } from 'pg';
import { createEventPublisher, createKafka, topicNames } from '@ecogrid/kafka';
import { createRegistryView } from '@ecogrid/registry-view';
import { createGrpcServer } from '@ecogrid/grpc';
import { createDependencyHealth, createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { loadConfig, loadRuleset, splitHostPort } from './config';
import { compileRuleset } from './domain/rules/compiled-ruleset';
import { createGetStationAqi, createListAlerts, createReadingsProcessor } from './app';
import { migrate } from './adapters/postgres/schema';
import { createPgCheckpointStore } from './adapters/postgres/pg-checkpoint-store';
import { createPgAlertQueries } from './adapters/postgres/pg-alert-queries';
import { createOutboxRelay } from './adapters/outbox/outbox-relay';
import { createReadingsConsumer } from './adapters/kafka/readings-consumer';
import { createRegistryDirectory } from './adapters/registry/registry-directory';
import { alertingServiceBinding } from './adapters/grpc/alerting-service';
import { createAdminHttp } from './adapters/http/admin-http';

function must(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const ruleset = loadRuleset(config.ALERT_RULESET);
  const rules = compileRuleset(ruleset);
  logger.info({ ruleset: ruleset.id, version: ruleset.version, rules: ruleset.rules.map((rule) => `${rule.id}@${rule.version}${rule.enabled ? '' : ' (disabled)'}`) }, 'ruleset loaded');
  const topics = topicNames(config.TOPIC_PREFIX);

  const pool = new Pool({ connectionString: config.DATABASE_URL, max: config.PG_POOL_SIZE });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL client failed'));
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  const admin = kafka.admin();
  const registry = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, groupPrefix: `${config.TOPIC_PREFIX}alerting-registry-view` });
  const relay = createOutboxRelay({ pool, schema: config.ALERTING_SCHEMA, kafka, publisher, logger, pollIntervalMs: config.OUTBOX_POLL_MS });
  const processor = createReadingsProcessor({
    rules,
    directory: createRegistryDirectory(registry),
    store: createPgCheckpointStore({ pool, schema: config.ALERTING_SCHEMA, readingsTopic: topics.readings, alertsTopic: topics.alerts, aqiTopic: topics.aqiHourly }),
    outbox: relay,
    clock: { now: () => Date.now() },
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
  const queries = createPgAlertQueries({ pool, schema: config.ALERTING_SCHEMA });
  const grpc = createGrpcServer({
    services: [alertingServiceBinding({ listAlerts: createListAlerts({ queries }), getStationAqi: createGetStationAqi({ queries, now: () => Date.now() }), logger })],
    logger,
  });

  const admHttp = createServer(
    createAdminHttp({
      health: createDependencyHealth([
        { name: 'registry', check: async () => must(registry.ready, 'registry view not caught up') },
        { name: 'consumer', check: async () => must(consumer.joined, 'readings consumer not in its group') },
        { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topics.readings, topics.alerts] })) },
        { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      ]),
      handleMetrics: telemetry.handleMetrics,
    }),
  );
  const { host, port } = splitHostPort(config.ADMIN_HTTP_ADDRESS);
  await new Promise<void>((resolve) => admHttp.listen(port, host, resolve));
  logger.info({ address: config.ADMIN_HTTP_ADDRESS }, 'alerting admin HTTP listening');

  await migrate(pool, config.ALERTING_SCHEMA);
  await Promise.all([publisher.connect(), admin.connect()]);
  // The hot path never asks the registry over the network: it waits until the view has caught up.
  await registry.start();
  await relay.start();
  await consumer.start();
  await grpc.listen(config.GRPC_ADDRESS);
  grpc.setServing(true);

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
          grpc.setServing(false);
        },
      },
      { name: 'readings consumer', run: () => consumer.stop() },
      { name: 'checkpoint', run: () => processor.flush() },
      { name: 'outbox relay', run: () => relay.stop() },
      { name: 'grpc', run: () => grpc.shutdown(config.SHUTDOWN_GRACE_MS) },
      { name: 'registry view', run: () => registry.stop() },
      { name: 'admin http', run: () => new Promise<void>((resolve) => admHttp.close(() => resolve())) },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'postgres', run: () => pool.end() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

main().catch(exitOnStartFailure('alerting'));
