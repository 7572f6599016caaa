import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, testEnvironment, type TestSchema } from '@ecogrid/testkit';
import type { CaseStatus } from '../src/domain/case';
import { GENESIS_HASH, sealEntry, type HistoryEntry, type JsonObject } from '../src/domain/history-chain';
import type { KpiFilter, Kpis } from '../src/domain/kpis';
import { migrateDispatchSchema } from '../src/adapters/postgres/dispatch-schema';
import { createPgKpiQuery } from '../src/adapters/postgres/pg-kpis';

const MIN = 60_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

/** A history from (minute, action, status, step, deadline minute, extra state) rows. */
function history(caseId: string, rows: Array<[number, string, CaseStatus, string | null, number | null, JsonObject?]>): HistoryEntry[] {
  let previous = GENESIS_HASH;
  let stepStarted: number | null = null;
  let lastStep: string | null = null;
  let lastDeadline: number | null = null;
  let from: CaseStatus | null = null;
  return rows.map(([minute, action, status, step, deadline, extra], index) => {
    if (step !== lastStep || (deadline !== null && deadline !== lastDeadline && action !== 'resumed')) stepStarted = step ? minute : null;
    lastStep = step;
    lastDeadline = deadline;
    const state: JsonObject = { status, township: 'T1', assignee: 'O1', escalationLevel: 0, ...(extra ?? {}) };
    if (step && stepStarted !== null && deadline !== null) {
      state.step = step;
      state.stepStartedAt = new Date(T0 + stepStarted * MIN).toISOString();
      state.stepDeadline = new Date(T0 + deadline * MIN).toISOString();
    }
    const entry = sealEntry({ caseId, sequence: index + 1, action, actor: 'x', occurredAt: new Date(T0 + minute * MIN), fromStatus: from, toStatus: status, details: { state } }, previous, { id: 'k1', secret: 'kpi-test-key-0123456789abcdefghijklmnop' });
    previous = entry.hash;
    from = status;
    return entry;
  });
}

const onTime = history('A', [
  [0, 'registered', 'registered', null, null],
  [0, 'dispatched', 'dispatched', 'accept', 15],
  [10, 'accepted', 'accepted', 'arrive', 70],
  [40, 'arrived', 'on_site', 'handle', 280],
  [100, 'resolved', 'handled', 'verify', 1540],
  [200, 'verified', 'verified', null, null],
  [210, 'closed', 'closed', null, null],
]);

const lateAccept = history('B', [
  [0, 'registered', 'registered', null, null],
  [0, 'dispatched', 'dispatched', 'accept', 15],
  [30, 'accepted', 'accepted', 'arrive', 90],
  [60, 'arrived', 'on_site', 'handle', 300],
  [120, 'resolved', 'handled', 'verify', 1560],
  [300, 'verified', 'verified', null, null],
  [310, 'closed', 'closed', null, null],
]);

/** Suspended for 100 min while handling: without the pause it would be late, with it it is not. */
const suspended = history('C', [
  [0, 'registered', 'registered', null, null],
  [0, 'dispatched', 'dispatched', 'accept', 15],
  [5, 'accepted', 'accepted', 'arrive', 65],
  [20, 'arrived', 'on_site', 'handle', 260],
  [50, 'suspended', 'suspended', 'handle', 260],
  [150, 'resumed', 'on_site', 'handle', 360],
  [300, 'resolved', 'handled', 'verify', 1740],
  [400, 'verified', 'verified', null, null],
  [400, 'closed', 'closed', null, null],
]);

const stillOpenOverdue = history('D', [
  [0, 'registered', 'registered', null, null],
  [0, 'dispatched', 'dispatched', 'accept', 15, { township: 'T2', assignee: 'O2' }],
]);

/**
 * The KPI aggregation in SQL on hand-made histories whose figures are worked out in the comments: every case's
 * history is stored as dispatch stores it, each test asks one period, and the query must give these numbers.
 */
