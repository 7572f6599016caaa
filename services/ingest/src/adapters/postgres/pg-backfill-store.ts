import type pg from 'pg';
import { inTransaction } from '@ecogrid/postgres';
import type { BackfillStore } from '../../app/ports';
import type { Backfill, BackfillCommand, BackfillState } from '../../domain/backfill';

interface BackfillRow {
  id: string;
  device_mn: string;
  command_code: BackfillCommand;
  begin_time: Date;
  end_time: Date;
  state: BackfillState;
  attempts: number;
  command_id: string;
  records_received: number;
  reason: string;
  due_time: Date;
  created_time: Date;
  updated_time: Date;
}

const fromRow = (row: BackfillRow): Backfill => ({
  id: row.id,
  deviceMn: row.device_mn,
  commandCode: row.command_code,
  beginTime: row.begin_time,
  endTime: row.end_time,
  state: row.state,
  attempts: row.attempts,
  commandId: row.command_id,
  recordsReceived: row.records_received,
  reason: row.reason,
  dueTime: row.due_time,
  createdTime: row.created_time,
  updatedTime: row.updated_time,
});

/**
 * Back-fills in PostgreSQL (ingest's schema). A device's claim runs under an advisory lock on its MN, so two
 * instances' sweeps never both request a range of one device; settling is conditional on the row still being
 * requested under the same command, so a sweep that lost the race changes nothing.
 */
export function createPgBackfillStore(pool: pg.Pool): BackfillStore {
  return {
    open: async (backfills) => {
      if (backfills.length === 0) return;
      const columns = 13;
      const values: unknown[] = [];
      const tuples = backfills.map((b, index) => {
        values.push(b.id, b.deviceMn, b.commandCode, b.beginTime, b.endTime, b.state, b.attempts, b.commandId, b.recordsReceived, b.reason, b.dueTime, b.createdTime, b.updatedTime);
        return `(${Array.from({ length: columns }, (_, column) => `$${index * columns + column + 1}`).join(', ')})`;
      });
      await pool.query(
        `INSERT INTO device_backfills (id, device_mn, command_code, begin_time, end_time, state, attempts, command_id, records_received, reason, due_time, created_time, updated_time)
          VALUES ${tuples.join(', ')}`,
        values,
      );
    },
    claimNext: (deviceMn, at, commandId) =>
      inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`device_backfills:${deviceMn}`]);
        const busy = await client.query("SELECT 1 FROM device_backfills WHERE device_mn = $1 AND state = 'requested' LIMIT 1", [deviceMn]);
        if (busy.rowCount) return undefined;
        const { rows } = await client.query<BackfillRow>(
          `UPDATE device_backfills SET state = 'requested', attempts = attempts + 1, command_id = $3, updated_time = $2
            WHERE id = (SELECT id FROM device_backfills WHERE device_mn = $1 AND state = 'pending' AND due_time <= $2
                         ORDER BY end_time DESC, command_code LIMIT 1)
            RETURNING *`,
          [deviceMn, at, commandId],
        );
        return rows[0] ? fromRow(rows[0]) : undefined;
      }),
    requested: async (limit) => {
      const { rows } = await pool.query<BackfillRow>("SELECT * FROM device_backfills WHERE state = 'requested' ORDER BY updated_time LIMIT $1", [limit]);
      return rows.map(fromRow);
    },
    dueDevices: async (at, limit) => {
      const { rows } = await pool.query<{ device_mn: string }>(
        `SELECT DISTINCT p.device_mn FROM device_backfills p
          WHERE p.state = 'pending' AND p.due_time <= $1
            AND NOT EXISTS (SELECT 1 FROM device_backfills r WHERE r.device_mn = p.device_mn AND r.state = 'requested')
          LIMIT $2`,
        [at, limit],
      );
      return rows.map((row) => row.device_mn);
    },
    settle: async (b, commandId) => {
      const result = await pool.query(
        `UPDATE device_backfills SET state = $2, records_received = $3, reason = $4, due_time = $5, updated_time = $6
          WHERE id = $1 AND state = 'requested' AND command_id = $7`,
        [b.id, b.state, b.recordsReceived, b.reason, b.dueTime, b.updatedTime, commandId],
      );
      return (result.rowCount ?? 0) > 0;
    },
    list: async (deviceMn, limit) => {
      const { rows } = await pool.query<BackfillRow>('SELECT * FROM device_backfills WHERE device_mn = $1 ORDER BY created_time DESC, end_time DESC LIMIT $2', [deviceMn, limit]);
      return rows.map(fromRow);
    },
  };
}
