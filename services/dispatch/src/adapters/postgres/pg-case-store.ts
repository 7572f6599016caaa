import { createHash } from 'node:crypto';
import type pg from 'pg';
import { DomainError } from '@ecogrid/domain-errors';
import { RetriableError, TOPICS } from '@ecogrid/kafka';
import { enqueue, type OutboxEvent } from '@ecogrid/outbox';
import { inTransaction } from '@ecogrid/postgres';
import { createPgKpiQuery } from './pg-kpis';
import type { CaseState, CaseStatus, Priority, Step, CaseSource } from '../../domain/case';
import { GENESIS_HASH, sealEntry, type ChainKey, type HistoryEntry, type JsonObject } from '../../domain/history-chain';
import type {
  ApiKeyStore,
  CaseChangeRecord,
  CaseFilter,
  CaseStore,
  CaseTransaction,
  Complainant,
  DueTimer,
  EvidenceRecord,
  TimerDraft,
  TimerKind,
} from '../../app/ports';

type Row = Record<string, unknown>;

const date = (value: unknown): Date | undefined => (value instanceof Date ? value : value === null || value === undefined ? undefined : new Date(String(value)));
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

export function caseFromRow(row: Row): CaseState {
  const state: CaseState = {
    id: row.id as string,
    status: row.status as CaseStatus,
    source: row.source as CaseSource,
    priority: row.priority as Priority,
    caseType: row.case_type as string,
    title: row.title as string,
    description: row.description as string,
    escalationLevel: row.escalation_level as number,
    createdAt: date(row.created_at) as Date,
    updatedAt: date(row.updated_at) as Date,
    version: row.version as number,
  };
  if (row.lon !== null && row.lat !== null && row.lon !== undefined) {
    state.location = { lon: row.lon as number, lat: row.lat as number, ...(str(row.address) ? { address: row.address as string } : {}) };
  }
  const optional: Array<[keyof CaseState, unknown]> = [
    ['cellId', str(row.cell_id)],
    ['townshipCode', str(row.township_code)],
    ['assigneeOfficerId', str(row.assignee_officer_id)],
    ['assignmentReason', str(row.assignment_reason)],
    ['supervisorOfficerId', str(row.supervisor_officer_id)],
    ['enterpriseUscc', str(row.enterprise_uscc)],
    ['deviceMn', str(row.device_mn)],
    ['factorCode', str(row.factor_code)],
    ['serviceCode', str(row.service_code)],
    ['closedAt', date(row.closed_at)],
    ['step', str(row.step) as Step | undefined],
    ['stepStartedAt', date(row.step_started_at)],
    ['stepDeadline', date(row.step_deadline)],
    ['suspendedFrom', str(row.suspended_from)],
    ['suspendedAt', date(row.suspended_at)],
    ['suspendedUntil', date(row.suspended_until)],
    ['mergedInto', str(row.merged_into)],
    ['department', str(row.department)],
    ['emergencyRequestId', str(row.emergency_request_id)],
    ['dueBy', date(row.due_by)],
  ];
  for (const [key, value] of optional) if (value !== undefined) (state as unknown as Record<string, unknown>)[key] = value;
  if (row.drill === true) state.drill = true;
  return state;
}

const CASE_COLUMNS = [
  'id',
  'status',
  'source',
  'priority',
  'case_type',
  'title',
  'description',
  'lon',
  'lat',
  'address',
  'cell_id',
  'township_code',
  'assignee_officer_id',
  'assignment_reason',
  'escalation_level',
  'supervisor_officer_id',
  'enterprise_uscc',
  'device_mn',
  'factor_code',
  'service_code',
  'created_at',
  'updated_at',
  'closed_at',
  'version',
  'step',
  'step_started_at',
  'step_deadline',
  'suspended_from',
  'suspended_at',
  'suspended_until',
  'merged_into',
  'drill',
  'department',
  'due_by',
  'emergency_request_id',
] as const;

function caseValues(state: CaseState): unknown[] {
  return [
    state.id,
    state.status,
    state.source,
    state.priority,
    state.caseType,
    state.title,
    state.description,
    state.location?.lon ?? null,
    state.location?.lat ?? null,
    state.location?.address ?? null,
    state.cellId ?? null,
    state.townshipCode ?? null,
    state.assigneeOfficerId ?? null,
    state.assignmentReason ?? null,
    state.escalationLevel,
    state.supervisorOfficerId ?? null,
    state.enterpriseUscc ?? null,
    state.deviceMn ?? null,
    state.factorCode ?? null,
    state.serviceCode ?? null,
    state.createdAt,
    state.updatedAt,
    state.closedAt ?? null,
    state.version,
    state.step ?? null,
    state.stepStartedAt ?? null,
    state.stepDeadline ?? null,
    state.suspendedFrom ?? null,
    state.suspendedAt ?? null,
    state.suspendedUntil ?? null,
    state.mergedInto ?? null,
    state.drill === true,
    state.department ?? null,
    state.dueBy ?? null,
    state.emergencyRequestId ?? null,
  ];
}

