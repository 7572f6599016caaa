import type pg from 'pg';
import { enqueue, type OutboxEvent } from '@ecogrid/outbox';
import type { EarlyWarningStore, EvaluationFigures, SeriesUpdate, StoredSeries, StoredWarning } from '../../app/early-warning/ports';
import type { ForecastEvidence } from '../../domain/early-warning/forecast-evidence';
import type { SeriesPoint } from '../../domain/early-warning/series-tracker';
import type { ClearReason, WarningPhase } from '../../domain/early-warning/warning-state';

/** Evidence as stored: the same shape with ISO times. */
type StoredEvidence = Omit<ForecastEvidence, 'madeAt' | 'points' | 'inputs' | 'expectedCrossingAt'> & {
  madeAt: string;
  points: Array<{ at: string; mean: number; lower: number; upper: number; probabilityBeyond: number }>;
  inputs: Array<{ dataTime: string; value: number; observationId: string }>;
  expectedCrossingAt: string | null;
};

function evidenceToJson(evidence: ForecastEvidence): StoredEvidence {
  return {
    ...evidence,
    madeAt: evidence.madeAt.toISOString(),
    points: evidence.points.map((point) => ({ ...point, at: point.at.toISOString() })),
    inputs: evidence.inputs.map((input) => ({ ...input, dataTime: input.dataTime.toISOString() })),
    expectedCrossingAt: evidence.expectedCrossingAt?.toISOString() ?? null,
  };
}

function evidenceFromJson(stored: StoredEvidence): ForecastEvidence {
  return {
    ...stored,
    madeAt: new Date(stored.madeAt),
    points: stored.points.map((point) => ({ ...point, at: new Date(point.at) })),
    inputs: stored.inputs.map((input) => ({ ...input, dataTime: new Date(input.dataTime) })),
    expectedCrossingAt: stored.expectedCrossingAt === null ? null : new Date(stored.expectedCrossingAt),
  };
}

const limitKeyOf = (update: SeriesUpdate): string => JSON.stringify(update.series.factor.limit);

interface WarningRow {
  warning_id: string;
  status: 'active' | 'cleared';
  evidence: StoredEvidence;
  raised_at: Date;
  cleared_at: Date | null;
  clear_reason: ClearReason | null;
  cell_id: string;
  township_code: string;
  message_zh: string;
  message_en: string;
}

const toWarning = (row: WarningRow): StoredWarning => ({
  warningId: row.warning_id,
  status: row.status,
  evidence: evidenceFromJson(row.evidence),
  raisedAt: row.raised_at,
  clearedAt: row.cleared_at,
  clearReason: row.clear_reason,
  cellId: row.cell_id,
  townshipCode: row.township_code,
  message: { zh: row.message_zh, en: row.message_en },
});

/**
 * Early warning in PostgreSQL. A reading's series rows, the warnings it raised or cleared and their events in the
 * outbox are written in one transaction, so an event leaves if and only if its warning is stored.
 */
