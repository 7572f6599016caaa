import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../domain/incidents/impact-analysis';
import { DEFAULT_ZONE_SETTINGS } from '../../domain/incidents/impact-zone';
import type { Plan } from '../../domain/incidents/plan';
import { DEFAULT_CLASSIFICATION_RULES } from '../../domain/incidents/station-classification';
import { CHEMICAL_STORE, RESOURCES, RIVER, SENSITIVE, station, WATER_SOURCE } from '../../domain/incidents/testing/fixtures';
import { createIncidentsApp, type AlertInput, type IncidentSites } from '.';
import { createMemoryIncidentStore } from './testing/memory-incident-store';

const T0 = Date.UTC(2026, 11, 6, 8, 0, 0);

function world() {
  let now = T0;
  const clock = { now: () => new Date(now) };
  const advance = (minutes: number): void => {
    now += minutes * 60_000;
  };
  const stations = [
    station(),
    station({ mn: 'MN-AIR', kind: 'micro_air_station', lon: 110.6, lat: 35.3, factorCodes: ['a34004'] }),
    // A toxic-gas monitor at the chemical store's fence (about 90 m east of it).
    station({ mn: 'MN-GAS', name: '危化品库有毒有害气体监测站', kind: 'micro_air_station', lon: 111.201, lat: 35.1, factorCodes: ['a21028', 'a21001', 'a21022', 'a34004'] }),
  ];
  const all = [...SENSITIVE, ...RESOURCES, CHEMICAL_STORE];
  const sites: IncidentSites = {
    station: (mn) => stations.find((candidate) => candidate.mn === mn),
    stationLimits: () => ({ w21003: 1.0, w01018: 20 }),
    waterSources: () => [WATER_SOURCE],
    riskSources: () => [CHEMICAL_STORE],
    sensitiveTargets: () => SENSITIVE,
    resources: () => RESOURCES,
    site: (id) => all.find((site) => site.id === id),
    locate: (lon) => (lon > 110 && lon < 112 ? { cellId: 'C1', townshipCode: 'T1' } : undefined),
  };
  const store = createMemoryIncidentStore();
  let ids = 0;
  const app = createIncidentsApp(
    {
      store,
      sites,
      rivers: { rivers: () => [RIVER], river: (id) => (id === RIVER.id ? RIVER : undefined) },
      clock,
      ids: { incidentId: () => `INC-D${++ids}` },
      settings: {
        classification: DEFAULT_CLASSIFICATION_RULES,
        zone: DEFAULT_ZONE_SETTINGS,
        analysis: DEFAULT_ANALYSIS_SETTINGS,
        recoveryHoldMs: 30 * 60_000,
        chainKey: { id: 'k1', secret: 'test' },
        retiredChainKeys: [],
      },
    },
    { readingsRefreshMs: 0 },
  );
  return { app, store, clock, advance };
}

const alert = (overrides: Partial<AlertInput> = {}): AlertInput => ({
  alertId: 'ALERT-1',
  state: 'raised',
  kind: 'emission_limit',
  deviceMn: 'MN-WS1',
  factorCode: 'w21003',
  value: 3.1,
  limit: 1.0,
  exceedanceMultiple: 2.1,
  summary: '氨氮超标',
  changedAt: new Date(T0),
  late: false,
  ...overrides,
});

const PLAN: Omit<Plan, 'version' | 'createdAt' | 'createdBy'> = {
  id: 'P-WS1',
  name: '东孙坞饮用水源地突发环境事件应急预案',
  triggerKind: 'water_source',
  triggerLevels: [],
  targetId: 'WS1',
  tasks: [
    { taskId: 'monitor', department: '区环境监测站', officerId: '', title: '加密监测', description: '', deadlineMinutes: 60, priority: 'high' },
    { taskId: 'cutoff', department: '区水务局', officerId: 'GO-1', title: '切换备用水源', description: '', deadlineMinutes: 120, priority: 'urgent' },
  ],
};
const DISPATCHER = { id: 'dispatcher-1', role: 'dispatcher' };

