import { TOPICS, type OutgoingEvent, type topicNames } from '@ecogrid/kafka';
import { AlertChanged, AlertKind, AlertState, Severity } from '@ecogrid/proto/alerting/v1/events';
import { CaseChanged, CaseSource, type CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { IncidentKind, Plan } from '@ecogrid/proto/emergency/v1/incidents';
import { DeviceKind, TargetCategory, TargetKind, type Device, type Target } from '@ecogrid/proto/registry/v1/entities';
import { CellChanged } from '@ecogrid/proto/registry/v1/events';

/**
 * A small registry around the demo's 东孙坞 water source, on the demo's 姚暹渠 polyline (data/rivers.geojson), which
 * flows west here: a water station in the source's protection zone, a residential area downstream beside the river,
 * a school off the river and a hospital upstream (both outside the zone), and emergency resources.
 */
export const STATION_MN = '140802SZ0200000000000D01';
export const STATION: [number, number] = [111.06115, 34.99599];

const square = (lon: number, lat: number, half: number): string =>
  JSON.stringify({ type: 'Polygon', coordinates: [[[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half], [lon - half, lat - half]]] });
const point = (lon: number, lat: number): string => JSON.stringify({ type: 'Point', coordinates: [lon, lat] });

export const DEVICE: Device = {
  mn: STATION_MN,
  name: '东孙坞饮用水源地水质自动站',
  kind: DeviceKind.DEVICE_KIND_WATER_STATION,
  location: { lon: STATION[0], lat: STATION[1] },
  enterpriseUscc: '',
  outletId: '',
  cellId: 'C-TEST',
  townshipCode: '140802001',
  factors: [
    { factorCode: 'w01018', unit: 'mg/L', limit: 20, limitOnConverted: false },
    { factorCode: 'w21003', unit: 'mg/L', limit: 1, limitOnConverted: false },
  ],
  password: 'incident-test',
  protocolVersion: 2,
  tolerant: false,
  enabled: true,
  systemCode: '21',
};

const target = (id: string, name: string, kind: TargetKind, category: TargetCategory, geometry: string, attributes: Record<string, string> = {}): Target => ({
  id,
  name,
  kind,
  geometryGeojson: geometry,
  townshipCode: '140802001',
  attributes,
  category,
});
const S = TargetCategory.TARGET_CATEGORY_SENSITIVE;
const E = TargetCategory.TARGET_CATEGORY_EMERGENCY_RESOURCE;

export const TARGETS: Target[] = [
  target('DWS01-1', '东孙坞饮用水源地一级保护区', TargetKind.TARGET_KIND_DRINKING_WATER_SOURCE, S, square(STATION[0], STATION[1], 0.003)),
  target('RES-DOWN', '南城居民集中区', TargetKind.TARGET_KIND_RESIDENTIAL_AREA, S, point(111.0036, 35.0073)),
  target('SCH-OFF', '运城中学', TargetKind.TARGET_KIND_SCHOOL, S, point(111.0055, 35.0327)),
  target('HOS-UP', '上游医院', TargetKind.TARGET_KIND_HOSPITAL, S, point(111.12, 35.0062)),
  target('EMR-TEAM', '盐湖区生态环境应急队', TargetKind.TARGET_KIND_EMERGENCY_TEAM, E, point(111.0088, 35.0318), { members: '24' }),
  target('EMR-VEH', '应急监测车（二）', TargetKind.TARGET_KIND_EMERGENCY_MONITORING_VEHICLE, E, point(111.05, 35.065), { factors: 'COD,NH3-N,pH' }),
  target('EMR-SUP1', '城区应急物资库', TargetKind.TARGET_KIND_EMERGENCY_SUPPLIES, E, point(111.0055, 35.0545)),
  target('EMR-SUP2', '东郭镇应急物资点', TargetKind.TARGET_KIND_EMERGENCY_SUPPLIES, E, point(111.14, 34.9245)),
];

export function cellEvent(topics: ReturnType<typeof topicNames>): OutgoingEvent {
  const change = CellChanged.fromPartial({
    cell: { id: 'C-TEST', name: '测试网格', townshipCode: '140802001', geometryGeojson: square(111.05, 35.05, 0.25), validFrom: new Date('2020-01-01T00:00:00Z'), version: 1, areaM2: 1 },
    township: { code: '140802001', name: '北城街道', kind: 'subdistrict', districtCode: '140802' },
  });
  return { topic: topics.registryCells, key: 'C-TEST', type: TOPICS.registryCells.payload, value: Buffer.from(CellChanged.encode(change).finish()) };
}

export function alertEvent(topics: ReturnType<typeof topicNames>, alertId: string, at: Date): OutgoingEvent {
  const alert = AlertChanged.fromPartial({
    alertId,
    state: AlertState.ALERT_STATE_RAISED,
    ruleId: 'water-quality-limit',
    ruleVersion: '1',
    severity: Severity.SEVERITY_CRITICAL,
    deviceMn: STATION_MN,
    cellId: 'C-TEST',
    townshipCode: '140802001',
    factorCode: 'w21003',
    value: 3.2,
    limit: 1,
    unit: 'mg/L',
    openedAt: at,
    changedAt: at,
    summary: '氨氮超过水源地水质目标',
    kind: AlertKind.ALERT_KIND_EMISSION_LIMIT,
    sequence: 1,
    exceedanceMultiple: 2.2,
  });
  return { topic: topics.alerts, key: STATION_MN, type: TOPICS.alerts.payload, value: Buffer.from(AlertChanged.encode(alert).finish()) };
}

export function readingEvent(topics: ReturnType<typeof topicNames>, at: Date, ammonia: number): OutgoingEvent {
  const observation = ObservationRecorded.fromPartial({
    observationId: `${STATION_MN}:2011:${at.toISOString()}`,
    deviceMn: STATION_MN,
    commandCode: '2011',
    dataTime: at,
    receivedTime: at,
    measurements: [
      { factorCode: 'w21003', kind: ValueKind.VALUE_KIND_RTD, value: ammonia, flag: 'N', unit: 'mg/L' },
      { factorCode: 'w01018', kind: ValueKind.VALUE_KIND_RTD, value: 12, flag: 'N', unit: 'mg/L' },
    ],
    cellId: 'C-TEST',
    townshipCode: '140802001',
  });
  return { topic: topics.readings, key: STATION_MN, type: TOPICS.readings.payload, value: Buffer.from(ObservationRecorded.encode(observation).finish()) };
}

/** A case change as dispatch publishes it for an emergency request (source emergency, the request id on it). */
export function caseEvent(topics: ReturnType<typeof topicNames>, caseId: string, requestId: string, status: CaseStatus, version: number, at: Date): OutgoingEvent {
  const change = CaseChanged.fromPartial({ caseId, action: 'changed', sequence: version, status, source: CaseSource.CASE_SOURCE_EMERGENCY, caseType: 'emergency_plan_task', cellId: 'C-TEST', occurredAt: at, version, emergencyRequestId: requestId });
  return { topic: topics.cases, key: caseId, type: TOPICS.cases.payload, value: Buffer.from(CaseChanged.encode(change).finish()) };
}

export const PLAN = Plan.fromPartial({
  id: 'YH-DWS01-WATER',
  name: '东孙坞饮用水源地突发环境事件应急预案',
  triggerKind: IncidentKind.INCIDENT_KIND_WATER_SOURCE,
  targetId: 'DWS01-1',
  tasks: [
    { taskId: 'monitor', department: '区环境监测站', title: '加密监测：水源地及下游每小时采样', description: '氨氮、COD、pH', deadlineMinutes: 60, priority: 'urgent' },
    { taskId: 'intake', department: '区水务局', officerId: 'GO-TEST', title: '关闭取水口并切换备用水源', description: '', deadlineMinutes: 120, priority: 'urgent' },
  ],
});
