export { createServicePool, sessionConfig, type ServicePoolOptions } from './create-service-pool';
export { inTransaction } from './in-transaction';
export { runMigrationCli, type MigrationCliSetup } from './run-migration-cli';
export { migrateSchema, sqlMigrationsIn, type MigrateSchemaOptions, type SqlMigration } from './migrate-schema';
export { isPlainIdentifier, quoteIdent } from './sql-identifier';