export function createPgEarlyWarningStore(options: { pool: pg.Pool; eventsOf: (update: SeriesUpdate) => OutboxEvent[]; notifyOutbox?: boolean }): EarlyWarningStore {
  const { pool } = options;
  return {
    async loadSeries(seriesId: string): Promise<StoredSeries | undefined> {
      const { rows } = await pool.query<{ series_id: string; limit_key: string; phase: WarningPhase; calm_readings: number; inside_readings: number; window: SeriesPoint[]; active_warning_id: string | null; active_raised_at: Date | null }>(
        'SELECT series_id, limit_key, phase, calm_readings, inside_readings, "window", active_warning_id, active_raised_at FROM early_warning_series WHERE series_id = $1',
        [seriesId],
      );
      const row = rows[0];
      if (!row) return undefined;
      return {
        seriesId: row.series_id,
        limitKey: row.limit_key,
        window: row.window,
        state: { phase: row.phase, calmReadings: row.calm_readings, insideReadings: row.inside_readings },
        activeWarning: row.active_warning_id && row.active_raised_at ? { warningId: row.active_warning_id, raisedAt: row.active_raised_at } : null,
      };
    },

    async saveUpdates(updates: readonly SeriesUpdate[]): Promise<void> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const update of updates) {
          const { series } = update;
          await client.query(
            `INSERT INTO early_warning_series (series_id, device_mn, factor_code, command_code, series_kind, limit_key, phase, calm_readings, inside_readings, "window", forecast, active_warning_id, active_raised_at, last_data_time, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())
             ON CONFLICT (series_id) DO UPDATE SET series_kind = EXCLUDED.series_kind, limit_key = EXCLUDED.limit_key, phase = EXCLUDED.phase,
               calm_readings = EXCLUDED.calm_readings, inside_readings = EXCLUDED.inside_readings, "window" = EXCLUDED."window",
               forecast = COALESCE(EXCLUDED.forecast, early_warning_series.forecast), active_warning_id = EXCLUDED.active_warning_id,
               active_raised_at = EXCLUDED.active_raised_at, last_data_time = EXCLUDED.last_data_time, updated_at = now()`,
            [
              series.seriesId,
              series.deviceMn,
              series.factor.code,
              series.commandCode,
              series.seriesKind,
              limitKeyOf(update),
              update.state.phase,
              update.state.calmReadings,
              update.state.insideReadings,
              JSON.stringify(update.window),
              update.forecast ? JSON.stringify(evidenceToJson(update.forecast)) : null,
              update.activeWarning?.warningId ?? null,
              update.activeWarning?.raisedAt ?? null,
              new Date(update.window.at(-1)?.atMs ?? 0),
            ],
          );
          if (update.raised) {
            const { raised } = update;
            await client.query(
              `INSERT INTO early_warnings (warning_id, series_id, device_mn, factor_code, status, evidence, raised_at, cell_id, township_code, message_zh, message_en)
               VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, $9, $10) ON CONFLICT (warning_id) DO NOTHING`,
              [raised.warningId, series.seriesId, series.deviceMn, series.factor.code, JSON.stringify(evidenceToJson(raised.evidence)), raised.raisedAt, raised.cellId, raised.townshipCode, raised.message.zh, raised.message.en],
            );
          }
          if (update.cleared) {
            const { cleared } = update;
            await client.query(`UPDATE early_warnings SET status = 'cleared', cleared_at = $2, clear_reason = $3, cleared_value = $4 WHERE warning_id = $1 AND status = 'active'`, [
              cleared.warningId,
              cleared.clearedAt,
              cleared.reason,
              cleared.value,
            ]);
          }
          const events = options.eventsOf(update);
          if (events.length > 0) await enqueue(client, events, { notify: options.notifyOutbox ?? true });
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    async listWarnings(query): Promise<StoredWarning[]> {
      const conditions: string[] = [];
      const values: unknown[] = [];
      if (query.activeOnly) conditions.push(`status = 'active'`);
      if (query.deviceMn) conditions.push(`device_mn = $${values.push(query.deviceMn)}`);
      if (query.before) conditions.push(`(raised_at, warning_id) < ($${values.push(query.before.raisedAt)}, $${values.push(query.before.warningId)})`);
      const { rows } = await pool.query<WarningRow>(
        `SELECT warning_id, status, evidence, raised_at, cleared_at, clear_reason, cell_id, township_code, message_zh, message_en FROM early_warnings
         ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY raised_at DESC, warning_id DESC LIMIT $${values.push(query.limit)}`,
        values,
      );
      return rows.map(toWarning);
    },

    async seriesForecast(seriesId: string) {
      const { rows } = await pool.query<{ forecast: StoredEvidence | null; active_warning_id: string | null }>('SELECT forecast, active_warning_id FROM early_warning_series WHERE series_id = $1', [seriesId]);
      const row = rows[0];
      if (!row) return undefined;
      return { forecast: row.forecast ? evidenceFromJson(row.forecast) : null, activeWarningId: row.active_warning_id };
    },

    async saveEvaluation(figures: EvaluationFigures): Promise<void> {
      await pool.query('INSERT INTO early_warning_evaluations (evaluated_at, horizon_minutes, min_lead_minutes, sets) VALUES ($1, $2, $3, $4)', [
        figures.evaluatedAt,
        figures.horizonMinutes,
        figures.minLeadMinutes,
        JSON.stringify(figures.sets),
      ]);
    },

    async latestEvaluation(): Promise<EvaluationFigures | undefined> {
      const { rows } = await pool.query<{ evaluated_at: Date; horizon_minutes: number; min_lead_minutes: number; sets: EvaluationFigures['sets'] }>(
        'SELECT evaluated_at, horizon_minutes, min_lead_minutes, sets FROM early_warning_evaluations ORDER BY evaluation_id DESC LIMIT 1',
      );
      const row = rows[0];
      return row ? { evaluatedAt: row.evaluated_at, horizonMinutes: row.horizon_minutes, minLeadMinutes: row.min_lead_minutes, sets: row.sets } : undefined;
    },
  };
}