export function historyFromRow(row: Row): HistoryEntry {
  return {
    caseId: row.case_id as string,
    sequence: row.sequence as number,
    action: row.action as string,
    actor: row.actor as string,
    occurredAt: date(row.occurred_at) as Date,
    fromStatus: (row.from_status as CaseStatus | null) ?? null,
    toStatus: row.to_status as CaseStatus,
    details: row.details as JsonObject,
    previousHash: row.previous_hash as string,
    hash: row.hash as string,
    ...(str(row.key_id) ? { keyId: row.key_id as string } : {}),
  };
}

function evidenceFromRow(row: Row): EvidenceRecord {
  const record: EvidenceRecord = {
    id: row.id as string,
    caseId: row.case_id as string,
    kind: row.kind as EvidenceRecord['kind'],
    addedBy: row.added_by as string,
    addedAt: date(row.added_at) as Date,
  };
  if (str(row.file_name)) record.fileName = row.file_name as string;
  if (str(row.media_type)) record.mediaType = row.media_type as string;
  if (typeof row.size_bytes === 'number') record.sizeBytes = row.size_bytes;
  if (str(row.sha256)) record.sha256 = row.sha256 as string;
  if (typeof row.taken_lon === 'number' && typeof row.taken_lat === 'number') record.takenAt = { lon: row.taken_lon, lat: row.taken_lat };
  const takenTime = date(row.taken_time);
  if (takenTime) record.takenTime = takenTime;
  if (str(row.reference_id)) record.referenceId = row.reference_id as string;
  return record;
}

const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown }).code === '23505';

export interface PgCaseStoreOptions {
  pool: pg.Pool;
  /** The full name of ecogrid.cases.v1, deployment prefix included. */
  casesTopic: string;
  /** The key new history entries are sealed with (HMAC); it never enters the database. */
  chainKey: ChainKey;
  /** Encodes a change as the protobuf value of its ecogrid.cases.v1 event. */
  encodeChange: (change: CaseChangeRecord) => Buffer;
  /** Told after a transaction that enqueued events committed, so the relay of this process sends them at once. */
  onEventsCommitted?: () => void;
  /** Whether to NOTIFY the relay through PostgreSQL: only when the relay holding the lease is in another process. */
  notifyRelays?: () => boolean;
}

