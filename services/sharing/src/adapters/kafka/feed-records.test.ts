import { describe, expect, it } from 'vitest';
import { CaseChanged, CaseSource, CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { IncidentKind, IncidentLevel, IncidentStatus } from '@ecogrid/proto/emergency/v1/incidents';
import { decodeFeed } from './feed-records';

const change = (drill: boolean): Buffer =>
  Buffer.from(
    CaseChanged.encode(
      CaseChanged.fromPartial({
        caseId: 'C-1',
        action: 'dispatched',
        status: CaseStatus.CASE_STATUS_DISPATCHED,
        source: CaseSource.CASE_SOURCE_EMERGENCY,
        caseType: 'emergency_plan_task',
        title: '水源地应急监测',
        townshipCode: '140802001',
        occurredAt: new Date('2026-12-07T02:00:00Z'),
        version: 2,
        drill,
        note: '联系人 139xxxx',
      }),
    ).finish(),
  );

describe('cases as partners get them', () => {
  it('marks a drill’s case as a drill, in its own field and before its title, and a real one not', () => {
    const [drill] = decodeFeed('cases', change(true), new Date());
    const [real] = decodeFeed('cases', change(false), new Date());
    expect(drill?.fields).toMatchObject({ case_id: 'C-1', drill: true, title: '【演练】水源地应急监测' });
    expect(real?.fields).toMatchObject({ drill: false, title: '水源地应急监测' });
    // The note (who called, their number) never reaches sharing's store.
    expect(JSON.stringify(drill?.fields)).not.toContain('139');
  });
});

const incidentEvent = (status: IncidentStatus, drill: boolean, declared: boolean): Buffer =>
  Buffer.from(
    EmergencyEvent.encode(
      EmergencyEvent.fromPartial({
        drill,
        occurredAt: new Date('2026-12-07T02:00:00Z'),
        event: {
          $case: 'incidentChanged',
          value: {
            step: 'declared',
            incident: {
              id: 'INC-1',
              status,
              kind: IncidentKind.INCIDENT_KIND_WATER_SOURCE,
              level: IncidentLevel.INCIDENT_LEVEL_III,
              title: '东孙坞饮用水源地突发环境事件',
              townshipCode: '140802001',
              drill,
              version: 3,
              stationMns: ['MN-1'],
              declaredBy: 'dispatcher-7',
              ...(declared ? { declaredAt: new Date('2026-12-07T01:59:00Z') } : {}),
            },
          },
        },
      }),
    ).finish(),
  );

describe('incidents as partners get them', () => {
  it('serves a declared incident, marks a drill in its own field and before its title, and keeps who declared it inside', () => {
    const [real] = decodeFeed('emergency', incidentEvent(IncidentStatus.INCIDENT_STATUS_DECLARED, false, true), new Date());
    const [drill] = decodeFeed('emergency', incidentEvent(IncidentStatus.INCIDENT_STATUS_DECLARED, true, true), new Date());
    expect(real).toMatchObject({ dataset: 'emergency-incidents', key: 'INC-1', version: 3, fields: { incident_id: 'INC-1', drill: false, status: 'declared', kind: 'water_source', level: 'III', title: '东孙坞饮用水源地突发环境事件' } });
    expect(drill?.fields).toMatchObject({ drill: true, title: '【演练】东孙坞饮用水源地突发环境事件' });
    expect(JSON.stringify(real?.fields)).not.toContain('dispatcher-7');
    expect(JSON.stringify(real?.fields)).not.toContain('MN-1');
  });

  it('keeps a platform’s proposal, a proposal set aside, and case requests inside', () => {
    expect(decodeFeed('emergency', incidentEvent(IncidentStatus.INCIDENT_STATUS_PROPOSED, false, false), new Date())).toEqual([]);
    expect(decodeFeed('emergency', incidentEvent(IncidentStatus.INCIDENT_STATUS_DISMISSED, false, false), new Date())).toEqual([]);
    const request = Buffer.from(EmergencyEvent.encode(EmergencyEvent.fromPartial({ event: { $case: 'caseRequested', value: { requestId: 'INC-1:task:a' } } })).finish());
    expect(decodeFeed('emergency', request, new Date())).toEqual([]);
  });
});
