import type pg from 'pg';
import { enqueue } from '@ecogrid/outbox';
import { inTransaction } from '@ecogrid/postgres';
import type { TransmissionLedger } from '../../app/ports';

interface TallyRow {
  device_mn: string;
  received: number;
  on_time: number;
  valid: number;
}

const TALLY_COLUMNS = `count(*)::int AS received, (count(*) FILTER (WHERE on_time))::int AS on_time, (count(*) FILTER (WHERE flag_class = 'valid'))::int AS valid`;

/**
 * The transmission records in PostgreSQL (ingest's schema), one row per observation id (inserted once, never
 * overwritten), and the published days, whose events go out through the outbox in the same transaction.
 */
export function createPgTransmissionLedger(options: {
  pool: pg.Pool;
  /** The transmission topic, prefix included, and its CloudEvents type. */
  topic: string;
  eventType: string;
  onEventsCommitted(): void;
  notifyRelays(): boolean;
}): TransmissionLedger {
  const { pool } = options;
  return {
    record: async (records) => {
      if (records.length === 0) return;
      const columns = 9;
      const values: unknown[] = [];
      const tuples = records.map((r, index) => {
        values.push(r.observationId, r.deviceMn, r.enterpriseUscc, r.commandCode, r.dataTime, r.flagClass, r.onTime, r.resend, r.receivedTime);
        return `(${Array.from({ length: columns }, (_, column) => `$${index * columns + column + 1}`).join(', ')})`;
      });
      await pool.query(
        `INSERT INTO transmission_records (observation_id, device_mn, enterprise_uscc, command_code, data_time, flag_class, on_time, resend, received_time)
          VALUES ${tuples.join(', ')} ON CONFLICT (observation_id) DO NOTHING`,
        values,
      );
    },
    tally: async (deviceMn, commandCode, start, end) => {
      const { rows } = await pool.query<TallyRow>(
        `SELECT ${TALLY_COLUMNS} FROM transmission_records WHERE device_mn = $1 AND command_code = $2 AND data_time >= $3 AND data_time < $4`,
        [deviceMn, commandCode, start, end],
      );
      const row = rows[0];
      return { received: row?.received ?? 0, receivedOnTime: row?.on_time ?? 0, valid: row?.valid ?? 0 };
    },
    tallies: async (commandCode, start, end) => {
      const { rows } = await pool.query<TallyRow>(
        `SELECT device_mn, ${TALLY_COLUMNS} FROM transmission_records WHERE command_code = $1 AND data_time >= $2 AND data_time < $3 GROUP BY device_mn`,
        [commandCode, start, end],
      );
      return new Map(rows.map((row) => [row.device_mn, { received: row.received, receivedOnTime: row.on_time, valid: row.valid }]));
    },
    devicesOf: async (enterpriseUscc) => {
      const { rows } = await pool.query<{ device_mn: string }>('SELECT DISTINCT device_mn FROM transmission_records WHERE enterprise_uscc = $1 ORDER BY device_mn', [enterpriseUscc]);
      return rows.map((row) => row.device_mn);
    },
    allDevices: async () => {
      const { rows } = await pool.query<{ device_mn: string; enterprise_uscc: string }>(
        `SELECT DISTINCT ON (device_mn) device_mn, enterprise_uscc FROM transmission_records ORDER BY device_mn, received_time DESC`,
      );
      return rows.map((row) => ({ deviceMn: row.device_mn, enterpriseUscc: row.enterprise_uscc }));
    },
    prune: async (before) => (await pool.query('DELETE FROM transmission_records WHERE data_time < $1', [before])).rowCount ?? 0,
    published: async (day) => {
      const { rowCount } = await pool.query('SELECT 1 FROM transmission_publications WHERE day = $1', [day]);
      return (rowCount ?? 0) > 0;
    },
    publishDay: async (day, events, counts, at) => {
      const published = await inTransaction(pool, async (client) => {
        const marked = await client.query(
          'INSERT INTO transmission_publications (day, published_time, devices, enterprises) VALUES ($1, $2, $3, $4) ON CONFLICT (day) DO NOTHING',
          [day, at, counts.devices, counts.enterprises],
        );
        if ((marked.rowCount ?? 0) === 0) return false;
        await enqueue(
          client,
          events.map((event) => ({ topic: options.topic, key: event.key, type: options.eventType, payload: event.payload, id: event.id, time: event.time })),
          { notify: options.notifyRelays() },
        );
        return true;
      });
      if (published) options.onEventsCommitted();
      return published;
    },
  };
}