describe('KPIs aggregated by PostgreSQL from the case histories', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  const logger = createLogger({ service: 'dispatch-test', level: 'warn' });
  const ALL = [onTime, lateAccept, suspended, stillOpenOverdue];

  /** A period's KPIs over only the named cases (each test's world), by case-id prefix filtering the table. */
  const kpisOf = async (cases: HistoryEntry[][], filter: KpiFilter): Promise<Kpis> => {
    await pool.query('DELETE FROM case_history WHERE true');
    await pool.query('DELETE FROM cases');
    for (const entries of cases) {
      const last = entries[entries.length - 1] as HistoryEntry;
      await pool.query(
        `INSERT INTO cases (id, status, source, priority, case_type, title, created_at, updated_at, version) VALUES ($1, $2, 'manual', 'normal', 'dust', $1, $3, $4, $5)`,
        [last.caseId, last.toStatus, (entries[0] as HistoryEntry).occurredAt, last.occurredAt, entries.length],
      );
      for (const entry of entries) {
        await pool.query(
          'INSERT INTO case_history (case_id, sequence, action, actor, occurred_at, from_status, to_status, details, previous_hash, hash, key_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
          [entry.caseId, entry.sequence, entry.action, entry.actor, entry.occurredAt, entry.fromStatus, entry.toStatus, JSON.stringify(entry.details), entry.previousHash, entry.hash, entry.keyId ?? null],
        );
      }
    }
    return createPgKpiQuery(pool)(filter);
  };

  beforeAll(async () => {
    const environment = await testEnvironment();
    schema = await createTestSchema(environment.databaseUrl, 'dispatch_kpis');
    pool = createServicePool({ databaseUrl: environment.databaseUrl, schema: schema.name, applicationName: 'dispatch-kpi-test', max: 2, logger });
    await migrateDispatchSchema({ pool, schema: schema.name, logger });
    // The fixture deletes and rewrites history rows between tests, which the append-only trigger refuses.
    await pool.query('ALTER TABLE case_history DISABLE TRIGGER USER');
  });

  afterAll(async () => {
    await pool?.end();
    await schema?.drop();
  });

  it('counts a case on time only when every step met its deadline, pauses excluded', async () => {
    const kpis = await kpisOf(ALL, { from: new Date(T0), to: new Date(T0 + 2_000 * MIN), now: new Date(T0 + 2_000 * MIN) });
    process.stdout.write(`KPIs in SQL over ${ALL.length} cases: closed ${kpis.closed} (${kpis.closedOnTime} on time), backlog ${kpis.backlog}, overdue ${kpis.overdue}, median handling ${kpis.medianHandlingSeconds} s\n`);
    expect(kpis.closed).toBe(3);
    expect(kpis.closedOnTime).toBe(2);
    expect(kpis.onTimeRate).toBeCloseTo(2 / 3);
    expect(kpis.backlog).toBe(1);
    expect(kpis.overdueCases.map((item) => item.caseId)).toEqual(['D']);
    expect(kpis.overdueCases[0]).toMatchObject({ step: 'accept', township: 'T2', assignee: 'O2' });
    const accept = kpis.steps.find((step) => step.step === 'accept');
    expect(accept).toMatchObject({ completed: 3, completedLate: 1, medianSeconds: 600 });
    // Handling of C took 280 min of which 100 paused: 180 min; A 60 min; B 60 min.
    const handle = kpis.steps.find((step) => step.step === 'handle');
    expect(handle).toMatchObject({ completed: 3, completedLate: 0, medianSeconds: 3600 });
    expect(handle?.p90Seconds).toBeCloseTo(180 * 60 - 0.2 * 120 * 60);
    // Registration → closure without pauses: A 210, B 310, C 300 min.
    expect(kpis.medianHandlingSeconds).toBe(300 * 60);
  });

  it('breaks the rate down per township and officer, and filters by them', async () => {
    const cases = [onTime, lateAccept, stillOpenOverdue];
    const kpis = await kpisOf(cases, { from: new Date(T0), to: new Date(T0 + 2_000 * MIN), now: new Date(T0 + 2_000 * MIN) });
    expect(kpis.townships).toEqual([
      { key: 'T1', closed: 2, closedOnTime: 1, onTimeRate: 0.5, backlog: 0 },
      { key: 'T2', closed: 0, closedOnTime: 0, onTimeRate: null, backlog: 1 },
    ]);
    expect(kpis.officers).toEqual([
      { key: 'O1', closed: 2, closedOnTime: 1, onTimeRate: 0.5, backlog: 0 },
      { key: 'O2', closed: 0, closedOnTime: 0, onTimeRate: null, backlog: 1 },
    ]);
    const t2 = await kpisOf(cases, { from: new Date(T0), to: new Date(T0 + 2_000 * MIN), now: new Date(T0 + 2_000 * MIN), townshipCode: 'T2' });
    expect(t2).toMatchObject({ closed: 0, onTimeRate: null, backlog: 1, overdue: 1 });
    const o1 = await kpisOf(cases, { from: new Date(T0), to: new Date(T0 + 2_000 * MIN), now: new Date(T0 + 2_000 * MIN), officerId: 'O1' });
    expect(o1).toMatchObject({ closed: 2, backlog: 0, overdue: 0 });
  });

  it('only counts closures inside the period', async () => {
    const kpis = await kpisOf([onTime], { from: new Date(T0 + 300 * MIN), to: new Date(T0 + 2_000 * MIN), now: new Date(T0 + 2_000 * MIN) });
    expect(kpis.closed).toBe(0);
    const before = await kpisOf([onTime], { from: new Date(T0), to: new Date(T0 + 100 * MIN), now: new Date(T0 + 100 * MIN) });
    expect(before).toMatchObject({ closed: 0, backlog: 1 });
  });
});
