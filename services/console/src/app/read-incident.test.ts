import { describe, expect, it } from 'vitest';
import type { IncidentView, TimelineEntryView } from '../domain/emergency-view';
import type { IncidentDesk } from './ports';
import { createReadIncident } from './read-incident';

const incident: IncidentView = {
  id: 'INC-1',
  status: 'proposed',
  kind: 'water_source',
  level: 'iv',
  title: '东孙坞饮用水源地氨氮超标',
  summary: '',
  location: { lon: 111.0, lat: 35.0 },
  cellId: 'C1',
  townshipCode: '140802003',
  stationMns: ['140802SZ0200000000000D01'],
  alertId: 'A-1',
  factorCode: 'w21003',
  drill: false,
  analysis: {
    zone: { radiusM: 0, riverId: 'R1', riverName: '姚暹渠', downstreamM: 10_000, corridorM: 1_000 },
    affectedTargets: [
      { targetId: 'SCH', name: '学校', kind: 'school', distanceM: 900, downstreamM: 0 },
      { targetId: 'DWS01-1', name: '一级保护区', kind: 'drinking_water_source', distanceM: 0, downstreamM: 0 },
    ],
    nearestResources: [
      { targetId: 'EMR02', name: '监测车', kind: 'monitoring_vehicle', distanceM: 5_000, travelM: 7_000, attributes: {} },
      { targetId: 'EMR01', name: '应急队', kind: 'team', distanceM: 4_000, travelM: 5_600, attributes: {} },
    ],
    planId: 'YH-DWS01-WATER',
    planVersion: 2,
    planName: '东孙坞水源地预案',
    computedAt: null,
    roadFactor: 1.4,
  },
  proposedAt: null,
  declaredAt: null,
  planActivatedAt: null,
  closedAt: null,
  recoveredSince: null,
  declaredBy: '',
  version: 1,
};

const timeline: TimelineEntryView[] = [
  { sequence: 2, step: 'analysis', actor: 'platform', occurredAt: null, details: {}, hash: 'b' },
  { sequence: 1, step: 'proposed', actor: 'platform', occurredAt: null, details: {}, hash: 'a' },
];

const task = (taskId: string) => ({ taskId, department: '区环境监测站', officerId: '', title: taskId, description: '', deadlineMinutes: 30, priority: 'high' });

const desk: IncidentDesk = {
  list: () => Promise.resolve([incident]),
  get: () => Promise.resolve(incident),
  timeline: () => Promise.resolve(timeline),
  verifyTimeline: () => Promise.resolve({ intact: true, entries: 2, brokenSequence: null, reason: '' }),
  plans: () =>
    Promise.resolve([
      { id: 'YH-DWS01-WATER', version: 1, name: 'old', tasks: [task('old')] },
      { id: 'YH-DWS01-WATER', version: 2, name: 'current', tasks: [task('sample'), task('close-intake')] },
    ]),
  act: () => Promise.reject(new Error('unused')),
};

describe('an incident page', () => {
  it('orders targets by distance and resources by travel, shows the version of the plan the analysis named, and the timeline in sequence', async () => {
    const page = await createReadIncident(desk)({ username: 'd', displayName: 'D', role: 'dispatcher' }, 'INC-1');
    expect(page.affectedTargets.map((target) => target.targetId)).toEqual(['DWS01-1', 'SCH']);
    expect(page.nearestResources.map((resource) => resource.targetId)).toEqual(['EMR01', 'EMR02']);
    expect(page.planTasks.map((planned) => planned.taskId)).toEqual(['sample', 'close-intake']);
    expect(page.timeline.map((entry) => entry.sequence)).toEqual([1, 2]);
    expect(page.tasks).toEqual([]);
    expect(page.allowedActions).toEqual(['declare', 'dismiss']);
  });

  it('offers a supervisor nothing to do', async () => {
    expect((await createReadIncident(desk)({ username: 's', displayName: 'S', role: 'supervisor', townshipCode: '140802003' }, 'INC-1')).allowedActions).toEqual([]);
  });
});
