import type { Pool, PoolClient } from 'pg';
import { TOPICS } from '@ecogrid/kafka';
import type { CheckpointChange, CheckpointStore, PartitionCheckpoint } from '../../app/ports';
import type { DeviceState } from '../../domain/device-state';
import { eventIdOfAlert, eventIdOfAqi, type AlertEvent, type StationAqi } from '../../domain/model';
import { encodeAlert, encodeStationAqi } from '../kafka/event-encoding';
import { quoteIdent } from './schema';

export interface PgCheckpointStoreOptions {
  pool: Pool;
  schema: string;
  /** The readings topic (with its prefix): offsets are stored per topic and partition. */
  readingsTopic: string;
  alertsTopic: string;
  aqiTopic: string;
}

function lastPerKey<T>(items: T[], key: (item: T) => string): T[] {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return [...map.values()];
}

/**
 * The checkpoint in PostgreSQL: one JSON row per device, one offset row per readings partition, the outbox and
 * the read models, all written in one transaction per batch. The offset update is conditional on the offset the
 * writer last saw, which fences out a consumer that lost its partition in a rebalance it has not noticed yet.
 */
export function createPgCheckpointStore(options: PgCheckpointStoreOptions): CheckpointStore {
  const s = quoteIdent(options.schema);
  const { pool, readingsTopic } = options;

  const writeStates = (client: PoolClient, partition: number, states: DeviceState[]) =>
    states.length === 0
      ? undefined
      : client.query(
          `INSERT INTO ${s}.device_state (device_mn, partition, state)
           SELECT mn, $2, state FROM unnest($1::text[], $3::jsonb[]) AS t(mn, state)
           ON CONFLICT (device_mn) DO UPDATE SET partition = EXCLUDED.partition, state = EXCLUDED.state, updated_at = now()`,
          [states.map((state) => state.mn), partition, states.map((state) => JSON.stringify(state))],
        );

  const writeOutbox = (client: PoolClient, alerts: Array<{ event: AlertEvent; payload: Buffer }>, aqi: Array<{ hour: StationAqi; payload: Buffer }>) => {
    const rows = [
      ...alerts.map(({ event, payload }) => [options.alertsTopic, event.deviceMn, eventIdOfAlert(event), TOPICS.alerts.payload, payload, new Date(event.changedAt)] as const),
      ...aqi.map(({ hour, payload }) => [options.aqiTopic, hour.stationMn, eventIdOfAqi(hour), TOPICS.aqiHourly.payload, payload, new Date(hour.hourStart)] as const),
    ];
    if (rows.length === 0) return undefined;
    // A repeated event id (the same state change computed twice) is stored once: the topic never carries it twice.
    return client.query(
      `INSERT INTO ${s}.outbox (topic, key, event_id, type, payload, event_time)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::timestamptz[])
       ON CONFLICT (event_id) DO NOTHING`,
      [0, 1, 2, 3, 4, 5].map((column) => rows.map((row) => row[column])),
    );
  };

  const writeAlerts = (client: PoolClient, alerts: Array<{ event: AlertEvent; payload: Buffer }>) => {
    const latest = lastPerKey(alerts, ({ event }) => event.alertId);
    if (latest.length === 0) return undefined;
    const column = <T>(pick: (item: { event: AlertEvent; payload: Buffer }) => T): T[] => latest.map(pick);
    return client.query(
      `INSERT INTO ${s}.alerts (alert_id, sequence, open, kind, rule_id, device_mn, enterprise_uscc, cell_id, township_code, severity, opened_at, changed_at, payload)
       SELECT * FROM unnest($1::text[], $2::int[], $3::boolean[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::bytea[])
       ON CONFLICT (alert_id) DO UPDATE SET sequence = EXCLUDED.sequence, open = EXCLUDED.open, severity = EXCLUDED.severity, changed_at = EXCLUDED.changed_at, payload = EXCLUDED.payload
       WHERE ${s}.alerts.sequence < EXCLUDED.sequence`,
      [
        column(({ event }) => event.alertId),
        column(({ event }) => event.sequence),
        column(({ event }) => event.state !== 'cleared'),
        column(({ event }) => event.kind),
        column(({ event }) => event.ruleId),
        column(({ event }) => event.deviceMn),
        column(({ event }) => event.enterpriseUscc),
        column(({ event }) => event.cellId),
        column(({ event }) => event.townshipCode),
        column(({ event }) => event.severity),
        column(({ event }) => new Date(event.openedAt)),
        column(({ event }) => new Date(event.changedAt)),
        column(({ payload }) => payload),
      ],
    );
  };

  const writeAqi = (client: PoolClient, aqi: Array<{ hour: StationAqi; payload: Buffer }>) => {
    const latest = lastPerKey(aqi, ({ hour }) => `${hour.stationMn}|${hour.hourStart}`);
    if (latest.length === 0) return undefined;
    return client.query(
      `INSERT INTO ${s}.station_aqi (station_mn, hour_start, revision, payload)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::bytea[])
       ON CONFLICT (station_mn, hour_start) DO UPDATE SET revision = EXCLUDED.revision, payload = EXCLUDED.payload
       WHERE ${s}.station_aqi.revision < EXCLUDED.revision`,
      [latest.map(({ hour }) => hour.stationMn), latest.map(({ hour }) => new Date(hour.hourStart)), latest.map(({ hour }) => hour.revision), latest.map(({ payload }) => payload)],
    );
  };

  return {
    load: async (partition): Promise<PartitionCheckpoint> => {
      await pool.query(`INSERT INTO ${s}.consumer_offsets (topic, partition, next_offset) VALUES ($1, $2, NULL) ON CONFLICT DO NOTHING`, [readingsTopic, partition]);
      const offset = await pool.query<{ next_offset: string | null }>(`SELECT next_offset FROM ${s}.consumer_offsets WHERE topic = $1 AND partition = $2`, [readingsTopic, partition]);
      const states = await pool.query<{ state: DeviceState }>(`SELECT state FROM ${s}.device_state WHERE partition = $1`, [partition]);
      return { nextOffset: offset.rows[0]?.next_offset ?? null, states: states.rows.map((row) => row.state) };
    },

    commit: async (partition, change: CheckpointChange) => {
      const alerts = change.alerts.map((event) => ({ event, payload: encodeAlert(event) }));
      const aqi = change.aqi.map((hour) => ({ hour, payload: encodeStationAqi(hour) }));
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const moved = await client.query(
          `UPDATE ${s}.consumer_offsets SET next_offset = $3, updated_at = now() WHERE topic = $1 AND partition = $2 AND next_offset IS NOT DISTINCT FROM $4`,
          [readingsTopic, partition, change.nextOffset, change.expectedOffset],
        );
        if (moved.rowCount !== 1) {
          await client.query('ROLLBACK');
          return false;
        }
        await writeStates(client, partition, change.states);
        await writeOutbox(client, alerts, aqi);
        await writeAlerts(client, alerts);
        await writeAqi(client, aqi);
        await client.query('COMMIT');
        return true;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
