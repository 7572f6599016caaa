import type { Pool } from 'pg';
import { TOPICS } from '@ecogrid/kafka';
import { outboxInsert, outboxInsertParameters, outboxNotify, type OutboxEvent } from '@ecogrid/outbox';
import type { CheckpointStore, EventsAhead, PartitionCheckpoint } from '../../app/ports';
import type { DeviceState } from '../../domain/device-state';
import { eventIdOfAlert, eventIdOfAqi, type AlertEvent, type StationAqi } from '../../domain/model';
import { encodeAlert, encodeStationAqi } from '../kafka/event-encoding';

export interface PgCheckpointStoreOptions {
  /** Sessions in alerting's schema (`createServicePool`). */
  pool: Pool;
  /** Names the prepared statements, which are per schema. */
  schema: string;
  /** The readings topic (with its prefix): offsets are stored per topic and partition. */
  readingsTopic: string;
  alertsTopic: string;
  aqiTopic: string;
  /** Whether to NOTIFY the relay through PostgreSQL: only when the relay holding the lease is in another process. */
  notifyRelays: () => boolean;
}

function lastPerKey<T>(items: T[], key: (item: T) => string): T[] {
  const map = new Map<string, T>();
  for (const item of items) map.set(key(item), item);
  return [...map.values()];
}

/**
 * The checkpoint in PostgreSQL: one JSON row per device, one offset row per readings partition, the outbox and
 * the read models. A checkpoint is written by ONE statement (data-modifying CTEs), which PostgreSQL runs
 * atomically: one round trip, and no transaction left open by a crash. Every write is conditional on the offset
 * row matching the offset this writer last saw; that fences out a consumer that lost its partition in a rebalance
 * it has not noticed yet. Events written ahead of their checkpoint (`publish`) take the same fence.
 */
