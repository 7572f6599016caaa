import type pg from 'pg';
import { enqueue, type OutboxEvent } from '@ecogrid/outbox';
import { inTransaction } from '@ecogrid/postgres';
import type { JsonObject } from '@ecogrid/hash-chain';
import type { ImpactAnalysis } from '../../domain/incidents/impact-analysis';
import type { Incident, IncidentKind, IncidentLevel, IncidentStatus } from '../../domain/incidents/incident';
import type { Plan, PlanTask } from '../../domain/incidents/plan';
import type { TimelineEntry, TimelineStep } from '../../domain/incidents/timeline';
import type { IncidentEvent, IncidentFilter, IncidentStore, IncidentTransaction, StoredIncident, TaskCase } from '../../app/incidents';
import { analysisFromJson, analysisToJson } from './analysis-json';

export interface PgIncidentStoreOptions {
  pool: pg.Pool;
  /** Encodes an incident event for ecogrid.emergency.v1 (the Kafka adapter's mapping). */
  encode: (event: IncidentEvent) => OutboxEvent;
  onEventsCommitted: () => void;
  notifyRelays: () => boolean;
}

interface IncidentRow {
  incident_id: string;
  status: IncidentStatus;
  kind: IncidentKind;
  level: IncidentLevel;
  title: string;
  lon: number;
  lat: number;
  cell_id: string;
  township_code: string;
  station_mns: string[];
  alert_id: string;
  factor_code: string;
  summary: string;
  drill: boolean;
  target_id: string;
  radius_m: number;
  proposed_at: Date | null;
  declared_at: Date | null;
  declared_by: string;
  plan_activated_at: Date | null;
  plan_id: string;
  plan_version: number;
  closed_at: Date | null;
  recovered_since: Date | null;
  version: number;
  analysis: JsonObject | null;
}

const INCIDENT_COLUMNS =
  'incident_id, status, kind, level, title, lon, lat, cell_id, township_code, station_mns, alert_id, factor_code, summary, drill, target_id, radius_m, proposed_at, declared_at, declared_by, plan_activated_at, plan_id, plan_version, closed_at, recovered_since, version, analysis';
const INCIDENT_PARAMS = Array.from({ length: 26 }, (_, index) => `$${index + 1}`).join(', ');

function incidentValues({ incident, analysis }: StoredIncident): unknown[] {
  return [
    incident.id, incident.status, incident.kind, incident.level, incident.title, incident.lon, incident.lat, incident.cellId, incident.townshipCode, incident.stationMns,
    incident.alertId, incident.factorCode, incident.summary, incident.drill, incident.targetId, incident.radiusM, incident.proposedAt, incident.declaredAt, incident.declaredBy,
    incident.planActivatedAt, incident.planId, incident.planVersion, incident.closedAt, incident.recoveredSince, incident.version, analysis ? analysisToJson(analysis) : null,
  ];
}

function toStored(row: IncidentRow): StoredIncident {
  const incident: Incident = {
    id: row.incident_id,
    status: row.status,
    kind: row.kind,
    level: row.level,
    title: row.title,
    lon: row.lon,
    lat: row.lat,
    cellId: row.cell_id,
    townshipCode: row.township_code,
    stationMns: row.station_mns,
    alertId: row.alert_id,
    factorCode: row.factor_code,
    summary: row.summary,
    drill: row.drill,
    targetId: row.target_id,
    radiusM: row.radius_m,
    proposedAt: row.proposed_at,
    declaredAt: row.declared_at,
    declaredBy: row.declared_by,
    planActivatedAt: row.plan_activated_at,
    planId: row.plan_id,
    planVersion: row.plan_version,
    closedAt: row.closed_at,
    recoveredSince: row.recovered_since,
    version: row.version,
  };
  const analysis: ImpactAnalysis | null = row.analysis ? analysisFromJson(row.analysis) : null;
  return { incident, analysis };
}

interface TimelineRow {
  incident_id: string;
  sequence: number;
  step: TimelineStep;
  actor: string;
  occurred_at: Date;
  details: JsonObject;
  previous_hash: string;
  hash: string;
  key_id: string;
}

const toEntry = (row: TimelineRow): TimelineEntry => ({
  incidentId: row.incident_id,
  sequence: row.sequence,
  step: row.step,
  actor: row.actor,
  occurredAt: row.occurred_at,
  details: row.details,
  previousHash: row.previous_hash,
  hash: row.hash,
  keyId: row.key_id,
});

interface PlanRow {
  plan_id: string;
  version: number;
  name: string;
  trigger_kind: IncidentKind;
  trigger_levels: IncidentLevel[];
  target_id: string;
  tasks: PlanTask[];
  created_at: Date;
  created_by: string;
}

const toPlan = (row: PlanRow): Plan => ({
  id: row.plan_id,
  version: row.version,
  name: row.name,
  triggerKind: row.trigger_kind,
  triggerLevels: row.trigger_levels,
  targetId: row.target_id,
  tasks: row.tasks,
  createdAt: row.created_at,
  createdBy: row.created_by,
});

const LATEST_PLANS = 'SELECT DISTINCT ON (plan_id) * FROM plans ORDER BY plan_id, version DESC';
const OPEN = ['proposed', 'declared', 'responding'];

