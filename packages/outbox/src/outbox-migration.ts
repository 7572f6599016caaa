import type { SqlMigration } from '@ecogrid/postgres';

/** The channel writers notify (with the schema's name as payload) when the relay is in another process. */
export const OUTBOX_CHANNEL = 'ecogrid_outbox';

/**
 * The outbox tables, created in the service's schema by the service's own migrations: `outboxMigration('0002_outbox')`
 * placed where the service wants it in its order.
 *
 * - `outbox`: events written in the caller's transaction, waiting for Kafka; a row is deleted once the broker
 *   acknowledged it. `seq` is the order of relaying; `event_id` is the CloudEvents id and is unique, so an event
 *   computed twice while it waits is stored once. The trace context of the writer is kept so the event's
 *   PRODUCER span continues the trace that caused it.
 * - `outbox_sent`: ids of events already sent, kept for a while only by services that may compute the same event
 *   again after a crash (see the relay's `rememberSentMs`); empty elsewhere.
 *
 * There is no NOTIFY trigger: PostgreSQL serialises the commits of transactions that NOTIFY, which would make every
 * writer of the schema wait for the others. Writers notify only when the relay is in another process (`enqueue`'s
 * `notify`); a relay in the writer's own process is woken with `nudge()`.
 */
export function outboxMigration(name: string): SqlMigration {
  return {
    name,
    sql: `
CREATE TABLE outbox (
  seq bigserial PRIMARY KEY,
  topic text NOT NULL,
  key text,
  event_id text NOT NULL UNIQUE,
  event_type text NOT NULL,
  payload bytea,
  event_time timestamptz NOT NULL,
  traceparent text,
  tracestate text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE outbox_sent (
  event_id text PRIMARY KEY,
  sent_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX outbox_sent_by_time ON outbox_sent (sent_at);
`,
  };
}
