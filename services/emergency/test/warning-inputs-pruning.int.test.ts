import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, testEnvironment } from '@ecogrid/testkit';
import { createPruneWarningInputs } from '../src/app/warnings';
import type { EnterpriseReading, WarningStore } from '../src/app/warnings';
import { encodeWarningEvent } from '../src/adapters/kafka/warning-events';
import { migrateEmergencySchema } from '../src/adapters/postgres/emergency-schema';
import { createPgWarningStore } from '../src/adapters/postgres/pg-warning-store';

const logger = createLogger({ service: 'emergency-test', level: 'warn' });
const DAY_MS = 86_400_000;
/** Pinned: the retention is measured from the service's clock, whatever day the test runs. */
const NOW = new Date('2026-03-01T00:00:00Z');

const reading = (id: string, daysAgo: number): EnterpriseReading => ({
  observationId: id,
  uscc: '91140800MA0TEST001',
  deviceMn: 'PRUNE0000000000000001',
  outletId: 'DA001',
  source: 'emission',
  dataTime: new Date(NOW.getTime() - daysAgo * DAY_MS),
  values: [{ factorCode: 'a34013', value: 10 }],
});

describe('pruning the warnings part\'s inputs (PostgreSQL)', () => {
  let pool: pg.Pool;
  let store: WarningStore;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const env = await testEnvironment();
    const schema = await createTestSchema(env.databaseUrl, 'em-prune');
    pool = createServicePool({ databaseUrl: env.databaseUrl, schema: schema.name, max: 3, applicationName: 'emergency-prune-test', logger });
    await migrateEmergencySchema({ pool, schema: schema.name, logger });
    store = createPgWarningStore({ pool, encode: encodeWarningEvent('ecogrid.emergency.v1'), onEventsCommitted: () => undefined, notifyRelays: () => false });
    drop = schema.drop;
  });

  afterAll(async () => {
    await pool.end();
    await drop();
  });

  const count = async (table: string): Promise<number> => Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  const hoursLeft = async (): Promise<number[]> =>
    (await pool.query('SELECT hour FROM outlet_hours ORDER BY hour')).rows.map((row: { hour: Date }) => Math.round((NOW.getTime() - row.hour.getTime()) / DAY_MS));

  it('deletes hours and counted ids past their keep, keeps what an active warning\'s evaluation will read', async () => {
    for (const [id, daysAgo] of [['r-200', 200], ['r-100', 100], ['r-60', 60], ['r-5', 5]] as const) await store.recordReadings([reading(id, daysAgo)]);
    for (const daysAgo of [500, 300, 1]) await store.recordAqiHour('AIR-1', new Date(NOW.getTime() - daysAgo * DAY_MS), 120);
    // Counted ids carry the database's own time: age two of them past the keep.
    await pool.query("UPDATE counted_observations SET counted_at = now() - interval '20 days' WHERE observation_id IN ('r-200', 'r-100')");
    // A warning still active that started 95 days ago: its baseline reaches 102 days back.
    await pool.query(
      `INSERT INTO warnings (warning_id, level, peak_level, status, origin, drill, starts_at, reason, issued_by, list_year, list_version, created_at, updated_at)
       VALUES ('w-long', 'yellow', 'yellow', 'active', 'city', false, $1, 'test', 'dispatcher:test', 2026, 1, $1, $1)`,
      [new Date(NOW.getTime() - 95 * DAY_MS)],
    );
    const prune = createPruneWarningInputs({ store, clock: { now: () => NOW }, retention: { outletHoursKeepDays: 90, aqiHoursKeepDays: 400, countedReadingsKeepDays: 10 } });

    expect(await prune()).toEqual({ outletHours: 1, aqiHours: 1, countedReadings: 2 });
    // 200 days: past both the keep and the warning's baseline; 100 days: past the keep but inside the baseline.
    expect(await hoursLeft()).toEqual([100, 60, 5]);
    expect(await count('aqi_hours')).toBe(2);
    expect((await pool.query('SELECT observation_id FROM counted_observations ORDER BY observation_id')).rows.map((row: { observation_id: string }) => row.observation_id)).toEqual(['r-5', 'r-60']);

    // Once it is lifted, the 90 days apply.
    await pool.query("UPDATE warnings SET status = 'lifted', lifted_at = $1 WHERE warning_id = 'w-long'", [NOW]);
    expect(await prune()).toEqual({ outletHours: 1, aqiHours: 0, countedReadings: 0 });
    expect(await hoursLeft()).toEqual([60, 5]);
  });
});
