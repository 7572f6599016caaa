import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { headerText, type EventPublisher } from '@ecogrid/kafka';
import type { Logger } from '@ecogrid/telemetry';
import type { OutboxSignal } from '../../app/ports';
import { quoteIdent } from '../postgres/schema';

export interface OutboxRelay extends OutboxSignal {
  /** Reconciles rows left unmarked by a crash with what the topics already hold, then starts relaying. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface OutboxRelayOptions {
  pool: Pool;
  schema: string;
  kafka: Kafka;
  publisher: EventPublisher;
  logger: Logger;
  pollIntervalMs: number;
  batchSize?: number;
  /** Published rows are deleted after this long; until then a repeated event id is refused at insert. */
  retentionMs?: number;
  onPublished?: (count: number) => void;
}

interface OutboxRow {
  seq: string;
  topic: string;
  key: string | null;
  event_id: string;
  type: string;
  payload: Buffer;
  event_time: Date;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes the outbox in commit order. One relay at a time holds the schema's advisory lock (so events of one
 * alert never overtake each other across instances); rows are claimed FOR UPDATE SKIP LOCKED, published
 * (acks=all), and marked in the same transaction. A crash between the broker's ack and the mark leaves rows that
 * are already on the topic: `start` finds their event ids on the topics and marks them instead of sending them
 * again.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const s = quoteIdent(options.schema);
  const logger = options.logger.child({ module: 'outbox-relay' });
  const batchSize = options.batchSize ?? 500;
  const retentionMs = options.retentionMs ?? 7 * 24 * 3_600_000;
  const lockKey = `ecogrid.alerting.outbox.${options.schema}`; // schema already checked by quoteIdent
  let running = false;
  let signalled = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  let lastPurge = 0;

  // Two round trips per round, the claim with BEGIN and the mark with COMMIT, as simple queries: the only
  // literals are the checked schema name and the sequence numbers PostgreSQL itself handed out.
  const claimSql = `BEGIN; SELECT seq, topic, key, event_id, type, payload, event_time FROM ${s}.outbox
    WHERE published_at IS NULL AND (SELECT pg_try_advisory_xact_lock(hashtext('${lockKey}')))
    ORDER BY seq LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;

  const relayOnce = async (): Promise<number> => {
    const client = await options.pool.connect();
    try {
      const results = (await client.query(claimSql)) as unknown as Array<{ rows: OutboxRow[] }>;
      const rows = results[1]?.rows ?? [];
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      await options.publisher.publishAll(rows.map((row) => ({ topic: row.topic, key: row.key, value: row.payload, type: row.type, id: row.event_id, time: row.event_time })));
      const seqs = rows.map((row) => {
        if (!/^\d+$/.test(row.seq)) throw new Error(`unexpected outbox sequence ${row.seq}`);
        return row.seq;
      });
      await client.query(`UPDATE ${s}.outbox SET published_at = clock_timestamp() WHERE seq IN (${seqs.join(',')}); COMMIT`);
      options.onPublished?.(rows.length);
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const purge = async (): Promise<void> => {
    if (Date.now() - lastPurge < 60_000) return;
    lastPurge = Date.now();
    await options.pool.query(`DELETE FROM ${s}.outbox WHERE published_at < now() - make_interval(secs => $1)`, [retentionMs / 1000]);
  };

  const waitForWork = (): Promise<void> =>
    new Promise((resolve) => {
      if (signalled || !running) {
        signalled = false;
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, options.pollIntervalMs);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        signalled = false;
        resolve();
      };
    });

  const run = async (): Promise<void> => {
    let failures = 0;
    while (running) {
      try {
        const published = await relayOnce();
        failures = 0;
        await purge();
        if (published === batchSize) continue;
      } catch (error) {
        failures += 1;
        logger.warn({ err: error, failures }, 'outbox relay failed; retrying');
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
        continue;
      }
      await waitForWork();
    }
  };

  /** Event ids among `pending` already on the topics from `since` on. */
  const findPublished = async (topics: string[], since: number, pending: Set<string>): Promise<Set<string>> => {
    const found = new Set<string>();
    const ranges = new Map<string, { topic: string; partition: number; start: bigint; end: bigint }>();
    const admin = options.kafka.admin();
    await admin.connect();
    try {
      for (const topic of topics) {
        const highs = new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, BigInt(entry.high)]));
        for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, since)) {
          const end = highs.get(partition) ?? 0n;
          const start = BigInt(offset) < 0n ? end : BigInt(offset);
          if (start < end) ranges.set(`${topic}:${partition}`, { topic, partition, start, end });
        }
      }
    } finally {
      await admin.disconnect();
    }
    if (ranges.size === 0) return found;
    const consumer = options.kafka.consumer({ groupId: `alerting-outbox-reconcile.${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const range of ranges.values()) consumer.seek({ topic: range.topic, partition: range.partition, offset: range.start.toString() });
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const key = `${batch.topic}:${batch.partition}`;
          const range = ranges.get(key);
          if (!range) return;
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset < range.start || offset >= range.end) continue;
            const id = headerText(message.headers, 'ce_id');
            if (id !== undefined && pending.has(id)) found.add(id);
          }
          if (BigInt(batch.lastOffset()) + 1n >= range.end) {
            ranges.delete(key);
            if (ranges.size === 0) finished();
          }
        },
      });
      const timeout = sleep(30_000).then(() => {
        throw new Error(`outbox reconciliation did not reach the end of ${[...ranges.keys()].join(', ')} within 30 s`);
      });
      await Promise.race([done, timeout]);
    } finally {
      await consumer.disconnect();
    }
    return found;
  };

  const reconcile = async (): Promise<void> => {
    const { rows } = await options.pool.query<{ topic: string; since: Date; ids: string[] }>(
      `SELECT topic, min(created_at) AS since, array_agg(event_id) AS ids FROM ${s}.outbox WHERE published_at IS NULL GROUP BY topic`,
    );
    if (rows.length === 0) return;
    const pending = new Set(rows.flatMap((row) => row.ids));
    // Record timestamps are the producer's clock at send, never before the row's commit; a margin covers clock steps.
    const since = Math.min(...rows.map((row) => row.since.getTime())) - 5_000;
    const found = await findPublished(
      rows.map((row) => row.topic),
      since,
      pending,
    );
    if (found.size > 0) await options.pool.query(`UPDATE ${s}.outbox SET published_at = clock_timestamp() WHERE event_id = ANY($1::text[]) AND published_at IS NULL`, [[...found]]);
    logger.info({ pending: pending.size, alreadyPublished: found.size }, 'outbox reconciled with the topics');
  };

  return {
    committed: () => {
      signalled = true;
      wake?.();
    },
    start: async () => {
      await reconcile();
      running = true;
      loop = run();
    },
    stop: async () => {
      running = false;
      wake?.();
      await loop;
    },
  };
}
