import type pg from 'pg';
import { enqueue, type OutboxEvent } from '@ecogrid/outbox';
import type { EpisodeEvaluation } from '../../domain/warnings/episode-evaluation';
import type { Breach, Obligation } from '../../domain/warnings/obligation';
import type { ReductionListEntry } from '../../domain/warnings/reduction-list';
import type { Warning } from '../../domain/warnings/warning';
import type { WarningLevel } from '../../domain/warnings/warning-level';
import type { EnterpriseHour, EnterpriseReading, ReductionList, WarningEvent, WarningStore, WarningTransaction } from '../../app/warnings';

type Row = Record<string, unknown>;
const HOUR_MS = 3_600_000;

const date = (value: unknown): Date | undefined => (value instanceof Date ? value : value ? new Date(String(value)) : undefined);

function warningOf(row: Row): Warning {
  const expectedEndAt = date(row.expected_end_at);
  const liftedAt = date(row.lifted_at);
  return {
    warningId: String(row.warning_id),
    level: row.level as WarningLevel,
    peakLevel: row.peak_level as WarningLevel,
    status: row.status as Warning['status'],
    origin: row.origin as Warning['origin'],
    drill: Boolean(row.drill),
    startsAt: date(row.starts_at) as Date,
    ...(expectedEndAt ? { expectedEndAt } : {}),
    ...(liftedAt ? { liftedAt } : {}),
    reason: String(row.reason),
    issuedBy: String(row.issued_by),
    listYear: Number(row.list_year),
    listVersion: Number(row.list_version),
    obligationCount: Number(row.obligation_count),
    sequence: Number(row.sequence),
  };
}

function obligationOf(row: Row): Obligation {
  const windowEnd = date(row.window_end);
  const breachedAt = date(row.breached_at);
  return {
    obligationId: String(row.obligation_id),
    warningId: String(row.warning_id),
    uscc: String(row.uscc),
    enterpriseName: String(row.enterprise_name),
    grade: row.grade as Obligation['grade'],
    level: row.level as WarningLevel,
    measure: row.measure as Obligation['measure'],
    productionLimitPercent: Number(row.production_limit_percent),
    reducedLevels: row.reduced_levels as Obligation['reducedLevels'],
    windowStart: date(row.window_start) as Date,
    ...(windowEnd ? { windowEnd } : {}),
    status: row.status as Obligation['status'],
    ...(breachedAt ? { breach: { at: breachedAt, reason: { zh: String(row.breach_reason ?? ''), en: String(row.breach_reason_en ?? '') } } } : {}),
    place: { cellId: String(row.cell_id), townshipCode: String(row.township_code), ...(row.lon !== null && row.lon !== undefined ? { lon: Number(row.lon) } : {}), ...(row.lat !== null && row.lat !== undefined ? { lat: Number(row.lat) } : {}) },
  };
}

function entryOf(row: Row): ReductionListEntry {
  const validUntil = date(row.grade_valid_until);
  return { uscc: String(row.uscc), name: String(row.enterprise_name), industry: String(row.industry), grade: row.grade as ReductionListEntry['grade'], ...(validUntil ? { gradeValidUntil: validUntil } : {}), measures: row.measures as ReductionListEntry['measures'] };
}

/** Dates inside the stored evaluation JSON come back as strings. */
function evaluationOf(value: unknown): EpisodeEvaluation {
  const stored = value as EpisodeEvaluation & { startsAt: string; liftedAt: string; evaluatedAt: string };
  return { ...stored, startsAt: new Date(stored.startsAt), liftedAt: new Date(stored.liftedAt), evaluatedAt: new Date(stored.evaluatedAt) };
}