/** The case store on PostgreSQL: one transaction per use case, the case row locked while it changes. */
export function createPgCaseStore(options: PgCaseStoreOptions): CaseStore {
  const { pool } = options;

  const transactionOn = (client: pg.PoolClient, markEnqueued: () => void): CaseTransaction => {
    // The chain head of cases appended to in this transaction: the case row is locked, nobody else appends.
    const heads = new Map<string, { sequence: number; hash: string }>();
    return {
      markAlertEventProcessed: async (eventId, alertId) => {
        const { rows } = await client.query<{ fresh: boolean; case_id: string | null; severity: string | null }>(
          `WITH fresh AS (INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id)
           SELECT EXISTS (SELECT 1 FROM fresh) AS fresh, a.case_id, a.severity FROM (SELECT 1) AS one LEFT JOIN case_alerts a ON a.alert_id = $2`,
          [eventId, alertId],
        );
        const row = rows[0];
        return { fresh: row?.fresh === true, ...(row?.case_id ? { linked: { caseId: row.case_id, severity: row.severity ?? '' } } : {}) };
      },
      lockCase: async (caseId) => {
        const { rows } = await client.query('SELECT * FROM cases WHERE id = $1 FOR UPDATE', [caseId]);
        return rows[0] ? caseFromRow(rows[0] as Row) : undefined;
      },
      nextCaseNumber: async (day) => {
        // On the pool, not in the transaction: the counter row is locked for one statement, not until the
        // case commits, so concurrent creations do not queue behind each other. A rolled-back creation
        // leaves a gap in the day's numbers; ids stay unique.
        const { rows } = await pool.query<{ last: number }>(
          'INSERT INTO case_counters (day, last) VALUES ($1, 1) ON CONFLICT (day) DO UPDATE SET last = case_counters.last + 1 RETURNING last',
          [day],
        );
        return rows[0]?.last as number;
      },
      insertCase: async (state) => {
        const placeholders = CASE_COLUMNS.map((_, index) => `$${index + 1}`).join(', ');
        try {
          await client.query(`INSERT INTO cases (${CASE_COLUMNS.join(', ')}) VALUES (${placeholders})`, caseValues(state));
          heads.set(state.id, { sequence: 0, hash: GENESIS_HASH });
        } catch (error) {
          // Another transaction opened the case for this request, or for this device and factor, first: retrying
          // finds that case (the request's) or joins it (the alert's).
          if (isUniqueViolation(error) && (error as { constraint?: unknown }).constraint === 'cases_emergency_request_key') {
            throw new RetriableError(`the case of emergency request ${state.emergencyRequestId} appeared concurrently`, { cause: error });
          }
          if (isUniqueViolation(error)) throw new RetriableError(`an open case for ${state.deviceMn}/${state.factorCode} appeared concurrently`, { cause: error });
          throw error;
        }
      },
      updateCase: async (state, expectedVersion) => {
        const assignments = CASE_COLUMNS.slice(1)
          .map((column, index) => `${column} = $${index + 2}`)
          .join(', ');
        try {
          const result = await client.query(`UPDATE cases SET ${assignments} WHERE id = $1 AND version = $${CASE_COLUMNS.length + 1}`, [...caseValues(state), expectedVersion]);
          return result.rowCount === 1;
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new DomainError('FAILED_PRECONDITION', `another case is open for device ${state.deviceMn} and factor ${state.factorCode}; merge into it instead`, {
              reason: 'open_case_exists',
            });
          }
          throw error;
        }
      },
      appendHistory: async (caseId, items) => {
        let previous = heads.get(caseId);
        if (!previous) {
          const { rows } = await client.query<{ sequence: number; hash: string }>(
            'SELECT sequence, hash FROM case_history WHERE case_id = $1 ORDER BY sequence DESC LIMIT 1',
            [caseId],
          );
          previous = rows[0];
        }
        const entries: HistoryEntry[] = [];
        for (const { draft } of items) {
          const entry = sealEntry({ caseId, sequence: (previous?.sequence ?? 0) + 1, ...draft }, previous?.hash ?? GENESIS_HASH, options.chainKey);
          entries.push(entry);
          previous = { sequence: entry.sequence, hash: entry.hash };
        }
        const params: unknown[] = [];
        const rows: string[] = [];
        for (const entry of entries) {
          const base = params.length;
          params.push(
            entry.caseId,
            entry.sequence,
            entry.action,
            entry.actor,
            entry.occurredAt,
            entry.fromStatus,
            entry.toStatus,
            JSON.stringify(entry.details),
            entry.previousHash,
            entry.hash,
            entry.keyId ?? null,
          );
          rows.push(`(${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((offset) => `$${base + offset}`).join(', ')})`);
        }
        await client.query(
          `INSERT INTO case_history (case_id, sequence, action, actor, occurred_at, from_status, to_status, details, previous_hash, hash, key_id) VALUES ${rows.join(', ')}`,
          params,
        );
        // Each entry's event in the same transaction: on Kafka if and only if the entry is stored. The case row is
        // locked, so events of one case are enqueued, and leave, in sequence order.
        await enqueue(
          client,
          entries.map(
            (entry, index): OutboxEvent => ({
              topic: options.casesTopic,
              key: entry.caseId,
              type: TOPICS.cases.payload,
              payload: options.encodeChange({ ...(items[index] as (typeof items)[number]).event, entry }),
              id: `${entry.caseId}:${entry.sequence}`,
              time: entry.occurredAt,
            }),
          ),
          { notify: options.notifyRelays?.() ?? true },
        );
        markEnqueued();
        if (previous) heads.set(caseId, previous);
        return entries;
      },
      replaceTimers: async (caseId, timers: TimerDraft[]) => {
        // One round trip: the delete and the insert see the same snapshot, so the new rows survive.
        await client.query(
          `WITH gone AS (DELETE FROM timers WHERE case_id = $1)
           INSERT INTO timers (case_id, kind, step, due_at) SELECT $1, kind, step, due_at FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS t(kind, step, due_at)`,
          [caseId, timers.map((timer) => timer.kind), timers.map((timer) => timer.step ?? null), timers.map((timer) => timer.dueAt)],
        );
      },
      claimDueTimer: async (now) => {
        // The case row is what is locked (skipping cases another instance holds); every change to a case's
        // timers happens under that lock, so lock order is always case first and nothing deadlocks.
        const { rows } = await client.query(
          `SELECT t.id, t.case_id, t.kind, t.step, t.due_at FROM timers t JOIN cases c ON c.id = t.case_id
           WHERE t.due_at <= $1 ORDER BY t.due_at, t.id LIMIT 1 FOR UPDATE OF c SKIP LOCKED`,
          [now],
        );
        const row = rows[0] as Row | undefined;
        if (!row) return undefined;
        const timer: DueTimer = { id: String(row.id), caseId: row.case_id as string, kind: row.kind as TimerKind, dueAt: date(row.due_at) as Date };
        if (str(row.step)) timer.step = row.step as Step;
        return timer;
      },
      deleteTimer: async (id) => (await client.query('DELETE FROM timers WHERE id = $1', [id])).rowCount === 1,
      linkAlert: async (alertId, caseId, severity, evidence) => {
        await client.query(
          `WITH link AS (INSERT INTO case_alerts (alert_id, case_id, severity) VALUES ($1, $2, $3))
           INSERT INTO evidence (id, case_id, kind, added_by, added_at, reference_id) VALUES ($4, $2, $5, $6, $7, $1) ON CONFLICT (id) DO NOTHING`,
          [alertId, caseId, severity, evidence.id, evidence.kind, evidence.addedBy, evidence.addedAt],
        );
      },
      updateAlertSeverity: async (alertId, severity) => {
        await client.query('UPDATE case_alerts SET severity = $2 WHERE alert_id = $1', [alertId, severity]);
      },
      findEmergencyRequestCase: async (requestId) => {
        const { rows } = await client.query<{ id: string }>('SELECT id FROM cases WHERE emergency_request_id = $1', [requestId]);
        return rows[0] ? { caseId: rows[0].id } : undefined;
      },
      findOpenAlertCase: async (deviceMn, factorCode) => {
        const { rows } = await client.query(
          `SELECT * FROM cases WHERE device_mn = $1 AND factor_code = $2 AND source = 'alert' AND status NOT IN ('closed', 'merged') FOR UPDATE`,
          [deviceMn, factorCode],
        );
        return rows[0] ? caseFromRow(rows[0] as Row) : undefined;
      },
      completeIdempotencyKey: async (claim, caseId) => {
        await client.query('UPDATE idempotency_keys SET case_id = $3 WHERE principal = $1 AND key = $2', [claim.principal, claim.key, caseId]);
      },
      insertEvidence: async (record, content) => {
        await client.query(
          `INSERT INTO evidence (id, case_id, kind, file_name, media_type, size_bytes, sha256, content, added_by, added_at, taken_lon, taken_lat, taken_time, reference_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING`,
          [
            record.id,
            record.caseId,
            record.kind,
            record.fileName ?? null,
            record.mediaType ?? null,
            record.sizeBytes ?? null,
            record.sha256 ?? null,
            content ?? null,
            record.addedBy,
            record.addedAt,
            record.takenAt?.lon ?? null,
            record.takenAt?.lat ?? null,
            record.takenTime ?? null,
            record.referenceId ?? null,
          ],
        );
      },
      saveComplainant: async (caseId, complainant: Complainant) => {
        if (Object.values(complainant).every((value) => value === undefined || value === '')) return;
        await client.query('INSERT INTO complainants (case_id, contact) VALUES ($1, $2)', [caseId, JSON.stringify(complainant)]);
      },
    };
  };

  return {
    transaction: async (work) => {
      let enqueued = false;
      const result = await inTransaction(pool, (client) => work(transactionOn(client, () => (enqueued = true))));
      if (enqueued) options.onEventsCommitted?.();
      return result;
    },
    get: async (caseId) => {
      const { rows } = await pool.query('SELECT * FROM cases WHERE id = $1', [caseId]);
      return rows[0] ? caseFromRow(rows[0] as Row) : undefined;
    },
    list: async (filter: CaseFilter) => {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, value: unknown): void => {
        params.push(value);
        where.push(sql.replaceAll('?', `$${params.length}`));
      };
      if (filter.statuses && filter.statuses.length > 0) add('status = ANY(?)', filter.statuses);
      if (filter.townshipCode) add('township_code = ?', filter.townshipCode);
      if (filter.cellId) add('cell_id = ?', filter.cellId);
      if (filter.officerId) add('assignee_officer_id = ?', filter.officerId);
      if (filter.overdueAt) add(`step_deadline < ? AND status NOT IN ('suspended', 'closed', 'merged')`, filter.overdueAt);
      if (filter.createdFrom) add('created_at >= ?', filter.createdFrom);
      if (filter.createdTo) add('created_at < ?', filter.createdTo);
      if (filter.query) add(`(title ILIKE '%' || ? || '%' OR description ILIKE '%' || ? || '%')`, filter.query.replace(/[%_\\]/g, '\\$&'));
      if (filter.priority) add('priority = ?', filter.priority);
      if (filter.source) add('source = ?', filter.source);
      if (filter.serviceCode) add('service_code = ?', filter.serviceCode);
      if (filter.ids && filter.ids.length > 0) add('id = ANY(?)', filter.ids);
      if (filter.after) {
        params.push(filter.after.createdAt, filter.after.id);
        where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
      }
      params.push(filter.limit);
      const sql = `SELECT * FROM cases ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`;
      const { rows } = await pool.query(sql, params);
      return rows.map((row) => caseFromRow(row as Row));
    },
    history: async (caseId) => {
      const { rows } = await pool.query('SELECT * FROM case_history WHERE case_id = $1 ORDER BY sequence', [caseId]);
      return rows.map((row) => historyFromRow(row as Row));
    },
    kpis: createPgKpiQuery(pool),
    alertIds: async (caseId) => {
      const { rows } = await pool.query<{ alert_id: string }>('SELECT alert_id FROM case_alerts WHERE case_id = $1 ORDER BY linked_at, alert_id', [caseId]);
      return rows.map((row) => row.alert_id);
    },
    evidence: async (caseId) => {
      const { rows } = await pool.query(
        `SELECT id, case_id, kind, file_name, media_type, size_bytes, sha256, added_by, added_at, taken_lon, taken_lat, taken_time, reference_id
         FROM evidence WHERE case_id = $1 ORDER BY added_at, id`,
        [caseId],
      );
      return rows.map((row) => evidenceFromRow(row as Row));
    },
    claimIdempotencyKey: async (claim) => {
      // Autocommit: a concurrent claim of the same key waits only for this statement, never for a creation (which
      // takes pool connections of its own). A few expired rows of others are purged on the way.
      const { rows } = await pool.query<{ claimed: boolean }>(
        `WITH purge AS (
           DELETE FROM idempotency_keys WHERE (principal, key) IN (
             SELECT principal, key FROM idempotency_keys WHERE expires_at < $4 AND NOT (principal = $1 AND key = $2) LIMIT 20))
         INSERT INTO idempotency_keys (principal, key, request_sha256, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (principal, key) DO UPDATE SET request_sha256 = EXCLUDED.request_sha256, case_id = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
           WHERE idempotency_keys.expires_at < EXCLUDED.created_at OR (idempotency_keys.case_id IS NULL AND idempotency_keys.created_at < $6)
         RETURNING true AS claimed`,
        [claim.principal, claim.key, claim.requestSha256, claim.now, claim.expiresAt, claim.staleBefore],
      );
      if (rows[0]?.claimed) return undefined;
      const prior = await pool.query<{ request_sha256: string; case_id: string | null }>('SELECT request_sha256, case_id FROM idempotency_keys WHERE principal = $1 AND key = $2', [
        claim.principal,
        claim.key,
      ]);
      const row = prior.rows[0];
      return row ? { requestSha256: row.request_sha256, ...(row.case_id ? { caseId: row.case_id } : {}) } : undefined;
    },
    releaseIdempotencyKey: async (claim) => {
      await pool.query('DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND case_id IS NULL', [claim.principal, claim.key]);
    },
    evidenceContent: async (caseId, evidenceId) => {
      const { rows } = await pool.query('SELECT * FROM evidence WHERE case_id = $1 AND id = $2 AND content IS NOT NULL', [caseId, evidenceId]);
      const row = rows[0] as Row | undefined;
      return row ? { record: evidenceFromRow(row), content: row.content as Buffer } : undefined;
    },
  };
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Open311 partner keys: only their SHA-256 is stored, so a leaked table leaks no key. */
export function createPgApiKeyStore(pool: pg.Pool): ApiKeyStore & { register(apiKey: string, partner: string): Promise<void> } {
  return {
    partnerOfKey: async (apiKey) => {
      const { rows } = await pool.query<{ partner: string }>('SELECT partner FROM open311_api_keys WHERE key_sha256 = $1 AND revoked_at IS NULL', [sha256Hex(apiKey)]);
      return rows[0]?.partner;
    },
    register: async (apiKey, partner) => {
      await pool.query('INSERT INTO open311_api_keys (key_sha256, partner) VALUES ($1, $2) ON CONFLICT (key_sha256) DO UPDATE SET partner = EXCLUDED.partner, revoked_at = NULL', [
        sha256Hex(apiKey),
        partner,
      ]);
    },
  };
}
