import pg from 'pg';
import type { Kafka } from 'kafkajs';
import { metrics, type Attributes } from '@opentelemetry/api';
import type { EventPublisher, OutgoingEvent } from '@ecogrid/kafka';
import type { Logger } from '@ecogrid/telemetry';
import { findPublished } from './find-published';
import { OUTBOX_CHANNEL } from './outbox-migration';

const meter = metrics.getMeter('@ecogrid/outbox');
const backlogGauge = meter.createObservableGauge('outbox_backlog', { description: 'Events in the outbox waiting for Kafka' });
const lagGauge = meter.createObservableGauge('outbox_relay_lag_seconds', { unit: 's', description: 'Age of the oldest event waiting in the outbox; 0 when it is empty' });
const publishedCounter = meter.createCounter('outbox_published_total', { description: 'Outbox events acknowledged by Kafka and deleted' });

export interface OutboxRelayOptions {
  /** The service's pool (its sessions start in `schema`); the relay opens one dedicated session like them. */
  pool: pg.Pool;
  /** The schema whose `outbox` this relay drains: names the lease and filters notifications. */
  schema: string;
  publisher: EventPublisher;
  /** Reads back the topics when this relay takes over, to find events its predecessor sent but did not delete. */
  kafka: Kafka;
  logger: Logger;
  /** Longest wait when no notification arrives; also how often a standby instance asks for the lease. */
  pollMs?: number;
  batchSize?: number;
  /**
   * How long the ids of sent events are kept so the same event, computed again, is not enqueued again. For a
   * writer that re-derives its events after a crash (alerting re-evaluates readings since its checkpoint);
   * 0 keeps none.
   */
  rememberSentMs?: number;
  /**
   * The consumer group (a random suffix is added) under which a take-over reads the topics back: the service's own
   * name, e.g. `alerting.outbox-reconcile`, so that its Kafka ACL on groups `alerting.*` covers it.
   */
  readBackGroup?: string;
}

export interface OutboxRelay {
  /** Starts relaying in the background; an instance that cannot get the lease stands by and keeps asking. */
  start(): void;
  /** Finishes the batch in hand, then gives the lease up. */
  stop(): Promise<void>;
  /** A writer of this process committed rows: relay now rather than at the notification or the next poll. */
  nudge(): void;
  /** True while this instance holds the lease. */
  readonly isLeader: boolean;
  /** Events waiting in the outbox. */
  backlog(): Promise<number>;
  /** Resolves once the outbox is empty (the events it held are on Kafka); rejects after `timeoutMs`. */
  drained(timeoutMs?: number): Promise<void>;
}

interface OutboxRow {
  seq: string;
  topic: string;
  key: string | null;
  event_id: string;
  event_type: string;
  payload: Buffer | null;
  event_time: Date;
  traceparent: string | null;
  tracestate: string | null;
}

/** Record timestamps are the sender's clock; the rows' are PostgreSQL's. A margin covers the two drifting apart. */
const CLOCK_MARGIN_MS = 5_000;
const PURGE_EVERY_MS = 60_000;

