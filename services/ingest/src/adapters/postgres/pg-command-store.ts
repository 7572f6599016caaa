import type pg from 'pg';
import { enqueue, outboxInsert, outboxInsertParameters, outboxNotify, type OutboxEvent } from '@ecogrid/outbox';
import { inTransaction } from '@ecogrid/postgres';
import type { CommandChange, CommandStore } from '../../app/ports';
import type { CommandData, CommandKind, CommandOrigin, CommandState, DeviceCommand } from '../../domain/device-command';

interface CommandRow {
  id: string;
  device_mn: string;
  command_code: string;
  kind: CommandKind;
  params: Record<string, string>;
  origin: CommandOrigin;
  requested_by: string;
  state: CommandState;
  request_number: string;
  over_time_seconds: number;
  re_count: number;
  attempts: number;
  qn_rtn: number;
  exe_rtn: number;
  reason: string;
  reason_text: string;
  data: Array<{ commandCode: string; receivedTime: string; params: Record<string, string> }>;
  note: string;
  created_time: Date;
  updated_time: Date;
  sent_time: Date | null;
  finished_time: Date | null;
  queued_until: Date;
  deadline: Date | null;
}

const fromRow = (row: CommandRow): DeviceCommand => ({
  id: row.id,
  deviceMn: row.device_mn,
  commandCode: row.command_code,
  kind: row.kind,
  params: row.params,
  origin: row.origin,
  requestedBy: row.requested_by,
  state: row.state,
  requestNumber: row.request_number,
  overTimeSeconds: row.over_time_seconds,
  reCount: row.re_count,
  attempts: row.attempts,
  qnRtn: row.qn_rtn,
  exeRtn: row.exe_rtn,
  reason: row.reason,
  reasonText: row.reason_text,
  data: row.data.map((item): CommandData => ({ commandCode: item.commandCode, receivedTime: new Date(item.receivedTime), params: item.params })),
  note: row.note,
  createdTime: row.created_time,
  updatedTime: row.updated_time,
  sentTime: row.sent_time,
  finishedTime: row.finished_time,
  queuedUntil: row.queued_until,
  deadline: row.deadline,
});

const INSERT = `INSERT INTO device_commands (id, device_mn, command_code, kind, params, origin, requested_by, state, request_number, over_time_seconds,
    re_count, attempts, qn_rtn, exe_rtn, reason, reason_text, data, note, created_time, updated_time, sent_time, finished_time, queued_until, deadline)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`;

const UPDATE = `UPDATE device_commands SET state = $2, request_number = $3, attempts = $4, qn_rtn = $5, exe_rtn = $6, reason = $7, reason_text = $8,
    data = $9, updated_time = $10, sent_time = $11, finished_time = $12, deadline = $13
  WHERE id = $1`;

/**
 * A change of a command as one statement, no transaction around it: the row is updated only if it is still as it was
 * read (state, attempts, data received and time of the last change), and its change event is queued in the outbox in
 * the same statement, or neither. Five round trips under `FOR UPDATE` (BEGIN, read, update, enqueue, COMMIT) on every
 * step of every command were most of a command's time from SendCommand to its result.
 */
const CHANGE = `WITH changed AS (
    ${UPDATE} AND state = $14 AND attempts = $15 AND jsonb_array_length(data) = $16
      AND date_trunc('milliseconds', updated_time) = date_trunc('milliseconds', $17::timestamptz)
    RETURNING 1
  ),
  queued AS (
    ${outboxInsert(18, 'EXISTS (SELECT 1 FROM changed)')}
  ),
  notify AS (
    ${outboxNotify(26)} AND EXISTS (SELECT 1 FROM changed)
  )
  SELECT (SELECT count(*) FROM changed)::int AS changed, (SELECT count(*) FROM notify)::int AS notified`;

