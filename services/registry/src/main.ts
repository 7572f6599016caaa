import { telemetry } from './telemetry';
import { readFileSync } from 'node:fs';
import { keyRingFromSettings } from '@ecogrid/device-credentials';
import { allTopicSpecs, createEventPublisher, createKafka, kafkaCredentialsFrom, ensureTopics, topicNames, TOPICS } from '@ecogrid/kafka';
import { createAuthInterceptor, createGrpcServer } from '@ecogrid/grpc';
import { createOutboxRelay } from '@ecogrid/outbox';
import { createServicePool, migrateSchema } from '@ecogrid/postgres';
import { createRegistryView } from '@ecogrid/registry-view';
import { closeHttp, conditionCheck, consumerGroupName, createAdminHttp, createDependencyHealth, followHealth, listenHttp, systemClock } from '@ecogrid/service-kit';
import { verifierFromSettings } from '@ecogrid/staff-auth';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { loadConfig } from './config';
import { createAdoptRotatedKey, createAttachPasswordVerifiers, createDeleteEntity, createFindNearby, createImportFile, createLocateCell, createUpsertEntity } from './app';
import { registryMigrations } from './adapters/postgres/registry-migrations';
import { createPostgresRegistry } from './adapters/postgres/postgres-registry';
import { createRegistryGrpcService } from './adapters/grpc/registry-grpc-service';
import { REGISTRY_ACCESS } from './adapters/grpc/registry-access';
import { createRegistryEvents } from './adapters/events/registry-events';
import { createGridView } from './adapters/registry-view/grid-view';
import { seedDataset } from './adapters/files/seed-dataset';
import { createKeyRotationConsumer } from './adapters/kafka/key-rotation-consumer';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const verifier = verifierFromSettings(config);
  const clock = systemClock;
  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.REGISTRY_SCHEMA, applicationName: 'ecogrid-registry', logger });
  await migrateSchema({ pool, schema: config.REGISTRY_SCHEMA, migrations: registryMigrations(), logger });

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger, credentials: kafkaCredentialsFrom(config) });
  await ensureTopics(kafka, { prefix: config.TOPIC_PREFIX, replicationFactor: config.KAFKA_TOPIC_REPLICATION_FACTOR, specs: allTopicSpecs().filter((spec) => spec.name.startsWith('ecogrid.registry.') || spec.name === TOPICS.devicesCommands.name) });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  await publisher.connect();
  const relay = createOutboxRelay({ pool, schema: config.REGISTRY_SCHEMA, publisher, kafka, logger, pollMs: config.OUTBOX_POLL_MS, readBackGroup: consumerGroupName(config.TOPIC_PREFIX, 'registry', 'outbox-reconcile') });
  relay.start();

  const events = createRegistryEvents({ topics: topicNames(config.TOPIC_PREFIX), clock });
  const keyRing = keyRingFromSettings(config, (path) => readFileSync(path, 'utf8'));
  const registry = createPostgresRegistry(pool, { events, clock, onEventsCommitted: () => relay.nudge(), notifyRelays: () => !relay.isLeader, keyRing });
  const importFile = createImportFile({ registry });
  // Devices' confirmed 1014 key rotations, from ingest's command changes: the registry owns devices' keys.
  const rotations = createKeyRotationConsumer({
    kafka,
    topic: `${config.TOPIC_PREFIX}${TOPICS.devicesCommands.name}`,
    groupId: consumerGroupName(config.TOPIC_PREFIX, 'registry', 'key-rotations'),
    adopt: createAdoptRotatedKey({ registry, graceMs: config.SM4_KEY_GRACE_MS }),
    deadLetters: publisher,
    logger: logger.child({ module: 'key-rotations' }),
  });
  await rotations.start();
  const attached = await createAttachPasswordVerifiers({ registry })();
  if (attached > 0) logger.info({ devices: attached }, 'devices stored without a password verifier got one');
  if (config.SEED_DATASET) {
    await seedDataset(importFile, config.SEED_DATASET, logger);
    // Ready means the dataset is on the topics, so everyone starting after us sees it.
    await relay.drained(60_000);
  }

  // LocateCell reads the registry the way every other service does: from its compacted topics.
  const view = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, groupPrefix: consumerGroupName(config.TOPIC_PREFIX, 'registry', 'registry-view') });
  const admin = kafka.admin();
  await admin.connect();
  const health = createDependencyHealth(
    [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topicNames(config.TOPIC_PREFIX).registryCells] })) },
      conditionCheck('registry-view', 'not_caught_up', () => view.ready, 'still reading the registry topics'),
    ],
    { logger },
  );

  const grpc = createGrpcServer({
    logger,
    interceptors: [createAuthInterceptor({ verifier, policy: REGISTRY_ACCESS, logger })],
    services: [
      createRegistryGrpcService({
        registry,
        logger,
        importFile,
        locateCell: createLocateCell({ view: createGridView(view), registry, clock }),
        upsert: createUpsertEntity({ registry }),
        deleteEntity: createDeleteEntity({ registry }),
        findNearby: createFindNearby({ registry }),
      }),
    ],
  });
  await grpc.listen(config.GRPC_ADDRESS);
  const adminHttp = createAdminHttp({ health, handleMetrics: telemetry.handleMetrics, logger });
  await listenHttp(adminHttp, config.ADMIN_HTTP_ADDRESS);
  logger.info({ grpc: config.GRPC_ADDRESS, admin: config.ADMIN_HTTP_ADDRESS }, 'registry listening');
  // grpc.health.v1 follows the dependencies, as /readyz does: NOT_SERVING until the view has caught up.
  const healthFollower = followHealth(health, (serving) => grpc.setServing(serving));

  await view.start();
  logger.info(view.counts(), 'registry view caught up');

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      { name: 'health follower', run: () => healthFollower.stop() },
      { name: 'grpc', run: () => grpc.shutdown(config.SHUTDOWN_GRACE_MS) },
      { name: 'registry view', run: () => view.stop() },
      { name: 'key rotations', run: () => rotations.stop() },
      { name: 'outbox relay', run: () => relay.stop() },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'postgres', run: () => pool.end() },
      { name: 'admin http', run: () => closeHttp(adminHttp) },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

main().catch(exitOnStartFailure('registry'));
