/**
 * A relay in a process of its own, for the kill -9 test: it relays the schema named by OUTBOX_SCHEMA until it is
 * killed, and says on stdout when it holds the lease.
 */
import { createEventPublisher, createKafka } from '@ecogrid/kafka';
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { createOutboxRelay } from '../../src';

const logger = createLogger({ service: 'outbox-relay-child', level: 'warn' });
const pool = createServicePool({ databaseUrl: process.env.DATABASE_URL ?? '', schema: process.env.OUTBOX_SCHEMA ?? '', applicationName: 'outbox-child', logger });
const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS ?? '', clientId: 'outbox-child', logger });
const publisher = createEventPublisher({ kafka, source: '/ecogrid/outbox-test' });
void publisher.connect().then(() => {
  const relay = createOutboxRelay({ pool, schema: process.env.OUTBOX_SCHEMA ?? '', publisher, kafka, logger, pollMs: 50, batchSize: Number(process.env.OUTBOX_BATCH ?? 50) });
  relay.start();
  const announce = setInterval(() => {
    if (relay.isLeader) {
      process.stdout.write('leader\n');
      clearInterval(announce);
    }
  }, 20);
});
