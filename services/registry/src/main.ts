import { telemetry } from './telemetry';
import { createServer } from 'node:http';
import { allTopicSpecs, createEventPublisher, createKafka, ensureTopics, topicNames } from '@ecogrid/kafka';
import { createGrpcServer } from '@ecogrid/grpc';
import { createRegistryView } from '@ecogrid/registry-view';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { loadConfig, splitHostPort } from './config';
import { createDeleteEntity, createFindNearby, createImportFile, createLocateCell, createUpsertEntity } from './app';
import { createPool } from './adapters/postgres/pool';
import { migrate } from './adapters/postgres/migrate';
import { createPostgresRegistry } from './adapters/postgres/postgres-registry';
import { createOutboxRelay } from './adapters/kafka/outbox-relay';
import { createRegistryGrpcService } from './adapters/grpc/registry-grpc-service';
import { createAdminHttpApp } from './adapters/http/admin-http';
import { createDependencyHealth } from '@ecogrid/telemetry';
import { seedDataset } from './adapters/files/seed-dataset';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const pool = createPool(config.DATABASE_URL, config.REGISTRY_SCHEMA);
  pool.on('error', (error) => logger.error({ err: error }, 'idle PostgreSQL connection failed'));
  await migrate(pool, config.REGISTRY_SCHEMA, logger);

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger });
  await ensureTopics(kafka, { prefix: config.TOPIC_PREFIX, specs: allTopicSpecs().filter((spec) => spec.name.startsWith('ecogrid.registry.')) });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  await publisher.connect();
  const relay = createOutboxRelay({ pool, publisher, topicPrefix: config.TOPIC_PREFIX, logger, pollMs: config.OUTBOX_POLL_MS });
  await relay.start();

  const registry = createPostgresRegistry(pool);
  const importFile = createImportFile({ registry });
  if (config.SEED_DATASET) {
    await seedDataset(importFile, config.SEED_DATASET, logger);
    // Ready means the dataset is on the topics, so everyone starting after us sees it.
    const deadline = Date.now() + 60_000;
    while ((await relay.pending()) > 0) {
      if (Date.now() > deadline) throw new Error('the seeded dataset was not relayed to Kafka within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  // LocateCell reads the registry the way every other service does: from its compacted topics.
  const view = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, groupPrefix: `${config.SERVICE_NAME}-view` });
  const admin = kafka.admin();
  await admin.connect();
  const cellsTopic = topicNames(config.TOPIC_PREFIX).registryCells;
  const health = createDependencyHealth([
    { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
    { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [cellsTopic] })) },
    {
      name: 'registry-view',
      check: async () => {
        if (!view.ready) throw new Error('still reading the registry topics');
      },
    },
  ]);

  const grpc = createGrpcServer({
    logger,
    services: [
      createRegistryGrpcService({
        registry,
        logger,
        importFile,
        locateCell: createLocateCell({ view, registry, clock: { now: () => Date.now() } }),
        upsert: createUpsertEntity({ registry }),
        deleteEntity: createDeleteEntity({ registry }),
        findNearby: createFindNearby({ registry }),
      }),
    ],
  });
  await grpc.listen(config.GRPC_ADDRESS);

  const http = createServer(createAdminHttpApp({ health, handleMetrics: telemetry.handleMetrics, logger }));
  const { host, port } = splitHostPort(config.ADMIN_HTTP_ADDRESS);
  await new Promise<void>((resolve) => http.listen(port, host, resolve));
  logger.info({ grpc: config.GRPC_ADDRESS, admin: config.ADMIN_HTTP_ADDRESS }, 'registry listening');

  await view.start();
  grpc.setServing(true);
  logger.info(view.counts(), 'registry ready');

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      { name: 'grpc', run: () => grpc.shutdown(config.SHUTDOWN_GRACE_MS) },
      { name: 'admin http', run: () => new Promise<void>((resolve) => http.close(() => resolve())) },
      { name: 'registry view', run: () => view.stop() },
      { name: 'outbox relay', run: () => relay.stop() },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'postgres', run: () => pool.end() },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

main().catch(exitOnStartFailure('registry'));
