import type { SqlMigration } from '@ecogrid/postgres';

/** The channel a committed outbox insert notifies, with the schema's name as payload. */
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
 * - A statement-level trigger notifies the relay at commit (NOTIFY is transactional and collapses repeats), so the
 *   writer needs no extra round trip and any statement that inserts rows wakes the relay.
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

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${OUTBOX_CHANNEL}', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
`,
  };
}
