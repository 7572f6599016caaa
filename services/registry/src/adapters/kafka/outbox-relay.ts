import type { Pool, PoolClient } from 'pg';
import { metrics } from '@opentelemetry/api';
import { TOPICS, type EventPublisher, type TopicKey } from '@ecogrid/kafka';
import type { Logger } from '@ecogrid/telemetry';
import { OUTBOX_CHANNEL } from '../postgres/outbox';

const meter = metrics.getMeter('@ecogrid/registry');
const relayed = meter.createCounter('registry_outbox_relayed_total', { description: 'Outbox rows published to Kafka' });

export interface OutboxRelayOptions {
  pool: Pool;
  publisher: EventPublisher;
  topicPrefix: string;
  logger: Logger;
  /** Poll interval when no notification arrives (a notification can be missed while reconnecting). */
  pollMs?: number;
  batchSize?: number;
}

export interface OutboxRelay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Rows not yet acknowledged by Kafka. */
  pending(): Promise<number>;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  event_type: string;
  payload: Buffer | null;
  created_at: Date;
}

/**
 * Publishes outbox rows in id order with the idempotent publisher and marks them sent only after the broker
 * acknowledged them (at least once; `ce_id` is the row id, so consumers can drop repeats). One relay at a
 * time holds the lease row (FOR UPDATE SKIP LOCKED): locking outbox rows themselves with SKIP LOCKED would let a
 * second instance publish rows 501–1000 while the first is still sending 1–500, reordering a key's changes.
 * Per key, id order is change order: a change locks its entity row before it inserts its outbox row.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const logger = options.logger.child({ module: 'outbox-relay' });
  const pollMs = options.pollMs ?? 1_000;
  const batchSize = options.batchSize ?? 500;
  let running = false;
  let loop: Promise<void> | undefined;
  let listener: PoolClient | undefined;
  let wake: (() => void) | undefined;
  let lastCleanup = 0;
  let notified = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const relayBatch = async (): Promise<number> => {
    const client = await options.pool.connect();
    // The connection may drop while we wait for Kafka between queries: pg then emits 'error' on the client,
    // which would crash the process without a listener. The next query fails and the loop retries.
    const onError = (error: Error): void => logger.warn({ err: error }, 'outbox relay connection lost');
    client.on('error', onError);
    let broken = false;
    try {
      await client.query('BEGIN');
      const lease = await client.query('SELECT id FROM outbox_relay_lease WHERE id = 1 FOR UPDATE SKIP LOCKED');
      if (lease.rowCount === 0) {
        await client.query('ROLLBACK');
        return 0; // another instance is relaying
      }
      const rows = (
        await client.query<OutboxRow>('SELECT id, topic, key, event_type, payload, created_at FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1', [batchSize])
      ).rows;
      if (rows.length > 0) {
        await options.publisher.publishAll(
          rows.map((row) => ({
            topic: `${options.topicPrefix}${TOPICS[row.topic as TopicKey].name}`,
            key: row.key,
            value: row.payload,
            type: row.event_type,
            id: row.id,
            time: row.created_at,
          })),
        );
        await client.query('UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      }
      if (Date.now() - lastCleanup > 3_600_000) {
        lastCleanup = Date.now();
        await client.query("DELETE FROM outbox WHERE sent_at < now() - interval '7 days'");
      }
      await client.query('COMMIT');
      if (rows.length > 0) relayed.add(rows.length);
      return rows.length;
    } catch (error) {
      broken = !(await client.query('ROLLBACK').then(
        () => true,
        () => false,
      ));
      throw error;
    } finally {
      client.removeListener('error', onError);
      // A connection that cannot even roll back is broken: it must not go back to the pool.
      client.release(broken);
    }
  };

  const run = async (): Promise<void> => {
    let backoff = 100;
    while (running) {
      try {
        if (!listener) await listen();
        notified = false;
        const sent = await relayBatch();
        backoff = 100;
        // A notification during the batch means more rows committed meanwhile: go again at once.
        if (sent < batchSize && !notified) await sleep(pollMs);
      } catch (error) {
        logger.error({ err: error, backoffMs: backoff }, 'outbox relay failed; retrying');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  };

  /** LISTEN on a connection of its own; after a lost connection the loop opens another. */
  const listen = async (): Promise<void> => {
    const client = await options.pool.connect();
    let released = false;
    client.on('error', (error) => {
      if (released) return;
      logger.warn({ err: error }, 'outbox LISTEN connection lost; polling until it is back');
      released = true;
      if (listener === client) listener = undefined;
      client.release(error);
    });
    try {
      const schema = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema;
      client.on('notification', (message) => {
        if (message.channel === OUTBOX_CHANNEL && message.payload === schema) {
          notified = true;
          wake?.();
        }
      });
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      listener = client;
    } catch (error) {
      if (!released) {
        released = true;
        client.release(error instanceof Error ? error : true);
      }
      throw error;
    }
  };

  return {
    start: async () => {
      if (running) return;
      running = true;
      await listen();
      loop = run();
    },
    stop: async () => {
      running = false;
      wake?.();
      await loop;
      const client = listener;
      listener = undefined;
      if (client) {
        await client.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
        client.release();
      }
    },
    pending: async () => Number((await options.pool.query<{ count: string }>('SELECT count(*) FROM outbox WHERE sent_at IS NULL')).rows[0]?.count ?? 0),
  };
}