const OBLIGATION_COLUMNS = ['obligation_id', 'warning_id', 'uscc', 'enterprise_name', 'cell_id', 'township_code', 'lon', 'lat', 'grade', 'level', 'measure', 'production_limit_percent', 'reduced_levels', 'window_start', 'window_end', 'status', 'breach_reason', 'breach_reason_en', 'breached_at'] as const;
const OBLIGATION_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'float8', 'float8', 'text', 'text', 'text', 'float8', 'jsonb', 'timestamptz', 'timestamptz', 'text', 'text', 'text', 'timestamptz'];

/** The obligations as column arrays, for one INSERT … SELECT FROM unnest (a thousand enterprises in one statement). */
function obligationColumns(obligations: readonly Obligation[]): unknown[][] {
  return [
    obligations.map((o) => o.obligationId),
    obligations.map((o) => o.warningId),
    obligations.map((o) => o.uscc),
    obligations.map((o) => o.enterpriseName),
    obligations.map((o) => o.place.cellId),
    obligations.map((o) => o.place.townshipCode),
    obligations.map((o) => o.place.lon ?? null),
    obligations.map((o) => o.place.lat ?? null),
    obligations.map((o) => o.grade),
    obligations.map((o) => o.level),
    obligations.map((o) => o.measure),
    obligations.map((o) => o.productionLimitPercent),
    obligations.map((o) => JSON.stringify(o.reducedLevels)),
    obligations.map((o) => o.windowStart),
    obligations.map((o) => o.windowEnd ?? null),
    obligations.map((o) => o.status),
    obligations.map((o) => o.breach?.reason.zh ?? null),
    obligations.map((o) => o.breach?.reason.en ?? null),
    obligations.map((o) => o.breach?.at ?? null),
  ];
}

const UNNEST_OBLIGATIONS = `unnest(${OBLIGATION_TYPES.map((type, index) => `$${index + 1}::${type === 'jsonb' ? 'text' : type}[]`).join(', ')}) AS o(${OBLIGATION_COLUMNS.join(', ')})`;

export interface PgWarningStoreOptions {
  pool: pg.Pool;
  /** Turns a warning event into the outbox row (topic, key, id, payload). */
  encode: (event: WarningEvent) => OutboxEvent;
  /** Called after a transaction with events commits: wakes the relay of this process. */
  onEventsCommitted: () => void;
  /** Whether to NOTIFY other processes' relays (false when this process holds the relay lease). */
  notifyRelays: () => boolean;
}

