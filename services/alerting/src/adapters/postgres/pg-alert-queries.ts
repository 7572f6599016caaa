import type { Pool } from 'pg';
import type { AlertQueries } from '../../app/ports';

/** ListAlerts and GetStationAqi over the read models the checkpoint transaction keeps (sessions in alerting's schema). */
export function createPgAlertQueries(options: { pool: Pool }): AlertQueries {
  return {
    listAlerts: async (filter, pageSize, after) => {
      const where: string[] = [];
      const values: unknown[] = [];
      const add = (sql: string, value: unknown): void => {
        values.push(value);
        where.push(sql.replace('?', `$${values.length}`));
      };
      if (filter.openOnly) where.push('open');
      if (filter.deviceMn) add('device_mn = ?', filter.deviceMn);
      if (filter.townshipCode) add('township_code = ?', filter.townshipCode);
      if (filter.enterpriseUscc) add('enterprise_uscc = ?', filter.enterpriseUscc);
      if (filter.cellId) add('cell_id = ?', filter.cellId);
      if (filter.kind) add('kind = ?', filter.kind);
      if (after) {
        values.push(new Date(after.changedAt), after.alertId);
        where.push(`(changed_at, alert_id) < ($${values.length - 1}, $${values.length})`);
      }
      values.push(pageSize + 1);
      const result = await options.pool.query<{ payload: Buffer; changed_at: Date; alert_id: string }>(
        `SELECT payload, changed_at, alert_id FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY changed_at DESC, alert_id DESC LIMIT $${values.length}`,
        values,
      );
      const rows = result.rows.slice(0, pageSize);
      const last = rows[rows.length - 1];
      return {
        items: rows.map((row) => row.payload),
        ...(result.rows.length > pageSize && last ? { next: { changedAt: last.changed_at.getTime(), alertId: last.alert_id } } : {}),
      };
    },
    stationAqi: async (stationMn, from, to, limit) => {
      const result = await options.pool.query<{ payload: Buffer }>(
        `SELECT payload FROM station_aqi WHERE station_mn = $1 AND hour_start >= $2 AND hour_start < $3 ORDER BY hour_start LIMIT $4`,
        [stationMn, new Date(from), new Date(to), limit],
      );
      return result.rows.map((row) => row.payload);
    },
  };
}