export function createPgCheckpointStore(options: PgCheckpointStoreOptions): CheckpointStore {
  const { pool, readingsTopic } = options;

  /** The outbox and read-model writes, parameters from `$<first>`, each conditional on the CTE `fence`. */
  const eventCtes = (first: number): string => {
    const $ = (offset: number): string => `$${first + offset}`;
    return `
    outbox AS (
      -- An event computed again (readings evaluated again after a crash) is not enqueued again: the read models,
      -- written in this same statement with every event, already hold its alert sequence or AQI revision. The
      -- guards are read by each event's position.
      ${outboxInsert(
        first,
        `EXISTS (SELECT 1 FROM fence)
        AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.alert_id = (${$(26)}::text[])[e.ord] AND a.sequence >= (${$(27)}::int[])[e.ord])
        AND NOT EXISTS (SELECT 1 FROM station_aqi q WHERE q.station_mn = (${$(28)}::text[])[e.ord] AND q.hour_start = (${$(29)}::timestamptz[])[e.ord] AND q.revision >= (${$(27)}::int[])[e.ord])`,
      )}
    ),
    alerts AS (
      INSERT INTO alerts (alert_id, sequence, open, kind, rule_id, device_mn, enterprise_uscc, cell_id, township_code, severity, opened_at, changed_at, payload)
      SELECT * FROM unnest(${$(8)}::text[], ${$(9)}::int[], ${$(10)}::boolean[], ${$(11)}::text[], ${$(12)}::text[], ${$(13)}::text[], ${$(14)}::text[], ${$(15)}::text[], ${$(16)}::text[], ${$(17)}::text[], ${$(18)}::timestamptz[], ${$(19)}::timestamptz[], ${$(20)}::bytea[])
      WHERE EXISTS (SELECT 1 FROM fence)
      ON CONFLICT (alert_id) DO UPDATE SET sequence = EXCLUDED.sequence, open = EXCLUDED.open, severity = EXCLUDED.severity, changed_at = EXCLUDED.changed_at, payload = EXCLUDED.payload
      WHERE alerts.sequence < EXCLUDED.sequence
    ),
    hours AS (
      INSERT INTO station_aqi (station_mn, hour_start, revision, payload)
      SELECT * FROM unnest(${$(21)}::text[], ${$(22)}::timestamptz[], ${$(23)}::int[], ${$(24)}::bytea[]) WHERE EXISTS (SELECT 1 FROM fence)
      ON CONFLICT (station_mn, hour_start) DO UPDATE SET revision = EXCLUDED.revision, payload = EXCLUDED.payload
      WHERE station_aqi.revision < EXCLUDED.revision
    ),
    notify AS (
      ${outboxNotify(first + 25)} AND EXISTS (SELECT 1 FROM fence)
    )`;
  };

  const commitSql = `
    WITH fence AS (
      UPDATE consumer_offsets SET next_offset = $3, updated_at = now()
      WHERE topic = $1 AND partition = $2 AND next_offset IS NOT DISTINCT FROM $4
      RETURNING 1
    ),
    states AS (
      INSERT INTO device_state (device_mn, partition, state)
      SELECT mn, $2, state FROM unnest($5::text[], $6::jsonb[]) AS t(mn, state) WHERE EXISTS (SELECT 1 FROM fence)
      ON CONFLICT (device_mn) DO UPDATE SET partition = EXCLUDED.partition, state = EXCLUDED.state, updated_at = now()
    ),${eventCtes(7)}
    SELECT count(*)::int AS moved, (SELECT count(*) FROM notify) AS notified FROM fence`;

  // Events ahead of their checkpoint: the offset is only read, under a share lock so that a commit moving it
  // (another consumer that took the partition over) is either before this statement or after it.
  const publishSql = `
    WITH fence AS (
      SELECT 1 FROM consumer_offsets WHERE topic = $1 AND partition = $2 AND next_offset IS NOT DISTINCT FROM $3 FOR SHARE
    ),${eventCtes(4)}
    SELECT count(*)::int AS moved, (SELECT count(*) FROM notify) AS notified FROM fence`;

  const eventParameters = (change: EventsAhead): unknown[] => {
    const alerts = change.alerts.map((event) => ({ event, payload: encodeAlert(event) }));
    const aqi = change.aqi.map((hour) => ({ hour, payload: encodeStationAqi(hour) }));
    // Each event keeps the trace of the reading that caused it (none for what a sweep found).
    const outbox: OutboxEvent[] = [
      ...alerts.map(({ event, payload }, index) => ({ topic: options.alertsTopic, key: event.deviceMn, id: eventIdOfAlert(event), type: TOPICS.alerts.payload, payload, time: new Date(event.changedAt), causedBy: change.causes?.alerts[index] ?? {} })),
      ...aqi.map(({ hour, payload }, index) => ({ topic: options.aqiTopic, key: hour.stationMn, id: eventIdOfAqi(hour), type: TOPICS.aqiHourly.payload, payload, time: new Date(hour.hourStart), causedBy: change.causes?.aqi[index] ?? {} })),
    ];
    // Two events of one alert in a batch: the read model keeps the later (an upsert may touch a row once).
    const latestAlerts = lastPerKey(alerts, ({ event }) => event.alertId).map(({ event, payload }): [AlertEvent, Buffer] => [event, payload]);
    const latestHours = lastPerKey(aqi, ({ hour }) => `${hour.stationMn}|${hour.hourStart}`).map(({ hour, payload }): [StationAqi, Buffer] => [hour, payload]);
    const alert = <T>(pick: (event: AlertEvent, payload: Buffer) => T): T[] => latestAlerts.map(([event, payload]) => pick(event, payload));
    return [
      ...outboxInsertParameters(outbox),
      alert((event) => event.alertId),
      alert((event) => event.sequence),
      alert((event) => event.state !== 'cleared'),
      alert((event) => event.kind),
      alert((event) => event.ruleId),
      alert((event) => event.deviceMn),
      alert((event) => event.enterpriseUscc),
      alert((event) => event.cellId),
      alert((event) => event.townshipCode),
      alert((event) => event.severity),
      alert((event) => new Date(event.openedAt)),
      alert((event) => new Date(event.changedAt)),
      alert((_event, payload) => payload),
      latestHours.map(([hour]) => hour.stationMn),
      latestHours.map(([hour]) => new Date(hour.hourStart)),
      latestHours.map(([hour]) => hour.revision),
      latestHours.map(([, payload]) => payload),
      outbox.length > 0 && options.notifyRelays(),
      // Per outbox event, in its order: the alert id or station it updates, and the sequence or revision it carries.
      [...alerts.map(({ event }) => event.alertId), ...aqi.map(() => null)],
      [...alerts.map(({ event }) => event.sequence), ...aqi.map(({ hour }) => hour.revision)],
      [...alerts.map(() => null), ...aqi.map(({ hour }) => hour.stationMn)],
      [...alerts.map(() => null), ...aqi.map(({ hour }) => new Date(hour.hourStart))],
    ];
  };

  return {
    load: async (partition): Promise<PartitionCheckpoint> => {
      await pool.query('INSERT INTO consumer_offsets (topic, partition, next_offset) VALUES ($1, $2, NULL) ON CONFLICT DO NOTHING', [readingsTopic, partition]);
      const offset = await pool.query<{ next_offset: string | null }>('SELECT next_offset FROM consumer_offsets WHERE topic = $1 AND partition = $2', [readingsTopic, partition]);
      const states = await pool.query<{ state: DeviceState }>('SELECT state FROM device_state WHERE partition = $1', [partition]);
      return { nextOffset: offset.rows[0]?.next_offset ?? null, states: states.rows.map((row) => row.state) };
    },

    commit: async (partition, change) => {
      const values = [
        readingsTopic,
        partition,
        change.nextOffset,
        change.expectedOffset,
        change.states.map((state) => state.mn),
        change.states.map((state) => JSON.stringify(state)),
        ...eventParameters(change),
      ];
      const result = await pool.query<{ moved: number }>({ name: `alerting-checkpoint-${options.schema}`, text: commitSql, values });
      return result.rows[0]?.moved === 1;
    },

    publish: async (partition, events) => {
      const values = [readingsTopic, partition, events.expectedOffset, ...eventParameters(events)];
      const result = await pool.query<{ moved: number }>({ name: `alerting-publish-${options.schema}`, text: publishSql, values });
      return result.rows[0]?.moved === 1;
    },
  };
}
