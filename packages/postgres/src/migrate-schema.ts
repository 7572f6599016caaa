import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, type DatabaseIntrospector, type Migration, type TableMetadata } from 'kysely';
import type { Pool } from 'pg';
import type { Logger } from '@ecogrid/telemetry';
import { quoteIdent } from './sql-identifier';

/** One versioned change of a schema. `name` orders it (`0001_cases`); a shipped one is never edited. */
export interface SqlMigration {
  name: string;
  sql: string;
}

const FILE_NAME = /^(\d{4}_[a-z0-9_]+)\.sql$/;

/** The `NNNN_name.sql` files of a service's `migrations/` directory, in name order. */
export function sqlMigrationsIn(directory: string): SqlMigration[] {
  return readdirSync(directory)
    .map((file) => FILE_NAME.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ name: match[1] as string, sql: readFileSync(join(directory, match[0]), 'utf8') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface MigrateSchemaOptions {
  pool: Pool;
  /** The service's schema: created if missing; its tables and kysely's bookkeeping live there. */
  schema: string;
  migrations: SqlMigration[];
  logger: Logger;
}

/**
 * Brings a service's schema to its latest version with kysely's Migrator: pending migrations run in name order,
 * all in one transaction, under a PostgreSQL advisory lock, so instances starting together wait for each other
 * instead of racing, and a failing migration leaves the schema as it was. A migration applied to the database
 * but missing from the list, or a new one ordered before an applied one, stops the start.
 */
export async function migrateSchema(options: MigrateSchemaOptions): Promise<string[]> {
  const schema = quoteIdent(options.schema);
  const names = new Set<string>();
  for (const migration of options.migrations) {
    if (names.has(migration.name)) throw new Error(`two migrations are named ${migration.name}`);
    names.add(migration.name);
  }
  // Kysely over the service's own pool; never destroyed here, since that would end the caller's pool.
  const db = new Kysely<unknown>({ dialect: new OwnSchemaPostgresDialect(options.pool, options.schema) });
  const migrations: Record<string, Migration> = Object.fromEntries(
    options.migrations.map((migration) => [
      migration.name,
      {
        up: async (trx: Kysely<unknown>) => {
          // Migration files name tables without a schema: they land in the service's schema wherever it is.
          await sql.raw(`SET LOCAL search_path TO ${schema}, public`).execute(trx);
          // No bind parameters, so pg sends the simple protocol and a file may hold several statements.
          await sql.raw(migration.sql).execute(trx);
        },
      },
    ]),
  );
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema: options.schema });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migrating schema ${options.schema} failed${failed ? ` at ${failed.migrationName}` : ''}: ${reason}`, { cause: error });
  }
  const applied = (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
  if (applied.length > 0) options.logger.info({ schema: options.schema, applied }, 'migrations applied');
  return applied;
}

/**
 * PostgreSQL for the Migrator, which asks the introspector whether its bookkeeping tables exist. Kysely's own
 * introspector reads every table of every schema (with each column's serial sequence), so a schema another
 * service or test drops at that moment fails this service's start with "schema … does not exist". This one looks
 * at the service's own schema only.
 */
class OwnSchemaPostgresDialect extends PostgresDialect {
  readonly #schema: string;

  constructor(pool: Pool, schema: string) {
    super({ pool });
    this.#schema = schema;
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    const schema = this.#schema;
    const getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ name: string; kind: string }>`
        SELECT c.relname AS name, c.relkind AS kind FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p', 'v', 'm')`.execute(db);
      return rows.map((row) => ({ name: row.name, schema, isView: row.kind === 'v' || row.kind === 'm', columns: [] }));
    };
    return {
      getSchemas: async () => (await sql<{ name: string }>`SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname = ${schema}`.execute(db)).rows,
      getTables,
      getMetadata: async () => ({ tables: await getTables() }),
    };
  }
}