class PublishFailed extends Error {
  constructor(cause: unknown) {
    super(`Kafka did not acknowledge an outbox batch: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PublishFailed';
  }
}

/**
 * Moves outbox rows to Kafka after their transaction committed.
 *
 * The lease: exactly one instance per schema sends. It is a PostgreSQL session advisory lock held by the relay's
 * own connection, and every read and delete of the relay runs on that same connection. PostgreSQL releases the lock
 * the moment that session ends — a clean stop, a kill -9, a lost network — so a standby takes over within one
 * `pollMs`, with no expiry to tune and no clock involved. A relay that lost its session cannot delete rows either.
 *
 * Order: rows are sent in `seq` order with one producer (one request in flight), so per key events reach the topic
 * in the order they were enqueued. A row is deleted only after the broker acknowledged it (acks=all), on the pool
 * while the next batch goes out; a failed batch is sent again whole, with the same `ce_id`s. When an instance takes the lease over while rows are waiting,
 * it first reads the topics back from the oldest row's time and deletes the rows whose events are already there,
 * so a predecessor that died between the acknowledgement and the delete causes no duplicate.
 *
 * Wake-up: LISTEN on the lease connection for writers in other processes (they NOTIFY at commit), `nudge()` from
 * writers in this process, and a poll every `pollMs` for notifications lost while reconnecting.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const logger = options.logger.child({ module: 'outbox-relay', schema: options.schema });
  const pollMs = options.pollMs ?? 500;
  const batchSize = options.batchSize ?? 500;
  const rememberSentMs = options.rememberSentMs ?? 0;
  const attributes: Attributes = { schema: options.schema };
  let client: pg.Client | undefined;
  let leader = false;
  let running = false;
  let loop: Promise<void> | undefined;
  let signalled = false;
  let wake: (() => void) | undefined;
  let lastPurge = 0;

  const nudge = (): void => {
    signalled = true;
    wake?.();
  };

  /** Waits up to `ms`, less when nudged or notified (also about rows committed while the last batch was sent). */
  const idle = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (signalled || !running) {
        signalled = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        signalled = false;
        resolve();
      }
      wake = done;
    });

  const connect = async (): Promise<pg.Client> => {
    const fresh = new pg.Client({ ...options.pool.options, application_name: `${options.pool.options.application_name ?? 'ecogrid'}-outbox` });
    // A lost session surfaces here and in the next query, which fails; the loop then reconnects and asks again.
    fresh.on('error', (error) => logger.warn({ err: error }, 'outbox relay session lost'));
    fresh.on('notification', (message) => {
      if (message.channel === OUTBOX_CHANNEL && message.payload === options.schema) nudge();
    });
    await fresh.connect();
    return fresh;
  };

  const dropSession = async (): Promise<void> => {
    const old = client;
    client = undefined;
    if (leader) logger.warn('outbox lease lost with its session');
    leader = false;
    await old?.end().catch(() => undefined);
  };

  const removeSql = rememberSentMs > 0
    ? 'WITH gone AS (DELETE FROM outbox WHERE seq = ANY($1::bigint[]) RETURNING event_id) INSERT INTO outbox_sent (event_id) SELECT event_id FROM gone ON CONFLICT DO NOTHING'
    : 'DELETE FROM outbox WHERE seq = ANY($1::bigint[])';
  const removeByIdSql = rememberSentMs > 0
    ? 'WITH gone AS (DELETE FROM outbox WHERE event_id = ANY($1::text[]) RETURNING event_id) INSERT INTO outbox_sent (event_id) SELECT event_id FROM gone ON CONFLICT DO NOTHING'
    : 'DELETE FROM outbox WHERE event_id = ANY($1::text[])';

  const tryLease = async (db: pg.Client): Promise<boolean> => {
    const { rows } = await db.query<{ held: boolean }>("SELECT pg_try_advisory_lock(hashtext('ecogrid.outbox'), hashtext($1)) AS held", [options.schema]);
    if (rows[0]?.held !== true) return false;
    await db.query(`LISTEN ${OUTBOX_CHANNEL}`);
    return true;
  };

  const reconcile = async (db: pg.Client): Promise<void> => {
    const { rows } = await db.query<{ topic: string; since: Date; ids: string[] }>('SELECT topic, min(created_at) AS since, array_agg(event_id) AS ids FROM outbox GROUP BY topic');
    if (rows.length === 0) return;
    const pending = new Set(rows.flatMap((row) => row.ids));
    try {
      const since = Math.min(...rows.map((row) => row.since.getTime())) - CLOCK_MARGIN_MS;
      const found = await findPublished(
        options.kafka,
        rows.map((row) => row.topic),
        since,
        pending,
        options.readBackGroup ?? 'outbox-reconcile',
      );
      if (found.size > 0) await db.query(removeByIdSql, [[...found]]);
      logger.info({ waiting: pending.size, alreadyOnKafka: found.size }, 'outbox taken over; events already sent were removed');
    } catch (error) {
      // Better a repeat (consumers drop a known ce_id) than events held back while the topics cannot be read.
      logger.warn({ err: error, waiting: pending.size }, 'could not read the topics back; sending every waiting event');
    }
  };

  /** Rows the broker acknowledged whose delete is still on its way; claims skip them. */
  const removing = new Set<string>();
  let removals: Promise<void> = Promise.resolve();

  /**
   * Deletes acknowledged rows on the pool while the relay claims and sends the next batch: deleting what the broker
   * has is right whoever does it and whenever, so it need not hold the lease or wait in the relay's path. A delete
   * that fails is tried again until it succeeds or the relay stops; meanwhile its rows stay skipped.
   */
  const removeAcknowledged = (seqs: string[]): void => {
    for (const seq of seqs) removing.add(seq);
    removals = removals.then(async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await options.pool.query({ name: 'outbox-remove', text: removeSql, values: [seqs] });
          break;
        } catch (error) {
          if (!running) return;
          logger.warn({ err: error, attempt }, 'deleting acknowledged outbox rows failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** Math.min(attempt, 6))));
        }
      }
      for (const seq of seqs) removing.delete(seq);
    });
  };

  const relayBatch = async (db: pg.Client): Promise<number> => {
    const { rows } = await db.query<OutboxRow>({
      name: 'outbox-claim',
      text: 'SELECT seq, topic, key, event_id, event_type, payload, event_time, traceparent, tracestate FROM outbox WHERE seq <> ALL($2::bigint[]) ORDER BY seq LIMIT $1',
      values: [batchSize, [...removing]],
    });
    if (rows.length === 0) return 0;
    const events = rows.map(
      (row): OutgoingEvent => ({
        topic: row.topic,
        key: row.key,
        value: row.payload,
        type: row.event_type,
        id: row.event_id,
        time: row.event_time,
        ...(row.traceparent ? { causedBy: { traceparent: row.traceparent, ...(row.tracestate ? { tracestate: row.tracestate } : {}) } } : {}),
      }),
    );
    try {
      await options.publisher.publishAll(events);
    } catch (error) {
      throw new PublishFailed(error);
    }
    removeAcknowledged(rows.map((row) => row.seq));
    publishedCounter.add(rows.length, attributes);
    return rows.length;
  };

  const purgeSent = async (db: pg.Client): Promise<void> => {
    if (rememberSentMs <= 0 || Date.now() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = Date.now();
    await db.query('DELETE FROM outbox_sent WHERE sent_at < clock_timestamp() - make_interval(secs => $1)', [rememberSentMs / 1000]);
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    while (running) {
      try {
        client ??= await connect();
        if (!leader) {
          if (!(await tryLease(client))) {
            await idle(pollMs);
            continue;
          }
          leader = true;
          logger.info('this instance relays the outbox');
          await reconcile(client);
        }
        const sent = await relayBatch(client);
        failures = 0;
        await purgeSent(client);
        if (sent < batchSize) await idle(pollMs);
      } catch (error) {
        failures += 1;
        const backoffMs = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
        if (error instanceof PublishFailed) {
          // The session and the lease are intact; the rows stay and go again in order.
          logger.warn({ err: error, failures, backoffMs }, 'outbox batch not acknowledged; retrying');
        } else {
          logger.warn({ err: error, failures, backoffMs }, 'outbox relay failed; reconnecting');
          await dropSession();
        }
        await idle(backoffMs);
      }
    }
  };

  const observe = async (result: { observe(gauge: typeof backlogGauge, value: number, attributes: Attributes): void }): Promise<void> => {
    if (!running) return;
    const { rows } = await options.pool.query<{ backlog: number; lag: number }>(
      'SELECT count(*)::int AS backlog, coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8 AS lag FROM outbox',
    );
    result.observe(backlogGauge, rows[0]?.backlog ?? 0, attributes);
    result.observe(lagGauge, rows[0]?.lag ?? 0, attributes);
  };

  const backlog = async (): Promise<number> => (await options.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]?.n ?? 0;

  return {
    start: () => {
      if (running) return;
      running = true;
      meter.addBatchObservableCallback(observe, [backlogGauge, lagGauge]);
      loop = run();
    },
    stop: async () => {
      if (!running) return;
      running = false;
      meter.removeBatchObservableCallback(observe, [backlogGauge, lagGauge]);
      wake?.();
      await loop;
      await removals;
      const session = client;
      client = undefined;
      leader = false;
      // Ending the session releases the lease at once; a standby takes over at its next poll.
      await session?.end().catch(() => undefined);
    },
    nudge,
    get isLeader() {
      return leader;
    },
    backlog,
    drained: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const waiting = await backlog();
        if (waiting === 0) return;
        if (Date.now() > deadline) throw new Error(`the outbox of ${options.schema} still held ${waiting} events after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
