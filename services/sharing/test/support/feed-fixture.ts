import { AlertChanged, AlertState, Severity, StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';
import { CreditColour, CreditRatingChanged } from '@ecogrid/proto/credit/v1/events';
import { CaseChanged, CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import { EmergencyCaseKind, EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { IncidentKind, IncidentLevel, IncidentStatus } from '@ecogrid/proto/emergency/v1/incidents';
import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { TOPICS, type OutgoingEvent, type topicNames } from '@ecogrid/kafka';

/**
 * A pinned feed for the sharing tests: every topic, spread over townships inside and outside the demo's scopes, over
 * enterprises, factors and positions inside and outside its bounding box. Beside the events, the records a partner
 * could get, as the test's own oracle (written out here, not computed by the service's code).
 */
export type FieldValue = string | number | boolean | null | string[];

export interface ExpectedRecord {
  dataset: string;
  key: string;
  township: string | null;
  enterprise: string | null;
  factor: string | null;
  lon: number | null;
  lat: number | null;
  fields: Record<string, FieldValue>;
}

const T0 = Date.UTC(2026, 5, 1, 0, 0, 0);
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);

export const TOWNSHIPS = ['140802001', '140802002', '140802005', '140802010'];
export const ENTERPRISES = ['911408027100020781', '91140802710797157D', '911408027131700428'];
export const FACTORS = ['w01018', 'w21003', 'a21026', 'a34004'];

export interface Feed {
  events: OutgoingEvent[];
  expected: ExpectedRecord[];
}

export function buildFeed(topics: ReturnType<typeof topicNames>, round = 0): Feed {
  const events: OutgoingEvent[] = [];
  const expected: ExpectedRecord[] = [];
  const latest = new Map<string, ExpectedRecord & { time: number }>();
  let n = 0;
  // Readings: every township × enterprise × factor, twice in time (the second is the latest).
  for (const [t, township] of TOWNSHIPS.entries()) {
    for (const [e, uscc] of ENTERPRISES.entries()) {
      for (const [f, factor] of FACTORS.entries()) {
        for (const step of [0, 1]) {
          n += 1;
          const mn = `MN${t}${e}${round}`;
          const time = at(round * 100 + step * 10 + f);
          const observationId = `${mn}:2011:${time.toISOString()}`;
          const value = 10 + t + e / 10 + f / 100 + step;
          const unit = factor.startsWith('w') ? 'mg/L' : 'ug/m3';
          const observation = ObservationRecorded.fromPartial({
            observationId,
            deviceMn: mn,
            commandCode: '2011',
            dataTime: time,
            receivedTime: time,
            measurements: [{ factorCode: factor, kind: ValueKind.VALUE_KIND_RTD, value, flag: 'N', unit }],
            enterpriseUscc: uscc,
            cellId: `${township}-C1`,
            townshipCode: township,
          });
          events.push({ topic: topics.readings, key: mn, value: Buffer.from(ObservationRecorded.encode(observation).finish()), type: TOPICS.readings.payload });
          const fields = { device_mn: mn, factor_code: factor, value, unit, flag: 'N', data_time: time.toISOString(), enterprise_uscc: uscc, township_code: township, cell_id: `${township}-C1` };
          const base = { township, enterprise: uscc, factor, lon: null, lat: null, fields };
          expected.push({ ...base, dataset: 'readings-history', key: `${observationId}:${factor}:${ValueKind.VALUE_KIND_RTD}` });
          const latestKey = `${mn}:${factor}`;
          const known = latest.get(latestKey);
          if (!known || known.time < time.getTime()) latest.set(latestKey, { ...base, dataset: 'readings-latest', key: latestKey, time: time.getTime() });
        }
      }
    }
  }
  for (const { time: _time, ...record } of latest.values()) expected.push(record);

  // Alerts: one per township × factor, raised then updated (the update is what stays).
  for (const [t, township] of TOWNSHIPS.entries()) {
    for (const [f, factor] of FACTORS.entries()) {
      const alertId = `AL-${round}-${t}-${f}`;
      const uscc = ENTERPRISES[(t + f) % ENTERPRISES.length] as string;
      for (const sequence of [1, 2]) {
        const changedAt = at(round * 100 + 50 + sequence);
        const alert = AlertChanged.fromPartial({
          alertId,
          state: sequence === 1 ? AlertState.ALERT_STATE_RAISED : AlertState.ALERT_STATE_UPDATED,
          severity: Severity.SEVERITY_MAJOR,
          deviceMn: `MN${t}0${round}`,
          enterpriseUscc: uscc,
          townshipCode: township,
          factorCode: factor,
          value: 100 + sequence,
          limit: 50,
          summary: `${factor} 超标`,
          changedAt,
          openedAt: at(round * 100 + 50),
          sequence,
        });
        events.push({ topic: topics.alerts, key: alert.deviceMn, value: Buffer.from(AlertChanged.encode(alert).finish()), type: TOPICS.alerts.payload });
        if (sequence === 2) {
          expected.push({
            dataset: 'alerts',
            key: alertId,
            township,
            enterprise: uscc,
            factor,
            lon: null,
            lat: null,
            fields: { alert_id: alertId, state: 'updated', severity: 'major', device_mn: `MN${t}0${round}`, enterprise_uscc: uscc, township_code: township, factor_code: factor, value: 102, limit: 50, summary: `${factor} 超标`, changed_at: changedAt.toISOString() },
          });
        }
      }
    }
  }

  // Hourly AQI: one station per township, three hours.
  for (const [t, township] of TOWNSHIPS.entries()) {
    for (const hour of [0, 1, 2]) {
      const hourStart = new Date(T0 + (round * 10 + hour) * 3_600_000);
      const station = `AQ${t}`;
      const aqi = StationAqiComputed.fromPartial({ stationMn: station, hourStart, aqi: 40 + t * 10 + hour, category: '优', primaryPollutants: ['PM2.5'], revision: 1, townshipCode: township, cellId: `${township}-C1` });
      events.push({ topic: topics.aqiHourly, key: station, value: Buffer.from(StationAqiComputed.encode(aqi).finish()), type: TOPICS.aqiHourly.payload });
      expected.push({
        dataset: 'aqi-hourly',
        key: `${station}:${hourStart.toISOString()}`,
        township,
        enterprise: null,
        factor: null,
        lon: null,
        lat: null,
        fields: { station_mn: station, hour_start: hourStart.toISOString(), aqi: 40 + t * 10 + hour, category: '优', primary_pollutants: ['PM2.5'], township_code: township },
      });
    }
  }

  // Cases: positions inside and outside the salt-lake box, one without a position; a note that must never leave.
  const positions: Array<[number, number] | null> = [[111.0, 35.0], [111.2, 35.2], [110.96, 35.04], null];
  for (const [t, township] of TOWNSHIPS.entries()) {
    for (const [p, position] of positions.entries()) {
      const caseId = `YH-${round}${t}${p}`;
      const uscc = ENTERPRISES[p % ENTERPRISES.length] as string;
      const occurredAt = at(round * 100 + 70 + p);
      const change = CaseChanged.fromPartial({
        caseId,
        action: 'dispatched',
        status: CaseStatus.CASE_STATUS_DISPATCHED,
        caseType: 'odour',
        townshipCode: township,
        enterpriseUscc: uscc,
        occurredAt,
        title: `异味投诉 ${caseId}`,
        note: '举报人电话 13800000000',
        actor: 'dispatcher-7',
        version: 2,
        ...(position ? { lon: position[0], lat: position[1] } : {}),
      });
      events.push({ topic: topics.cases, key: caseId, value: Buffer.from(CaseChanged.encode(change).finish()), type: TOPICS.cases.payload });
      expected.push({
        dataset: 'cases-public',
        key: caseId,
        township,
        enterprise: uscc,
        factor: null,
        lon: position?.[0] ?? null,
        lat: position?.[1] ?? null,
        fields: {
          case_id: caseId,
          status: 'dispatched',
          case_type: 'odour',
          title: `异味投诉 ${caseId}`,
          township_code: township,
          enterprise_uscc: uscc,
          ...(position ? { lon: position[0], lat: position[1] } : {}),
          occurred_at: occurredAt.toISOString(),
        },
      });
    }
  }

  // Credit: green, red (joint punishment) and a vetoed yellow.
  const colours: Array<[CreditColour, string, boolean]> = [
    [CreditColour.CREDIT_COLOUR_GREEN, 'green', false],
    [CreditColour.CREDIT_COLOUR_RED, 'red', false],
    [CreditColour.CREDIT_COLOUR_YELLOW, 'yellow', true],
  ];
  for (const [e, uscc] of ENTERPRISES.entries()) {
    const [colour, word, vetoed] = colours[e] as [CreditColour, string, boolean];
    const ratedAt = at(round * 100 + 80 + e);
    const rating = CreditRatingChanged.fromPartial({ enterpriseUscc: uscc, colour, score: 80, rulesetVersion: 'yanhu-2013-v1', ratedAt, vetoed, reason: vetoed ? '一票否决' : '' });
    events.push({ topic: topics.credit, key: uscc, value: Buffer.from(CreditRatingChanged.encode(rating).finish()), type: TOPICS.credit.payload });
    const base = { township: null, enterprise: uscc, factor: null, lon: null, lat: null };
    expected.push({ ...base, dataset: 'credit-ratings', key: uscc, fields: { enterprise_uscc: uscc, colour: word, ruleset_version: 'yanhu-2013-v1', rated_at: ratedAt.toISOString() } });
    if (word === 'red' || vetoed) {
      expected.push({ ...base, dataset: 'credit-joint-punishment', key: `${uscc}:${ratedAt.toISOString()}`, fields: { enterprise_uscc: uscc, colour: word, vetoed, reason: vetoed ? '一票否决' : '', rated_at: ratedAt.toISOString() } });
    }
  }
  // Emergency: a real incident inside the salt-lake box, a drill outside it (its title marked); a proposal no dispatcher
  // declared yet and a case request, which both stay inside the platform.
  const incidents: Array<[string, boolean, string, [number, number]]> = [
    [`INC-${round}-real`, false, TOWNSHIPS[0] as string, [111.0, 35.0]],
    [`INC-${round}-drill`, true, TOWNSHIPS[2] as string, [111.2, 35.2]],
  ];
  for (const [i, [incidentId, drill, township, [lon, lat]]] of incidents.entries()) {
    const occurredAt = at(round * 100 + 90 + i);
    const event = EmergencyEvent.fromPartial({
      drill,
      occurredAt,
      event: {
        $case: 'incidentChanged',
        value: {
          step: 'declared',
          incident: {
            id: incidentId,
            status: IncidentStatus.INCIDENT_STATUS_DECLARED,
            kind: IncidentKind.INCIDENT_KIND_WATER_SOURCE,
            level: IncidentLevel.INCIDENT_LEVEL_IV,
            title: '饮用水源地水质超标',
            location: { lon, lat },
            townshipCode: township,
            drill,
            version: 2,
            stationMns: ['MN-SECRET-STATION'],
            declaredBy: 'dispatcher-7',
            analysis: { affectedTargets: [{ targetId: 'DWS01-1', name: '东孙坞饮用水源地一级保护区', kind: 'drinking_water_source', distanceM: 0 }] },
          },
        },
      },
    });
    events.push({ topic: topics.emergency, key: incidentId, value: Buffer.from(EmergencyEvent.encode(event).finish()), type: TOPICS.emergency.payload });
    expected.push({
      dataset: 'emergency-incidents',
      key: incidentId,
      township,
      enterprise: null,
      factor: null,
      lon,
      lat,
      fields: {
        incident_id: incidentId,
        drill,
        status: 'declared',
        kind: 'water_source',
        level: 'IV',
        title: drill ? '【演练】饮用水源地水质超标' : '饮用水源地水质超标',
        step: 'declared',
        township_code: township,
        lon,
        lat,
        affected_targets: ['东孙坞饮用水源地一级保护区'],
        occurred_at: occurredAt.toISOString(),
      },
    });
  }
  const proposal = EmergencyEvent.fromPartial({
    occurredAt: at(round * 100 + 94),
    event: { $case: 'incidentChanged', value: { step: 'proposed', incident: { id: `INC-${round}-proposed`, status: IncidentStatus.INCIDENT_STATUS_PROPOSED, title: '待确认', townshipCode: TOWNSHIPS[0], version: 1 } } },
  });
  events.push({ topic: topics.emergency, key: `INC-${round}-proposed`, value: Buffer.from(EmergencyEvent.encode(proposal).finish()), type: TOPICS.emergency.payload });
  const request = EmergencyEvent.fromPartial({
    occurredAt: at(round * 100 + 95),
    event: { $case: 'caseRequested', value: { requestId: `INC-${round}-real:task:monitor`, kind: EmergencyCaseKind.EMERGENCY_CASE_KIND_PLAN_TASK, title: '加密监测' } },
  });
  events.push({ topic: topics.emergency, key: `INC-${round}-real`, value: Buffer.from(EmergencyEvent.encode(request).finish()), type: TOPICS.emergency.payload });
  void n;
  return { events, expected };
}
