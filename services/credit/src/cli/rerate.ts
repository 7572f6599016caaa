/**
 * `node dist/cli/rerate.js [rerate|rebuild|verify]` against CREDIT_SCHEMA in DATABASE_URL, printing one JSON line:
 * `rerate` rates every enterprise in the ledger afresh for the current period (the full re-rating an operator runs
 * after a ruleset change, timed by the benchmark); `rebuild` compares every stored rating with the ledger;
 * `verify` walks every chain. Reads only: nothing is stored or published.
 */
import { z } from 'zod';
import { createServicePool } from '@ecogrid/postgres';
import { parseConfig, schemaName } from '@ecogrid/service-kit';
import { createLogger } from '@ecogrid/telemetry';
import { createCreditApp } from '../app';
import { createPgCreditStore } from '../adapters/postgres/pg-credit-store';
import { encodeRating } from '../adapters/kafka/rating-event';
import { createRulesetCatalogue } from '../domain/ruleset-catalogue';
import { SHIPPED_RULESETS } from '../domain/rulesets';
import { clockOf } from '../config';
import { readRulesetFile } from '../adapters/rulesets/ruleset-file';

const schema = z.object({
  DATABASE_URL: z.string().min(1),
  CREDIT_SCHEMA: schemaName.default('credit'),
  CREDIT_JURISDICTION: z.enum(['CN', 'CN-SX']).default('CN'),
  CREDIT_CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  CREDIT_RULESET_FILES: z.string().optional(),
});

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'rerate';
  if (!['rerate', 'rebuild', 'verify'].includes(mode)) throw new Error(`unknown mode ${mode}: rerate, rebuild or verify`);
  const config = parseConfig(schema, process.env);
  const logger = createLogger({ service: 'credit-rerate', level: 'warn' });
  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.CREDIT_SCHEMA, applicationName: 'ecogrid-credit-rerate', max: 2, logger });
  try {
    const app = createCreditApp({
      store: createPgCreditStore({ pool, creditTopic: '', encodeRating, onEventsCommitted: () => undefined, notifyRelays: () => false }),
      directory: { ownerOfDevice: () => undefined, nameOf: () => undefined, enterprises: () => [] },
      catalogue: createRulesetCatalogue([...SHIPPED_RULESETS, ...(config.CREDIT_RULESET_FILES ?? '').split(',').map((path) => path.trim()).filter(Boolean).map(readRulesetFile)]),
      jurisdiction: config.CREDIT_JURISDICTION,
      clock: clockOf(config),
    });
    const result = mode === 'rerate' ? await app.rerateAll() : mode === 'rebuild' ? await app.rebuildRatings() : await app.verifyLedger();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`credit ${process.argv[2] ?? 'rerate'} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