/** The incidents part's tables in the emergency schema, and its events through the shared outbox. */
export function createPgIncidentStore(options: PgIncidentStoreOptions): IncidentStore {
  const { pool } = options;

  const transactionOf = (client: pg.PoolClient, queued: { events: number }): IncidentTransaction => ({
    lockIncident: async (id) => {
      const row = (await client.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE incident_id = $1 FOR UPDATE`, [id])).rows[0];
      return row ? toStored(row) : undefined;
    },
    insertIncident: async (stored) => {
      const result = await client.query(`INSERT INTO incidents (${INCIDENT_COLUMNS}) VALUES (${INCIDENT_PARAMS}) ON CONFLICT (incident_id) DO NOTHING`, incidentValues(stored));
      return result.rowCount === 1;
    },
    updateIncident: async (stored) => {
      const sets = INCIDENT_COLUMNS.split(', ')
        .slice(1)
        .map((column, index) => `${column} = $${index + 2}`)
        .join(', ');
      await client.query(`UPDATE incidents SET ${sets} WHERE incident_id = $1`, incidentValues(stored));
    },
    openIncidentForStation: async (mn) => {
      const row = (await client.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE station_mns @> ARRAY[$1]::text[] AND status = ANY($2) LIMIT 1`, [mn, OPEN])).rows[0];
      return row ? toStored(row).incident : undefined;
    },
    lastTimelineLink: async (id) => {
      const row = (await client.query<{ sequence: number; hash: string }>('SELECT sequence, hash FROM incident_timeline WHERE incident_id = $1 ORDER BY sequence DESC LIMIT 1', [id])).rows[0];
      return row;
    },
    appendTimeline: async (entries) => {
      if (entries.length === 0) return;
      await client.query(
        `INSERT INTO incident_timeline (incident_id, sequence, step, actor, occurred_at, details, previous_hash, hash, key_id)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::text[], $8::text[], $9::text[])`,
        [
          entries.map((entry) => entry.incidentId),
          entries.map((entry) => entry.sequence),
          entries.map((entry) => entry.step),
          entries.map((entry) => entry.actor),
          entries.map((entry) => entry.occurredAt),
          entries.map((entry) => JSON.stringify(entry.details)),
          entries.map((entry) => entry.previousHash),
          entries.map((entry) => entry.hash),
          entries.map((entry) => entry.keyId),
        ],
      );
    },
    queue: async (events) => {
      // One statement for a step's events: each round trip sits on the alert → proposal path.
      queued.events += await enqueue(client, events.map(options.encode), { notify: options.notifyRelays() });
    },
    latestPlan: async (id) => {
      const row = (await client.query<PlanRow>('SELECT * FROM plans WHERE plan_id = $1 ORDER BY version DESC LIMIT 1 FOR UPDATE', [id])).rows[0];
      return row ? toPlan(row) : undefined;
    },
    latestPlans: async () => (await client.query<PlanRow>(LATEST_PLANS)).rows.map(toPlan),
    insertPlan: async (plan) => {
      await client.query('INSERT INTO plans (plan_id, version, name, trigger_kind, trigger_levels, target_id, tasks, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
        plan.id, plan.version, plan.name, plan.triggerKind, plan.triggerLevels, plan.targetId, JSON.stringify(plan.tasks), plan.createdAt, plan.createdBy,
      ]);
    },
    insertTaskRequests: async (requests) => {
      if (requests.length === 0) return;
      await client.query(
        `INSERT INTO incident_tasks (request_id, incident_id, task_id, status) SELECT r, i, t, 'requested' FROM unnest($1::text[], $2::text[], $3::text[]) AS x(r, i, t) ON CONFLICT (request_id) DO NOTHING`,
        [requests.map((request) => request.requestId), requests.map((request) => request.sourceId), requests.map((request) => request.taskId)],
      );
    },
    lockTask: async (requestId) => {
      const row = (await client.query<{ request_id: string; incident_id: string; task_id: string; case_id: string; status: string }>('SELECT * FROM incident_tasks WHERE request_id = $1 FOR UPDATE', [requestId])).rows[0];
      return row ? ({ requestId: row.request_id, incidentId: row.incident_id, taskId: row.task_id, caseId: row.case_id, status: row.status } satisfies TaskCase) : undefined;
    },
    updateTask: async (task) => {
      await client.query('UPDATE incident_tasks SET case_id = $2, status = $3 WHERE request_id = $1', [task.requestId, task.caseId, task.status]);
    },
  });

  return {
    transaction: async (work) => {
      const queued = { events: 0 };
      const result = await inTransaction(pool, (client) => work(transactionOf(client, queued)));
      if (queued.events > 0) options.onEventsCommitted();
      return result;
    },
    get: async (id) => {
      const row = (await pool.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE incident_id = $1`, [id])).rows[0];
      return row ? toStored(row) : undefined;
    },
    list: async (filter: IncidentFilter) => {
      const { rows } = await pool.query<IncidentRow>(
        `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE (cardinality($1::text[]) = 0 OR status = ANY($1)) AND ($2 OR NOT drill) ORDER BY created_at DESC, incident_id DESC LIMIT $3`,
        [filter.statuses, filter.includeDrills, filter.limit],
      );
      return rows.map(toStored);
    },
    timeline: async (id) => (await pool.query<TimelineRow>('SELECT * FROM incident_timeline WHERE incident_id = $1 ORDER BY sequence', [id])).rows.map(toEntry),
    latestPlans: async () => (await pool.query<PlanRow>(LATEST_PLANS)).rows.map(toPlan),
    openWithStations: async () =>
      (await pool.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE status = ANY($1) AND cardinality(station_mns) > 0`, [OPEN])).rows.map((row) => toStored(row).incident),
  };
}
