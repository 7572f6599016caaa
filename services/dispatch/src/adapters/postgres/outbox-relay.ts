import pg from 'pg';
import { metrics } from '@opentelemetry/api';
import type { EventPublisher } from '@ecogrid/kafka';
import { TOPICS } from '@ecogrid/kafka';
import type { Logger } from '@ecogrid/telemetry';

const meter = metrics.getMeter('@ecogrid/dispatch');
const relayed = meter.createCounter('dispatch_outbox_events_total', { description: 'Case events relayed from the outbox to Kafka' });

export interface OutboxRelayOptions {
  databaseUrl: string;
  schema: string;
  publisher: EventPublisher;
  topic: string;
  notifyChannel: string;
  logger: Logger;
  /** Fallback poll when no NOTIFY arrives (and how often a follower tries to become the relay). */
  pollMs: number;
  batchSize?: number;
}

export interface OutboxRelay {
  start(): void;
  stop(): Promise<void>;
  readonly isLeader: boolean;
  /** Rows waiting in the outbox (for readiness and tests). */
  backlog(): Promise<number>;
}

/**
 * Moves outbox rows to ecogrid.cases.v1 after their transaction committed. Exactly one instance relays at a
 * time (a session advisory lock), reading rows in id order, so events of one case leave in the order they
 * were written; a row is deleted only after Kafka acknowledged it. A crash between the two re-publishes the
 * row with the same `ce_id` (`<case id>:<sequence>`), which consumers already deduplicate on.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const logger = options.logger.child({ module: 'outbox-relay' });
  const batchSize = options.batchSize ?? 500;
  let client: pg.Client | undefined;
  let leader = false;
  let running = false;
  let wake: (() => void) | undefined;
  let pendingWake = false;
  let loop: Promise<void> | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (pendingWake) {
        pendingWake = false;
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  const nudge = (): void => {
    if (wake) wake();
    else pendingWake = true;
  };

  const connect = async (): Promise<pg.Client> => {
    const fresh = new pg.Client({ connectionString: options.databaseUrl, options: `-c search_path=${options.schema},public` });
    fresh.on('error', (error) => logger.warn({ err: error }, 'relay connection error'));
    fresh.on('notification', () => nudge());
    await fresh.connect();
    return fresh;
  };

  const drain = async (db: pg.Client): Promise<void> => {
    for (;;) {
      const { rows } = await db.query<{ id: string; case_id: string; event_id: string; payload: Buffer; occurred_at: Date }>(
        'SELECT id, case_id, event_id, payload, occurred_at FROM outbox ORDER BY id LIMIT $1',
        [batchSize],
      );
      if (rows.length === 0) return;
      await options.publisher.publishAll(
        rows.map((row) => ({ topic: options.topic, key: row.case_id, value: row.payload, type: TOPICS.cases.payload, id: row.event_id, time: row.occurred_at })),
      );
      await db.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      relayed.add(rows.length);
      if (rows.length < batchSize) return;
    }
  };

  const run = async (): Promise<void> => {
    let backoff = options.pollMs;
    while (running) {
      try {
        client ??= await connect();
        if (!leader) {
          const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`ecogrid.dispatch.outbox.${options.schema}`]);
          leader = rows[0]?.locked === true;
          if (leader) {
            await client.query(`LISTEN "${options.notifyChannel}"`);
            logger.info('this instance relays the outbox');
          }
        }
        if (leader) await drain(client);
        backoff = options.pollMs;
        await sleep(options.pollMs);
      } catch (error) {
        logger.warn({ err: error }, 'outbox relay failed; reconnecting');
        leader = false;
        const broken = client;
        client = undefined;
        await broken?.end().catch(() => undefined);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  };

  return {
    start: () => {
      if (running) return;
      running = true;
      loop = run();
    },
    stop: async () => {
      running = false;
      nudge();
      await loop;
      await client?.end().catch(() => undefined);
      client = undefined;
      leader = false;
    },
    get isLeader() {
      return leader;
    },
    backlog: async () => {
      const db = new pg.Client({ connectionString: options.databaseUrl, options: `-c search_path=${options.schema},public` });
      await db.connect();
      try {
        const { rows } = await db.query<{ count: string }>('SELECT count(*) AS count FROM outbox');
        return Number(rows[0]?.count ?? 0);
      } finally {
        await db.end();
      }
    },
  };
}
