import { readFileSync } from 'node:fs';
import { keyRingFromSettings } from '@ecogrid/device-credentials';
import { allTopicSpecs, createEventPublisher, createKafka, ensureTopics, kafkaCredentialsFrom, topicNames } from '@ecogrid/kafka';
import { createOutboxRelay } from '@ecogrid/outbox';
import { createServicePool, migrateSchema } from '@ecogrid/postgres';
import { consumerGroupName, LOG_LEVELS, parseConfig, schemaName, systemClock } from '@ecogrid/service-kit';
import { createLogger, type Logger } from '@ecogrid/telemetry';
import type { Pool } from 'pg';
import { z } from 'zod';
import { createImportFile, type ImportFile } from '../app';
import { createPostgresRegistry, type PostgresRegistryOptions } from '../adapters/postgres/postgres-registry';
import { registryMigrations } from '../adapters/postgres/registry-migrations';
import { createRegistryEvents } from '../adapters/events/registry-events';

/** The service's own settings that the commands need; Kafka is optional (without it the service relays later). */
const cliConfig = z.object({
  DATABASE_URL: z.string({ error: 'not set (source deploy/local/env.sh)' }).url({ error: 'not a URL' }),
  REGISTRY_SCHEMA: schemaName.default('registry'),
  /** The events name their topics in full when they are queued, so the prefix matters even without Kafka. */
  TOPIC_PREFIX: z.string().default(''),
  KAFKA_BROKERS: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('warn'),
  /** Wrap devices' SM4 keys (`sm4_key` in devices.csv) as the service does. */
  DEVICE_KEY_KEKS: z.string().optional(),
  DEVICE_KEY_KEKS_FILE: z.string().optional(),
});

export interface CliContext {
  logger: Logger;
  pool: Pool;
  importFile: ImportFile;
  /** What the commands' PostgreSQL registry is built with. */
  registryOptions: PostgresRegistryOptions;
  /** Publishes what the command queued in the outbox, when KAFKA_BROKERS is set (else a running registry will). */
  relayOutbox(): Promise<void>;
  close(): Promise<void>;
}

/** Wiring for the command-line entries: the same database, schema, migrations and import path as the service. */
export async function openCli(): Promise<CliContext> {
  const config = parseConfig(cliConfig, process.env);
  const schema = config.REGISTRY_SCHEMA;
  const topicPrefix = config.TOPIC_PREFIX;
  const logger = createLogger({ service: 'registry-cli', level: config.LOG_LEVEL });
  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema, applicationName: 'ecogrid-registry-cli', logger, max: 4 });
  await migrateSchema({ pool, schema, migrations: registryMigrations(), logger });
  const events = createRegistryEvents({ topics: topicNames(topicPrefix), clock: systemClock });
  const registryOptions: PostgresRegistryOptions = { events, clock: systemClock, keyRing: keyRingFromSettings(config, (path) => readFileSync(path, 'utf8')) };
  const importFile = createImportFile({ registry: createPostgresRegistry(pool, registryOptions) });
  return {
    logger,
    pool,
    importFile,
    registryOptions,
    relayOutbox: async () => {
      if (!config.KAFKA_BROKERS) {
        console.log('KAFKA_BROKERS is not set: the changes wait in the outbox until the registry service relays them.');
        return;
      }
      const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'registry-cli', logger, credentials: kafkaCredentialsFrom(process.env) });
      await ensureTopics(kafka, { prefix: topicPrefix, specs: allTopicSpecs().filter((spec) => spec.name.startsWith('ecogrid.registry.')) });
      const publisher = createEventPublisher({ kafka, source: '/ecogrid/registry' });
      await publisher.connect();
      // When a registry service is running it holds the lease and sends them; either way the outbox empties.
      const relay = createOutboxRelay({ pool, schema, publisher, kafka, logger, pollMs: 100, readBackGroup: consumerGroupName(topicPrefix, 'registry', 'outbox-reconcile') });
      relay.start();
      const outcome = await relay.drained(120_000).then(
        () => 'published to Kafka',
        async () => `${await relay.backlog()} changes still wait in the outbox`,
      );
      await relay.stop();
      await publisher.disconnect();
      console.log(outcome);
    },
    close: () => pool.end(),
  };
}

export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