/** The warnings part's PostgreSQL store: one transaction per use case, its events in the same transaction's outbox. */
export function createPgWarningStore(options: PgWarningStoreOptions): WarningStore {
  const { pool } = options;

  const transaction = (client: pg.PoolClient, published: { count: number }): WarningTransaction => ({
    lockEpisodes: async () => void (await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.warnings'))")),
    activeWarning: async (drill) => {
      const { rows } = await client.query("SELECT * FROM warnings WHERE status = 'active' AND drill = $1 FOR UPDATE", [drill]);
      return rows[0] ? warningOf(rows[0]) : undefined;
    },
    warningForUpdate: async (warningId) => {
      const { rows } = await client.query('SELECT * FROM warnings WHERE warning_id = $1 FOR UPDATE', [warningId]);
      return rows[0] ? warningOf(rows[0]) : undefined;
    },
    saveWarning: async (warning, change) => {
      await client.query(
        `INSERT INTO warnings (warning_id, level, peak_level, status, origin, drill, starts_at, expected_end_at, lifted_at, reason, issued_by, list_year, list_version, obligation_count, sequence, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         ON CONFLICT (warning_id) DO UPDATE SET level = EXCLUDED.level, peak_level = EXCLUDED.peak_level, status = EXCLUDED.status, expected_end_at = EXCLUDED.expected_end_at,
           lifted_at = EXCLUDED.lifted_at, reason = EXCLUDED.reason, obligation_count = EXCLUDED.obligation_count, sequence = EXCLUDED.sequence, updated_at = EXCLUDED.updated_at`,
        [warning.warningId, warning.level, warning.peakLevel, warning.status, warning.origin, warning.drill, warning.startsAt, warning.expectedEndAt ?? null, warning.liftedAt ?? null, warning.reason, warning.issuedBy, warning.listYear, warning.listVersion, warning.obligationCount, warning.sequence, change.at],
      );
      await client.query('INSERT INTO warning_changes (warning_id, sequence, change, level, previous_level, actor, reason, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        warning.warningId,
        warning.sequence,
        change.change,
        warning.level,
        change.previousLevel ?? null,
        change.actor,
        change.reason,
        change.at,
      ]);
    },
    reductionList: (year, version) => readList(client, year, version),
    openObligations: async (warningId) => (await client.query('SELECT * FROM obligations WHERE warning_id = $1 AND window_end IS NULL ORDER BY obligation_id', [warningId])).rows.map(obligationOf),
    insertObligations: async (obligations) => {
      if (obligations.length === 0) return;
      await client.query(`INSERT INTO obligations (${OBLIGATION_COLUMNS.join(', ')}) SELECT ${OBLIGATION_COLUMNS.map((column) => (column === 'reduced_levels' ? 'o.reduced_levels::jsonb' : `o.${column}`)).join(', ')} FROM ${UNNEST_OBLIGATIONS} ON CONFLICT (obligation_id) DO NOTHING`, obligationColumns(obligations));
    },
    updateObligations: async (obligations) => {
      if (obligations.length === 0) return;
      await client.query(`UPDATE obligations t SET window_end = o.window_end, status = o.status FROM ${UNNEST_OBLIGATIONS} WHERE t.obligation_id = o.obligation_id`, obligationColumns(obligations));
    },
    markBreached: async (obligationId: string, breach: Breach, caseRequestId: string) => {
      const result = await client.query("UPDATE obligations SET status = 'breached', breach_reason = $2, breach_reason_en = $3, breached_at = $4, case_request_id = $5 WHERE obligation_id = $1 AND status = 'active'", [obligationId, breach.reason.zh, breach.reason.en, breach.at, caseRequestId]);
      return (result.rowCount ?? 0) > 0;
    },
    obligationsOf: async (warningId) => (await client.query('SELECT * FROM obligations WHERE warning_id = $1 ORDER BY obligation_id', [warningId])).rows.map(obligationOf),
    saveEvaluation: async (evaluation) => {
      await client.query('INSERT INTO episode_evaluations (warning_id, evaluation, evaluated_at) VALUES ($1, $2, $3) ON CONFLICT (warning_id) DO UPDATE SET evaluation = EXCLUDED.evaluation, evaluated_at = EXCLUDED.evaluated_at', [evaluation.warningId, JSON.stringify(evaluation), evaluation.evaluatedAt]);
    },
    publish: async (events) => {
      if (events.length === 0) return;
      published.count += await enqueue(client, events.map(options.encode), { notify: options.notifyRelays() });
    },
  });

  async function readList(client: pg.Pool | pg.PoolClient, year: number, version?: number): Promise<ReductionList | undefined> {
    const { rows: lists } = await client.query(version ? 'SELECT version FROM reduction_lists WHERE year = $1 AND version = $2' : 'SELECT version FROM reduction_lists WHERE year = $1 ORDER BY version DESC LIMIT 1', version ? [year, version] : [year]);
    const found = lists[0] as Row | undefined;
    if (!found) return undefined;
    const { rows } = await client.query('SELECT * FROM reduction_list_entries WHERE year = $1 AND version = $2 ORDER BY uscc', [year, found.version]);
    return { year, version: Number(found.version), entries: rows.map(entryOf) };
  }

  return {
    inTransaction: async (work) => {
      const client = await pool.connect();
      const published = { count: 0 };
      try {
        await client.query('BEGIN');
        const result = await work(transaction(client, published));
        await client.query('COMMIT');
        if (published.count > 0) options.onEventsCommitted();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    saveReductionList: async (year, entries, actor, at) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // One importer of a year at a time, so versions are numbered without gaps or clashes.
        await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.reduction_lists'), $1::int)", [year]);
        const { rows } = await client.query('SELECT coalesce(max(version), 0) + 1 AS version FROM reduction_lists WHERE year = $1', [year]);
        const version = Number((rows[0] as Row).version);
        await client.query('INSERT INTO reduction_lists (year, version, imported_at, imported_by, enterprise_count) VALUES ($1, $2, $3, $4, $5)', [year, version, at, actor, entries.length]);
        await client.query(
          `INSERT INTO reduction_list_entries (year, version, uscc, enterprise_name, industry, grade, grade_valid_until, measures)
           SELECT $1, $2, e.uscc, e.name, e.industry, e.grade, e.valid_until, e.measures::jsonb FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[]) AS e(uscc, name, industry, grade, valid_until, measures)`,
          [year, version, entries.map((e) => e.uscc), entries.map((e) => e.name), entries.map((e) => e.industry), entries.map((e) => e.grade), entries.map((e) => e.gradeValidUntil ?? null), entries.map((e) => JSON.stringify(e.measures))],
        );
        await client.query('COMMIT');
        return { year, version, entries: [...entries] };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    reductionList: (year) => readList(pool, year),
    getWarning: async (warningId) => {
      const { rows } = await pool.query('SELECT * FROM warnings WHERE warning_id = $1', [warningId]);
      return rows[0] ? warningOf(rows[0]) : undefined;
    },
    listWarnings: async ({ size, after }) => {
      const { rows } = after
        ? await pool.query('SELECT * FROM warnings WHERE (created_at, warning_id) < (SELECT created_at, warning_id FROM warnings WHERE warning_id = $1) ORDER BY created_at DESC, warning_id DESC LIMIT $2', [after, size + 1])
        : await pool.query('SELECT * FROM warnings ORDER BY created_at DESC, warning_id DESC LIMIT $1', [size + 1]);
      const warnings = rows.slice(0, size).map(warningOf);
      return { warnings, ...(rows.length > size ? { next: warnings.at(-1)?.warningId } : {}) };
    },
    lastLifted: async (drill) => {
      const { rows } = await pool.query("SELECT * FROM warnings WHERE status = 'lifted' AND drill = $1 ORDER BY lifted_at DESC LIMIT 1", [drill]);
      return rows[0] ? warningOf(rows[0]) : undefined;
    },
    listObligations: async (filter) => {
      const { rows } = await pool.query('SELECT * FROM obligations WHERE warning_id = $1 AND ($2::text IS NULL OR uscc = $2) AND ($3::text IS NULL OR status = $3) ORDER BY uscc, window_start, obligation_id', [filter.warningId, filter.uscc ?? null, filter.status ?? null]);
      return rows.map(obligationOf);
    },
    obligationsToCheck: async () => {
      const { rows } = await pool.query(
        `SELECT o.*, w.drill FROM obligations o JOIN warnings w USING (warning_id)
         WHERE o.status = 'active' AND o.window_end IS NULL AND o.measure IN ('stop', 'production_limit', 'reduced_emission')`,
      );
      return rows.map((row: Row) => ({ ...obligationOf(row), drill: Boolean(row.drill) }));
    },
    evaluation: async (warningId) => {
      const { rows } = await pool.query('SELECT evaluation FROM episode_evaluations WHERE warning_id = $1', [warningId]);
      return rows[0] ? evaluationOf((rows[0] as Row).evaluation) : undefined;
    },
    recordReadings: async (readings: readonly EnterpriseReading[]) => {
      let recorded = 0;
      for (const reading of readings) {
        const hour = new Date(Math.floor(reading.dataTime.getTime() / HOUR_MS) * HOUR_MS);
        // The observation id and the hourly sums in one statement: a redelivered reading changes nothing.
        const { rows } = await pool.query(
          `WITH counted AS (INSERT INTO counted_observations (observation_id, counted_at) VALUES ($1, now()) ON CONFLICT DO NOTHING RETURNING 1),
                added AS (
                  INSERT INTO outlet_hours (device_mn, factor_code, hour, uscc, outlet_id, source, value_sum, value_count)
                  SELECT $2, v.factor_code, $3, $4, $5, $6, v.value, 1 FROM unnest($7::text[], $8::float8[]) AS v(factor_code, value), counted
                  ON CONFLICT (device_mn, factor_code, hour) DO UPDATE SET value_sum = outlet_hours.value_sum + EXCLUDED.value_sum, value_count = outlet_hours.value_count + 1
                  RETURNING 1)
           SELECT (SELECT count(*) FROM counted) AS counted`,
          [reading.observationId, reading.deviceMn, hour, reading.uscc, reading.outletId, reading.source, reading.values.map((value) => value.factorCode), reading.values.map((value) => value.value)],
        );
        recorded += Number((rows[0] as Row).counted);
      }
      return recorded;
    },
    enterpriseHours: async (usccs, from, to): Promise<EnterpriseHour[]> => {
      const { rows } = await pool.query('SELECT uscc, source, outlet_id, factor_code, hour, value_sum / value_count AS mean FROM outlet_hours WHERE uscc = ANY($1::text[]) AND hour >= $2 AND hour < $3', [usccs, from, to]);
      return rows.map((row: Row) => ({ uscc: String(row.uscc), source: row.source as EnterpriseHour['source'], outletId: String(row.outlet_id), factorCode: String(row.factor_code), hour: (date(row.hour) as Date).getTime(), mean: Number(row.mean) }));
    },
    recordAqiHour: async (stationMn, hour, aqi) => {
      await pool.query('INSERT INTO aqi_hours (station_mn, hour, aqi) VALUES ($1, $2, $3) ON CONFLICT (station_mn, hour) DO UPDATE SET aqi = EXCLUDED.aqi', [stationMn, hour, aqi]);
    },
    stationAqiSince: async (from) => {
      const { rows } = await pool.query('SELECT hour, aqi FROM aqi_hours WHERE hour >= $1', [from]);
      return rows.map((row: Row) => ({ hour: (date(row.hour) as Date).getTime(), aqi: Number(row.aqi) }));
    },
    saveForecast: async (day, aqi, actor, at) => {
      await pool.query('INSERT INTO aqi_forecasts (day, aqi, recorded_at, recorded_by) VALUES ($1, $2, $3, $4) ON CONFLICT (day) DO UPDATE SET aqi = EXCLUDED.aqi, recorded_at = EXCLUDED.recorded_at, recorded_by = EXCLUDED.recorded_by', [day, aqi, at, actor]);
    },
    forecasts: async (days) => {
      const { rows } = await pool.query("SELECT to_char(day, 'YYYY-MM-DD') AS day, aqi FROM aqi_forecasts WHERE day = ANY($1::date[])", [days]);
      return new Map(rows.map((row: Row) => [String(row.day), Number(row.aqi)]));
    },
    earliestActiveStart: async () => {
      const { rows } = await pool.query("SELECT min(starts_at) AS starts_at FROM warnings WHERE status = 'active'");
      return date(rows[0]?.starts_at) ?? undefined;
    },
    pruneInputs: async (cutoffs) => {
      const deleted = async (sql: string, bound: Date | number): Promise<number> => (await pool.query(sql, [bound])).rowCount ?? 0;
      return {
        outletHours: await deleted('DELETE FROM outlet_hours WHERE hour < $1', cutoffs.outletHoursBefore),
        aqiHours: await deleted('DELETE FROM aqi_hours WHERE hour < $1', cutoffs.aqiHoursBefore),
        countedReadings: await deleted("DELETE FROM counted_observations WHERE counted_at < now() - $1::bigint * interval '1 millisecond'", cutoffs.countedReadingsOlderThanMs),
      };
    },
  };
}
