import { allTopicSpecs, createEventPublisher, createKafka, ensureTopics } from '@ecogrid/kafka';
import { createLogger, type Logger } from '@ecogrid/telemetry';
import type { Pool } from 'pg';
import { createImportFile, type ImportFile } from '../app';
import { createOutboxRelay } from '../adapters/kafka/outbox-relay';
import { migrate } from '../adapters/postgres/migrate';
import { createPool } from '../adapters/postgres/pool';
import { createPostgresRegistry } from '../adapters/postgres/postgres-registry';

export interface CliContext {
  logger: Logger;
  pool: Pool;
  importFile: ImportFile;
  /** Publishes what the command queued in the outbox, when KAFKA_BROKERS is set (else a running registry will). */
  relayOutbox(): Promise<void>;
  close(): Promise<void>;
}

/** Wiring for the command-line entries: the same database, schema and import path as the service. */
export async function openCli(): Promise<CliContext> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set (source deploy/local/env.sh)');
  const schema = process.env.REGISTRY_SCHEMA ?? 'registry';
  const logger = createLogger({ service: 'registry-cli', level: process.env.LOG_LEVEL ?? 'warn' });
  const pool = createPool(databaseUrl, schema, 4);
  await migrate(pool, schema, logger);
  const importFile = createImportFile({ registry: createPostgresRegistry(pool) });
  return {
    logger,
    pool,
    importFile,
    relayOutbox: async () => {
      if (!process.env.KAFKA_BROKERS) {
        console.log('KAFKA_BROKERS is not set: the changes wait in the outbox until the registry service relays them.');
        return;
      }
      const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS, clientId: 'registry-cli', logger });
      const topicPrefix = process.env.TOPIC_PREFIX ?? '';
      await ensureTopics(kafka, { prefix: topicPrefix, specs: allTopicSpecs().filter((spec) => spec.name.startsWith('ecogrid.registry.')) });
      const publisher = createEventPublisher({ kafka, source: '/ecogrid/registry' });
      await publisher.connect();
      const relay = createOutboxRelay({ pool, publisher, topicPrefix, logger, pollMs: 100 });
      await relay.start();
      const deadline = Date.now() + 120_000;
      while ((await relay.pending()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const left = await relay.pending();
      await relay.stop();
      await publisher.disconnect();
      console.log(left === 0 ? 'published to Kafka' : `${left} changes still wait in the outbox`);
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
