import { DomainError, invalidArgument, notFound } from '@ecogrid/domain-errors';
import { distanceToGeometryM } from '@ecogrid/geo';
import { declare, INCIDENT_LEVELS, type Incident, type IncidentKind, type IncidentLevel } from '../../domain/incidents/incident';
import { selectPlan } from '../../domain/incidents/plan';
import type { Actor } from './actor';
import type { StoredIncident } from './ports';
import { analyse, analysisDetails, recordSteps, withPlan, type StepRecord } from './record-steps';
import type { IncidentRuntime } from './runtime';

export interface DeclareIncidentInput {
  /** Confirms this proposal; empty: a new incident from the fields below. */
  incidentId: string;
  level: IncidentLevel | undefined;
  kind: IncidentKind | undefined;
  title: string;
  lon: number | undefined;
  lat: number | undefined;
  stationMns: string[];
  radiusM: number;
  drill: boolean;
  expectedVersion: number;
}

const KINDS: readonly IncidentKind[] = ['water_source', 'river_section', 'toxic_gas', 'other'];

/** The steps every declaration records: the declaration, the analysis it acts on, and the partners' feed it reached. */
function declarationSteps(actor: Actor, stored: StoredIncident, planRef: string | null, analysisStep: StepRecord): StepRecord[] {
  const incident = stored.incident;
  return [
    { step: 'declared', actor: actor.id, details: { level: incident.level, kind: incident.kind, drill: incident.drill } },
    analysisStep,
    // Published on ecogrid.emergency.v1 in the same transaction; sharing serves it as dataset emergency-incidents.
    { step: 'partner_notified', actor: 'platform', details: { feed: 'emergency-incidents', drill: incident.drill, plan: planRef } },
  ];
}

/**
 * A dispatcher declares an incident: confirms a platform's proposal (maybe at another level or radius) or declares a
 * new one by hand — or a drill (演练), which runs the same way with `drill` set. The impact analysis is computed
 * again at declaration, so what the responders act on is current.
 */
export function createDeclareIncident(runtime: IncidentRuntime) {
  return async (actor: Actor, input: DeclareIncidentInput): Promise<StoredIncident> => {
    if (input.level !== undefined && !INCIDENT_LEVELS.includes(input.level)) throw invalidArgument('level', '事件级别应为 I、II、III 或 IV (level is I, II, III or IV)', 'bad_level');
    if (!Number.isFinite(input.radiusM) || input.radiusM < 0 || input.radiusM > 50_000) throw invalidArgument('radius_m', '影响半径应为 0（默认）至 50,000 米 (radius is 0 to 50,000 m)', 'bad_radius');
    const now = runtime.clock.now();
    if (input.incidentId) return confirmProposal(runtime, actor, input, now);
    return declareNew(runtime, actor, input, now);
  };
}

async function confirmProposal(runtime: IncidentRuntime, actor: Actor, input: DeclareIncidentInput, now: Date): Promise<StoredIncident> {
  return runtime.store.transaction(async (tx) => {
    const current = await tx.lockIncident(input.incidentId);
    if (!current) throw notFound('incident', input.incidentId);
    if (input.expectedVersion > 0 && input.expectedVersion !== current.incident.version) {
      throw new DomainError('ABORTED', `事件 ${input.incidentId} 已被他人更新（版本 ${current.incident.version}，而非 ${input.expectedVersion}），请刷新后重试 (stale version)`, { reason: 'stale_version' });
    }
    const declared: Incident = { ...declare(current.incident, actor.id, now, input.level), ...(input.radiusM > 0 ? { radiusM: input.radiusM } : {}) };
    const plan = selectPlan(await tx.latestPlans(), declared);
    const analysis = withPlan(analyse(runtime, declared, now), plan);
    const stored = { incident: declared, analysis };
    await tx.updateIncident(stored);
    const planRef = plan ? `${plan.id}@${plan.version}` : null;
    await recordSteps(tx, runtime, stored, declarationSteps(actor, stored, planRef, { step: 'analysis', actor: 'platform', details: analysisDetails(analysis, plan) }), now, plan ?? null);
    return stored;
  });
}

async function declareNew(runtime: IncidentRuntime, actor: Actor, input: DeclareIncidentInput, now: Date): Promise<StoredIncident> {
  if (!input.kind || !KINDS.includes(input.kind)) throw invalidArgument('kind', '事件类型应为 water_source、river_section、toxic_gas 或 other (bad kind)', 'bad_kind');
  if (!input.level) throw invalidArgument('level', '启动事件须指定级别 I–IV (a declared incident needs a level)', 'missing_level');
  const title = input.title.trim();
  if (!title || title.length > 200) throw invalidArgument('title', '事件标题须为 1–200 个字符 (a title of 1–200 characters is required)', 'bad_title');
  const stations = input.stationMns.map((mn, index) => {
    const station = runtime.sites.station(mn);
    if (!station) throw invalidArgument(`station_mns[${index}]`, `监测站 ${mn} 不在基础数据库中 (station not in the registry)`, 'unknown_station');
    return station;
  });
  const first = stations[0];
  const lon = input.lon ?? first?.lon;
  const lat = input.lat ?? first?.lat;
  if (lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw invalidArgument('location', '须提供事件位置或监测站 (a location or a station is required)', 'missing_location');
  }
  const place = runtime.sites.locate(lon, lat);
  if (!place) throw invalidArgument('location', `位置 ${lon},${lat} 不在本区任何网格内 (the location lies in no grid cell)`, 'location_outside_grid');
  const target =
    input.kind === 'water_source'
      ? runtime.sites.waterSources().find((site) => distanceToGeometryM(lon, lat, site.geometry) <= runtime.settings.classification.waterSourceReachM)
      : undefined;
  const incident: Incident = {
    id: runtime.ids.incidentId(),
    status: 'declared',
    kind: input.kind,
    level: input.level,
    title,
    lon,
    lat,
    cellId: place.cellId,
    townshipCode: place.townshipCode,
    stationMns: stations.map((station) => station.mn),
    alertId: '',
    factorCode: '',
    summary: '',
    drill: input.drill,
    targetId: target?.id ?? '',
    radiusM: input.radiusM,
    proposedAt: null,
    declaredAt: now,
    declaredBy: actor.id,
    planActivatedAt: null,
    planId: '',
    planVersion: 0,
    closedAt: null,
    recoveredSince: null,
    version: 1,
  };
  const computed = analyse(runtime, incident, now);
  return runtime.store.transaction(async (tx) => {
    const plan = selectPlan(await tx.latestPlans(), incident);
    const analysis = withPlan(computed, plan);
    const stored = { incident, analysis };
    await tx.insertIncident(stored);
    const planRef = plan ? `${plan.id}@${plan.version}` : null;
    await recordSteps(tx, runtime, stored, declarationSteps(actor, stored, planRef, { step: 'analysis', actor: 'platform', details: analysisDetails(analysis, plan) }), now, plan ?? null);
    return stored;
  });
}
