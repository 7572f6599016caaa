import type { Pool } from 'pg';

/** Quotes a schema name for SQL text; names come from configuration and are checked there too. */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * Creates alerting's tables in its schema if they are missing. Several instances may start at once, so the
 * DDL runs under a transaction-scoped advisory lock.
 */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ecogrid.alerting.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${s}.consumer_offsets (
        topic text NOT NULL,
        partition integer NOT NULL,
        next_offset bigint,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, partition)
      );
      CREATE TABLE IF NOT EXISTS ${s}.device_state (
        device_mn text PRIMARY KEY,
        partition integer NOT NULL,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS device_state_by_partition ON ${s}.device_state (partition);
      CREATE TABLE IF NOT EXISTS ${s}.alerts (
        alert_id text PRIMARY KEY,
        sequence integer NOT NULL,
        open boolean NOT NULL,
        kind text NOT NULL,
        rule_id text NOT NULL,
        device_mn text NOT NULL,
        enterprise_uscc text NOT NULL,
        cell_id text NOT NULL,
        township_code text NOT NULL,
        severity text NOT NULL,
        opened_at timestamptz NOT NULL,
        changed_at timestamptz NOT NULL,
        payload bytea NOT NULL
      );
      CREATE INDEX IF NOT EXISTS alerts_by_change ON ${s}.alerts (changed_at DESC, alert_id DESC);
      CREATE INDEX IF NOT EXISTS alerts_open_by_change ON ${s}.alerts (changed_at DESC, alert_id DESC) WHERE open;
      CREATE INDEX IF NOT EXISTS alerts_by_device ON ${s}.alerts (device_mn, changed_at DESC);
      CREATE TABLE IF NOT EXISTS ${s}.station_aqi (
        station_mn text NOT NULL,
        hour_start timestamptz NOT NULL,
        revision integer NOT NULL,
        payload bytea NOT NULL,
        PRIMARY KEY (station_mn, hour_start)
      );
      CREATE TABLE IF NOT EXISTS ${s}.outbox (
        seq bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text,
        event_id text NOT NULL UNIQUE,
        type text NOT NULL,
        payload bytea NOT NULL,
        event_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz
      );
      CREATE INDEX IF NOT EXISTS outbox_pending ON ${s}.outbox (seq) WHERE published_at IS NULL;
    `);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