describe('incidents, from alert to closing', () => {
  it('proposes once per alert and per station, only for incident stations and alert kinds', async () => {
    const { app, store } = world();
    expect(await app.proposeIncident(alert())).toBe('proposed');
    expect(await app.proposeIncident(alert())).toBe('already_open');
    expect(await app.proposeIncident(alert({ alertId: 'ALERT-2' }))).toBe('already_open');
    expect(await app.proposeIncident(alert({ alertId: 'ALERT-3', deviceMn: 'MN-AIR', factorCode: 'a34004' }))).toBe('not_an_incident_station');
    expect(await app.proposeIncident(alert({ alertId: 'ALERT-4', kind: 'device_offline' }))).toBe('ignored');
    expect(await app.proposeIncident(alert({ alertId: 'ALERT-5', state: 'cleared' }))).toBe('ignored');
    const [proposed] = await store.list({ statuses: ['proposed'], includeDrills: false, limit: 10 });
    expect(proposed?.incident).toMatchObject({ kind: 'water_source', level: 'III', targetId: 'WS1', stationMns: ['MN-WS1'], title: 'drinking_water_source WS1突发环境事件（饮用水源地污染）' });
    expect(proposed?.analysis?.affectedTargets.map((target) => target.targetId)).toEqual(['WS1', 'RES-NEAR', 'SCH-DOWN', 'HOS-DOWN']);
    expect((await store.timeline(proposed?.incident.id ?? '')).map((entry) => entry.step)).toEqual(['proposed', 'analysis']);
  });

  it('proposes a toxic-gas incident for an H2S exceedance at a toxic-gas monitor, not for its dust', async () => {
    const { app, store } = world();
    const h2s = alert({ alertId: 'ALERT-H2S', deviceMn: 'MN-GAS', factorCode: 'a21028', value: 0.19, limit: 0.06, exceedanceMultiple: 3.2, summary: '硫化氢超标' });
    expect(await app.proposeIncident(alert({ alertId: 'ALERT-DUST', deviceMn: 'MN-GAS', factorCode: 'a34004' }))).toBe('not_an_incident_station');
    expect(await app.proposeIncident(h2s)).toBe('proposed');
    expect(await app.proposeIncident(h2s)).toBe('already_open');
    const [proposed] = await store.list({ statuses: ['proposed'], includeDrills: false, limit: 10 });
    expect(proposed?.incident).toMatchObject({ kind: 'toxic_gas', level: 'IV', targetId: 'RISK1', stationMns: ['MN-GAS'] });
  });

  it('runs declared → plan activated (tasks requested once) → task cases followed → readings recover → closed, on a timeline that verifies', async () => {
    const { app, store, advance } = world();
    await app.upsertPlan(DISPATCHER, PLAN);
    await app.proposeIncident(alert());
    const [proposed] = await store.list({ statuses: ['proposed'], includeDrills: false, limit: 1 });
    const id = proposed?.incident.id ?? '';
    advance(2);
    const declared = await app.declareIncident(DISPATCHER, { incidentId: id, level: 'II', kind: undefined, title: '', lon: undefined, lat: undefined, stationMns: [], radiusM: 0, drill: false, expectedVersion: 1 });
    expect(declared.incident).toMatchObject({ status: 'declared', level: 'II', declaredBy: 'dispatcher-1' });
    advance(3);
    const activation = await app.activatePlan(DISPATCHER, id, '');
    expect(activation.requestIds).toEqual([`${id}:task:monitor`, `${id}:task:cutoff`]);
    await expect(app.activatePlan(DISPATCHER, id, '')).rejects.toMatchObject({ reason: 'plan_already_activated' });
    const requests = store.outbox().filter((event) => event.kind === 'case_requested');
    expect(requests).toHaveLength(2);
    expect(requests.map((event) => (event.kind === 'case_requested' ? [event.request.priority, event.request.deadline.toISOString()] : null))).toEqual([
      ['urgent', '2026-12-06T09:05:00.000Z'],
      ['urgent', '2026-12-06T10:05:00.000Z'],
    ]);

    expect(await app.followTaskCase({ caseId: 'CASE-1', requestId: `${id}:task:monitor`, status: 'dispatched', occurredAt: new Date(T0 + 6 * 60_000) })).toBe('recorded');
    expect(await app.followTaskCase({ caseId: 'CASE-1', requestId: `${id}:task:monitor`, status: 'dispatched', occurredAt: new Date(T0 + 6 * 60_000) })).toBe('unchanged');
    expect(await app.followTaskCase({ caseId: 'CASE-1', requestId: `${id}:task:monitor`, status: 'accepted', occurredAt: new Date(T0 + 9 * 60_000) })).toBe('recorded');
    expect(await app.followTaskCase({ caseId: 'CASE-9', requestId: '', status: 'closed', occurredAt: new Date(T0) })).toBe('not_a_task');

    await expect(app.closeIncident(DISPATCHER, id, '')).rejects.toMatchObject({ reason: 'readings_not_recovered' });
    await app.followStationReadings([{ mn: 'MN-WS1', at: new Date(T0 + 10 * 60_000), values: { w21003: 0.6 } }]);
    advance(20);
    await expect(app.closeIncident(DISPATCHER, id, '')).rejects.toMatchObject({ reason: 'readings_not_recovered_long_enough' });
    await app.followStationReadings([{ mn: 'MN-WS1', at: new Date(T0 + 30 * 60_000), values: { w21003: 0.5 } }]);
    advance(20);
    const closed = await app.closeIncident(DISPATCHER, id, '水质恢复');
    expect(closed.incident.status).toBe('closed');

    const steps = (await app.getTimeline(id)).map((entry) => entry.step);
    expect(steps).toEqual([
      'proposed', 'analysis', 'declared', 'analysis', 'partner_notified', 'plan_activated', 'task_requested', 'task_requested',
      'task_case_opened', 'task_case_accepted', 'readings_recovered', 'closed',
    ]);
    expect(await app.verifyTimeline(id)).toEqual({ intact: true, entries: 12, brokenSequence: 0, reason: '' });
    store.tamper(id, 7, { actor: 'someone-else' });
    expect(await app.verifyTimeline(id)).toMatchObject({ intact: false, brokenSequence: 7, reason: 'hash_mismatch' });
  });

  it('runs a drill the same way, apart from real incidents, and reports what took how long', async () => {
    const { app, store, advance } = world();
    await app.upsertPlan(DISPATCHER, PLAN);
    const drill = await app.declareIncident(DISPATCHER, { incidentId: '', level: 'IV', kind: 'water_source', title: '水源地污染演练', lon: 110.95, lat: 35.0, stationMns: [], radiusM: 0, drill: true, expectedVersion: 0 });
    expect(drill.incident).toMatchObject({ drill: true, status: 'declared', targetId: 'WS1' });
    expect(await store.list({ statuses: [], includeDrills: false, limit: 10 })).toEqual([]);
    advance(4);
    const { requestIds } = await app.activatePlan(DISPATCHER, drill.incident.id, '');
    expect(store.outbox().filter((event) => event.kind === 'timeline_appended').every((event) => event.kind === 'timeline_appended' && event.drill)).toBe(true);
    await app.followTaskCase({ caseId: 'C-7', requestId: requestIds[0] ?? '', status: 'closed', occurredAt: new Date(T0 + 30 * 60_000) });
    const report = await app.getDrillReport(drill.incident.id);
    expect(report.steps.map((step) => [step.step, step.taskId, step.secondsFromDeclared])).toEqual([
      ['declared_to_analysis', '', 0],
      ['declared_to_plan_activated', '', 240],
      ['task_opened', 'monitor', 1800],
      ['task_accepted', 'monitor', 1800],
      ['task_closed', 'monitor', 1800],
      ['task_opened', 'cutoff', null],
      ['task_accepted', 'cutoff', null],
      ['task_closed', 'cutoff', null],
    ]);
  });

  it('refuses a declaration it cannot act on, naming the field', async () => {
    const { app } = world();
    const base = { incidentId: '', level: 'IV' as const, kind: 'other' as const, title: '泄漏', lon: 110.95, lat: 35.0, stationMns: [], radiusM: 0, drill: false, expectedVersion: 0 };
    await expect(app.declareIncident(DISPATCHER, { ...base, lon: 10 })).rejects.toMatchObject({ field: 'location', reason: 'location_outside_grid' });
    await expect(app.declareIncident(DISPATCHER, { ...base, stationMns: ['NOPE'] })).rejects.toMatchObject({ field: 'station_mns[0]', reason: 'unknown_station' });
    await expect(app.declareIncident(DISPATCHER, { ...base, title: ' ' })).rejects.toMatchObject({ field: 'title' });
    await expect(app.declareIncident(DISPATCHER, { ...base, kind: undefined })).rejects.toMatchObject({ field: 'kind' });
    await expect(app.declareIncident(DISPATCHER, { ...base, incidentId: 'INC-NONE' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
