import pg from 'pg';
import type { Logger } from '@ecogrid/telemetry';
import { quoteIdent } from './sql-identifier';

export interface ServicePoolOptions {
  databaseUrl: string;
  /** The service's own schema, first on the search path; `public` follows for extensions (PostGIS). */
  schema: string;
  max?: number;
  /**
   * How long a connection may sit idle before the pool closes it (pg's default: 10 s). Each new connection is a
   * PostgreSQL backend forked and authenticated; a service whose callers pause longer than this pays for its whole
   * pool again, all at once, when they return.
   */
  idleTimeoutMs?: number;
  /** Shown in pg_stat_activity, e.g. `ecogrid-dispatch`. */
  applicationName: string;
  logger: Logger;
}

/** Connection settings of a session in the service's schema, for the pool and for dedicated clients alike. */
export function sessionConfig(databaseUrl: string, schema: string, applicationName: string): pg.ClientConfig {
  quoteIdent(schema);
  const url = new URL(databaseUrl);
  // The schema comes from configuration, not from the URL, so one database can hold many services and tests.
  url.searchParams.delete('options');
  return { connectionString: url.toString(), options: `-c search_path=${schema},public`, application_name: applicationName };
}

/**
 * The pool of one service: every session starts in the service's schema. An idle client that fails (the
 * server restarted) is logged instead of crashing the process; the next query gets a fresh connection.
 */
export function createServicePool(options: ServicePoolOptions): pg.Pool {
  const pool = new pg.Pool({ ...sessionConfig(options.databaseUrl, options.schema, options.applicationName), max: options.max ?? 10, idleTimeoutMillis: options.idleTimeoutMs ?? 10_000 });
  pool.on('error', (error) => options.logger.warn({ err: error }, 'idle PostgreSQL connection failed'));
  return pool;
}