const COLUMN_TYPES = ['uuid', 'text', 'text', 'text', 'jsonb', 'text', 'text', 'text', 'text', 'int', 'int', 'int', 'int', 'int', 'text', 'text', 'jsonb', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz'];

/**
 * A new command, after its device's queue was locked: counted, stored if the queue has room and its event queued, in
 * one statement (a statement after the lock sees every command committed before it was granted).
 */
const ADD = `WITH queued AS (
    SELECT count(*)::int AS n FROM device_commands WHERE device_mn = $2 AND state = 'queued'
  ),
  added AS (
    ${INSERT.slice(0, INSERT.indexOf('VALUES'))}
    SELECT ${COLUMN_TYPES.map((type, index) => `$${index + 1}::${type}`).join(', ')} FROM queued WHERE queued.n < $25
    RETURNING 1
  ),
  queued_event AS (
    ${outboxInsert(26, 'EXISTS (SELECT 1 FROM added)')}
  ),
  notify AS (
    ${outboxNotify(34)} AND EXISTS (SELECT 1 FROM added)
  )
  SELECT (SELECT count(*) FROM added)::int AS added, (SELECT count(*) FROM notify)::int AS notified`;

/** Queued commands a claim tries, oldest first, before it takes the device's queue under lock. */
const CLAIM_CANDIDATES = 5;

const insertValues = (c: DeviceCommand): unknown[] => [
  c.id,
  c.deviceMn,
  c.commandCode,
  c.kind,
  JSON.stringify(c.params),
  c.origin,
  c.requestedBy,
  c.state,
  c.requestNumber,
  c.overTimeSeconds,
  c.reCount,
  c.attempts,
  c.qnRtn,
  c.exeRtn,
  c.reason,
  c.reasonText,
  JSON.stringify(c.data),
  c.note,
  c.createdTime,
  c.updatedTime,
  c.sentTime,
  c.finishedTime,
  c.queuedUntil,
  c.deadline,
];

const updateValues = (c: DeviceCommand): unknown[] => [
  c.id,
  c.state,
  c.requestNumber,
  c.attempts,
  c.qnRtn,
  c.exeRtn,
  c.reason,
  c.reasonText,
  JSON.stringify(c.data),
  c.updatedTime,
  c.sentTime,
  c.finishedTime,
  c.deadline,
];

export interface PgCommandStoreOptions {
  pool: pg.Pool;
  /** The commands topic, prefix included. */
  topic: string;
  /** The CloudEvents type of the change event. */
  eventType: string;
  encodeChange(command: DeviceCommand): Uint8Array;
  /** After a commit that queued events: wakes the relay when it runs in this process. */
  onEventsCommitted(): void;
  /** Whether the relay is elsewhere and must be told through PostgreSQL. */
  notifyRelays(): boolean;
}

/**
 * Device commands in PostgreSQL, each change published through the outbox in the same statement (stored and
 * published, or neither). A change applies to the row only as it was read (optimistically: a change that lost to
 * another, e.g. the sweep timing the command out, is worked out again on a fresh read), so two instances claiming the
 * same queued command cannot both win; a device's queue is counted under an advisory lock on its MN, so the bound
 * holds with several instances taking commands at once.
 */
export function createPgCommandStore(options: PgCommandStoreOptions): CommandStore {
  const event = (command: DeviceCommand): OutboxEvent => ({
    topic: options.topic,
    key: command.deviceMn,
    type: options.eventType,
    payload: options.encodeChange(command),
    // One change, one id: a command changes state, attempts or data with every event.
    id: `${command.id}:${command.state}:${command.attempts}:${command.data.length}`,
    time: command.updatedTime,
  });
  const publish = async (client: pg.PoolClient, command: DeviceCommand): Promise<void> => {
    await enqueue(client, event(command), { notify: options.notifyRelays() });
  };
  /** The change under the row's lock (`FOR UPDATE`): always goes through; for a change that lost a race. */
  const changeLocked = async (client: pg.PoolClient, row: CommandRow | undefined, change: CommandChange): Promise<DeviceCommand | undefined> => {
    if (!row) return undefined;
    const changed = change(fromRow(row));
    if (!changed) return undefined;
    await client.query(UPDATE, updateValues(changed));
    await publish(client, changed);
    return changed;
  };

  /** Applies `change` to the row as read; 'conflict' when the row changed since (it is then read again). */
  const changeAsRead = async (row: CommandRow, change: CommandChange): Promise<DeviceCommand | undefined | 'conflict'> => {
    const current = fromRow(row);
    const changed = change(current);
    if (!changed) return undefined;
    const { rows } = await options.pool.query<{ changed: number }>(CHANGE, [
      ...updateValues(changed),
      current.state,
      current.attempts,
      current.data.length,
      row.updated_time,
      ...outboxInsertParameters([event(changed)]),
      options.notifyRelays(),
    ]);
    return (rows[0]?.changed ?? 0) > 0 ? changed : 'conflict';
  };
  const committed = <T>(result: T): T => {
    if (result) options.onEventsCommitted();
    return result;
  };

  return {
    add: async (command, maxQueued) =>
      committed(
        await inTransaction(options.pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`device_commands:${command.deviceMn}`]);
          const { rows } = await client.query<{ added: number }>(ADD, [...insertValues(command), maxQueued, ...outboxInsertParameters([event(command)]), options.notifyRelays()]);
          return (rows[0]?.added ?? 0) > 0;
        }),
      ),
    // The oldest queued command that another instance does not claim first (its change then conflicts); when every
    // candidate was taken meanwhile, the queue is claimed from under lock, skipping what others hold.
    claimNext: async (deviceMn, at, change) => {
      const { rows } = await options.pool.query<CommandRow>(
        `SELECT * FROM device_commands WHERE device_mn = $1 AND state = 'queued' AND queued_until > $2
          ORDER BY created_time, id LIMIT ${CLAIM_CANDIDATES}`,
        [deviceMn, at],
      );
      if (rows.length === 0) return undefined;
      for (const row of rows) {
        const outcome = await changeAsRead(row, change);
        if (outcome !== 'conflict') return committed(outcome);
      }
      return committed(
        await inTransaction(options.pool, async (client) => {
          const locked = await client.query<CommandRow>(
            `SELECT * FROM device_commands WHERE device_mn = $1 AND state = 'queued' AND queued_until > $2
              ORDER BY created_time, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
            [deviceMn, at],
          );
          return changeLocked(client, locked.rows[0], change);
        }),
      );
    },
    // Optimistic first (two round trips, no transaction); a change that lost a race goes again under the row's lock.
    update: async (id, change) => {
      const { rows } = await options.pool.query<CommandRow>('SELECT * FROM device_commands WHERE id = $1', [id]);
      const row = rows[0];
      if (!row) return undefined;
      const outcome = await changeAsRead(row, change);
      if (outcome !== 'conflict') return committed(outcome);
      return committed(
        await inTransaction(options.pool, async (client) => {
          const locked = await client.query<CommandRow>('SELECT * FROM device_commands WHERE id = $1 FOR UPDATE', [id]);
          return changeLocked(client, locked.rows[0], change);
        }),
      );
    },
    get: async (id) => {
      const { rows } = await options.pool.query<CommandRow>('SELECT * FROM device_commands WHERE id = $1', [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
    list: async (deviceMn, limit, after) => {
      const { rows } = after
        ? await options.pool.query<CommandRow>(
            'SELECT * FROM device_commands WHERE device_mn = $1 AND (created_time, id) < ($2, $3) ORDER BY created_time DESC, id DESC LIMIT $4',
            [deviceMn, after.createdTime, after.id, limit],
          )
        : await options.pool.query<CommandRow>('SELECT * FROM device_commands WHERE device_mn = $1 ORDER BY created_time DESC, id DESC LIMIT $2', [deviceMn, limit]);
      return rows.map(fromRow);
    },
    overdue: async (at, graceMs, limit) => {
      const { rows } = await options.pool.query<{ id: string }>(
        `SELECT id FROM device_commands
          WHERE (state = 'queued' AND queued_until <= $1) OR (state IN ('sent', 'accepted') AND deadline <= $2)
          LIMIT $3`,
        [at, new Date(at.getTime() - graceMs), limit],
      );
      return rows.map((row) => row.id);
    },
    queuedDevices: async (limit) => {
      const { rows } = await options.pool.query<{ device_mn: string }>("SELECT DISTINCT device_mn FROM device_commands WHERE state = 'queued' LIMIT $1", [limit]);
      return rows.map((row) => row.device_mn);
    },
  };
}
