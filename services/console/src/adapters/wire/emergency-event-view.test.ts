import { describe, expect, it } from 'vitest';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { IncidentKind, IncidentLevel, IncidentStatus } from '@ecogrid/proto/emergency/v1/incidents';
import { EarlyWarningClearReason, EarlyWarningLimitKind, EarlyWarningSeriesKind } from '@ecogrid/proto/emergency/v1/early_warning';
import { ObligationStatus, WarningLevel, WarningOrigin, WarningStatus } from '@ecogrid/proto/emergency/v1/warnings';
import { emergencyLiveEvent } from './emergency-event-view';

const at = new Date('2026-12-07T02:00:00.000Z');

describe('emergency events as live events', () => {
  it('turns a warning change into a warning event with its level in words', () => {
    const event = EmergencyEvent.fromPartial({
      occurredAt: at,
      event: { $case: 'warningChanged', value: { change: 'upgraded', previousLevel: WarningLevel.WARNING_LEVEL_YELLOW, warning: { warningId: 'HPW-1', level: WarningLevel.WARNING_LEVEL_RED, status: WarningStatus.WARNING_STATUS_ACTIVE, origin: WarningOrigin.WARNING_ORIGIN_CITY } } },
    });
    expect(emergencyLiveEvent(EmergencyEvent.decode(EmergencyEvent.encode(event).finish()))).toMatchObject({ kind: 'warning', id: 'HPW-1', data: { level: 'red', previousLevel: 'yellow', change: 'upgraded', status: 'active', origin: 'city', drill: false } });
  });

  it('pushes an obligation only when it is breached', () => {
    const obligation = (change: string) =>
      EmergencyEvent.fromPartial({ event: { $case: 'obligationChanged', value: { change, obligation: { obligationId: 'O-1', warningId: 'HPW-1', enterpriseName: '运城关铝热电', status: change === 'breached' ? ObligationStatus.OBLIGATION_STATUS_BREACHED : ObligationStatus.OBLIGATION_STATUS_ACTIVE } } } });
    expect(emergencyLiveEvent(obligation('activated'))).toBeUndefined();
    expect(emergencyLiveEvent(obligation('breached'))).toMatchObject({ kind: 'obligation', id: 'O-1', data: { status: 'breached', enterpriseName: '运城关铝热电' } });
  });

  it('gives an incident change its township, step and drill flag, and leaves timeline rows and case requests out', () => {
    const changed = EmergencyEvent.fromPartial({
      drill: true,
      event: { $case: 'incidentChanged', value: { step: 'declared', incident: { id: 'INC-1', status: IncidentStatus.INCIDENT_STATUS_DECLARED, kind: IncidentKind.INCIDENT_KIND_WATER_SOURCE, level: IncidentLevel.INCIDENT_LEVEL_III, townshipCode: '140802003', drill: true, version: 3 } } },
    });
    expect(emergencyLiveEvent(changed)).toMatchObject({ kind: 'incident', id: 'INC-1', townshipCode: '140802003', data: { status: 'declared', kind: 'water_source', level: 'iii', drill: true, step: 'declared', version: 3 } });
    expect(emergencyLiveEvent(EmergencyEvent.fromPartial({ event: { $case: 'timelineAppended', value: { entry: { incidentId: 'INC-1', sequence: 4 } } } }))).toBeUndefined();
    expect(emergencyLiveEvent(EmergencyEvent.fromPartial({ event: { $case: 'caseRequested', value: { requestId: 'INC-1:task:t1' } } }))).toBeUndefined();
  });

  it('gives a raised early warning its forecast, limit, latest value and township, and a cleared one its reason', () => {
    const raised = emergencyLiveEvent(
      EmergencyEvent.fromPartial({
        occurredAt: at,
        event: {
          $case: 'earlyWarningRaised',
          value: {
            warningId: 'EW-1',
            townshipCode: '140802003',
            messageZh: '氨氮预计 40 分钟后超标',
            forecast: {
              seriesId: '140802SZ0200000000000D01:w21003:2051',
              deviceMn: '140802SZ0200000000000D01',
              factorCode: 'w21003',
              factorName: '氨氮',
              seriesKind: EarlyWarningSeriesKind.EARLY_WARNING_SERIES_KIND_WATER_SOURCE,
              limit: { kind: EarlyWarningLimitKind.EARLY_WARNING_LIMIT_KIND_UPPER, value: 1, unit: 'mg/L', source: 'GB 3838-2002 III 类' },
              bandLevel: 0.9,
              maxProbability: 0.72,
              expectedCrossingAt: new Date('2026-12-07T02:40:00.000Z'),
              inputs: [{ value: 0.71 }, { value: 0.83 }],
              points: [{ at: new Date('2026-12-07T02:01:00.000Z'), mean: 0.85, lower: 0.8, upper: 0.9, probabilityBeyond: 0.01 }],
            },
          },
        },
      }),
    );
    expect(raised).toMatchObject({
      kind: 'early_warning',
      id: 'EW-1',
      townshipCode: '140802003',
      data: { status: 'active', seriesKind: 'water_source', factorName: '氨氮', lastValue: 0.83, maxProbability: 0.72, expectedCrossingAt: '2026-12-07T02:40:00.000Z', limit: { kind: 'upper', value: 1, unit: 'mg/L' }, raisedAt: at.toISOString(), change: 'raised' },
    });
    const cleared = emergencyLiveEvent(EmergencyEvent.fromPartial({ event: { $case: 'earlyWarningCleared', value: { warningId: 'EW-1', reason: EarlyWarningClearReason.EARLY_WARNING_CLEAR_REASON_LIMIT_REACHED, cellId: 'YH-C-12', townshipCode: '140802003' } } }));
    // Placed like the raise: the live feed shows it to the same township's supervisor.
    expect(cleared).toMatchObject({ kind: 'early_warning', id: 'EW-1', townshipCode: '140802003', data: { status: 'cleared', clearReason: 'limit_reached', change: 'cleared' } });
  });
});
