import { PoisonRecordError } from '@ecogrid/kafka';
import { AlertChanged, alertStateToJSON, severityToJSON, StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';
import { CreditColour, creditColourToJSON, CreditRatingChanged } from '@ecogrid/proto/credit/v1/events';
import { CaseChanged, caseStatusToJSON } from '@ecogrid/proto/dispatch/v1/events';
import { ObservationRecorded } from '@ecogrid/proto/ingest/v1/events';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { incidentKindToJSON, incidentLevelToJSON, IncidentStatus, incidentStatusToJSON } from '@ecogrid/proto/emergency/v1/incidents';
import { EnterpriseChanged } from '@ecogrid/proto/registry/v1/events';
import type { IncomingRecord } from '../../app/ports';

/** The lower-case tail of a ts-proto enum name: SEVERITY_MAJOR → major. */
const enumWord = (name: string, prefix: string): string => name.slice(prefix.length).toLowerCase();
const orNull = (value: string): string | null => (value === '' ? null : value);
const time = (value: Date | undefined, what: string): Date => {
  if (!value) throw new PoisonRecordError('missing_time', `${what} has no time`);
  return value;
};

/** Which catalogue datasets a topic feeds, and how its payload becomes their records. */
export type FeedKind = 'readings' | 'alerts' | 'aqiHourly' | 'cases' | 'credit' | 'registryEnterprises' | 'emergency';

/** `recordTime` is the Kafka record's timestamp: the time and version of payloads that carry neither. */
export function decodeFeed(kind: FeedKind, value: Buffer, recordTime: Date): IncomingRecord[] {
  switch (kind) {
    case 'readings':
      return readingRecords(ObservationRecorded.decode(value));
    case 'alerts':
      return [alertRecord(AlertChanged.decode(value))];
    case 'aqiHourly':
      return [aqiRecord(StationAqiComputed.decode(value))];
    case 'cases':
      return [caseRecord(CaseChanged.decode(value))];
    case 'credit':
      return creditRecords(CreditRatingChanged.decode(value));
    case 'registryEnterprises':
      return enterpriseRecords(EnterpriseChanged.decode(value), recordTime);
    case 'emergency':
      return emergencyRecords(EmergencyEvent.decode(value));
  }
}

/**
 * Of the emergency topic only incidents leave (warnings' obligations and case requests stay inside), and only once a
 * dispatcher declared them: a platform's proposal, and a proposal set aside, are not news for partners. A drill's
 * record says so twice — `drill` and 【演练】 before its title — so no partner can take it for a real incident.
 */
function emergencyRecords(event: EmergencyEvent): IncomingRecord[] {
  if (event.event?.$case !== 'incidentChanged') return [];
  const { incident, step } = event.event.value;
  if (!incident || incident.id === '') throw new PoisonRecordError('missing_field', 'an incident change without its incident');
  if (incident.status === IncidentStatus.INCIDENT_STATUS_PROPOSED || (incident.status === IncidentStatus.INCIDENT_STATUS_DISMISSED && !incident.declaredAt)) return [];
  const occurredAt = time(event.occurredAt, `incident ${incident.id}`);
  const drill = event.drill || incident.drill;
  const located = incident.location !== undefined && (incident.location.lon !== 0 || incident.location.lat !== 0);
  return [
    {
      dataset: 'emergency-incidents',
      key: incident.id,
      occurredAt,
      township: orNull(incident.townshipCode),
      enterprise: null,
      factor: null,
      lon: located ? (incident.location?.lon ?? null) : null,
      lat: located ? (incident.location?.lat ?? null) : null,
      version: incident.version,
      fields: {
        incident_id: incident.id,
        drill,
        status: enumWord(incidentStatusToJSON(incident.status), 'INCIDENT_STATUS_'),
        kind: enumWord(incidentKindToJSON(incident.kind), 'INCIDENT_KIND_'),
        level: incidentLevelToJSON(incident.level).replace(/^INCIDENT_LEVEL_/, ''),
        title: drill && !incident.title.startsWith('【演练】') ? `【演练】${incident.title}` : incident.title,
        step,
        township_code: incident.townshipCode,
        ...(located ? { lon: incident.location?.lon ?? 0, lat: incident.location?.lat ?? 0 } : {}),
        affected_targets: (incident.analysis?.affectedTargets ?? []).map((target) => target.name),
        occurred_at: occurredAt.toISOString(),
      },
    },
  ];
}

/**
 * The public subset of an enterprise of the registry (企业事业单位环境信息公开办法 §8: name, USCC, industry, where):
 * the permit number, outlets, coordinates and anything about people stay behind. The registry's compacted topic
 * carries no version, so the record time orders its changes.
 */
function enterpriseRecords(change: EnterpriseChanged, recordTime: Date): IncomingRecord[] {
  const enterprise = change.enterprise;
  if (!enterprise || enterprise.uscc === '') throw new PoisonRecordError('missing_field', 'an enterprise change without its enterprise or USCC');
  return [
    {
      dataset: 'registry-enterprises-public',
      key: enterprise.uscc,
      occurredAt: recordTime,
      township: orNull(enterprise.townshipCode),
      enterprise: enterprise.uscc,
      factor: null,
      lon: null,
      lat: null,
      version: recordTime.getTime(),
      fields: { enterprise_uscc: enterprise.uscc, name: enterprise.name, industry: enterprise.industry, township_code: enterprise.townshipCode },
    },
  ];
}

function readingRecords(observation: ObservationRecorded): IncomingRecord[] {
  const dataTime = time(observation.dataTime, `observation ${observation.observationId}`);
  return observation.measurements.flatMap((measurement): IncomingRecord[] => {
    const base = {
      occurredAt: dataTime,
      township: orNull(observation.townshipCode),
      enterprise: orNull(observation.enterpriseUscc),
      factor: measurement.factorCode,
      lon: null,
      lat: null,
      version: dataTime.getTime(),
      fields: {
        device_mn: observation.deviceMn,
        factor_code: measurement.factorCode,
        value: measurement.value,
        unit: measurement.unit,
        flag: measurement.flag,
        data_time: dataTime.toISOString(),
        enterprise_uscc: observation.enterpriseUscc,
        township_code: observation.townshipCode,
        cell_id: observation.cellId,
      },
    };
    return [
      { ...base, dataset: 'readings-latest', key: `${observation.deviceMn}:${measurement.factorCode}` },
      { ...base, dataset: 'readings-history', key: `${observation.observationId}:${measurement.factorCode}:${measurement.kind}` },
    ];
  });
}

function alertRecord(alert: AlertChanged): IncomingRecord {
  const changedAt = time(alert.changedAt, `alert ${alert.alertId}`);
  return {
    dataset: 'alerts',
    key: alert.alertId,
    occurredAt: changedAt,
    township: orNull(alert.townshipCode),
    enterprise: orNull(alert.enterpriseUscc),
    factor: orNull(alert.factorCode),
    lon: null,
    lat: null,
    version: alert.sequence,
    fields: {
      alert_id: alert.alertId,
      state: enumWord(alertStateToJSON(alert.state), 'ALERT_STATE_'),
      severity: enumWord(severityToJSON(alert.severity), 'SEVERITY_'),
      device_mn: alert.deviceMn,
      enterprise_uscc: alert.enterpriseUscc,
      township_code: alert.townshipCode,
      factor_code: alert.factorCode,
      value: alert.value,
      limit: alert.limit,
      summary: alert.summary,
      changed_at: changedAt.toISOString(),
    },
  };
}

function aqiRecord(aqi: StationAqiComputed): IncomingRecord {
  const hour = time(aqi.hourStart, `AQI of ${aqi.stationMn}`);
  return {
    dataset: 'aqi-hourly',
    key: `${aqi.stationMn}:${hour.toISOString()}`,
    occurredAt: hour,
    township: orNull(aqi.townshipCode),
    enterprise: null,
    factor: null,
    lon: null,
    lat: null,
    version: aqi.revision,
    fields: { station_mn: aqi.stationMn, hour_start: hour.toISOString(), aqi: aqi.aqi, category: aqi.category, primary_pollutants: aqi.primaryPollutants, township_code: aqi.townshipCode },
  };
}

/**
 * Only public fields are copied out of a case: the note, the actors, the evidence hash and anything personal never
 * reach sharing's store at all, so no grant or bug can serve them. A drill's case (an emergency drill's task) is
 * shared as a drill: `drill` and 【演练】 before its title, so no partner takes it for a real one.
 */
const DRILL_MARK = '【演练】';

function caseRecord(change: CaseChanged): IncomingRecord {
  const occurredAt = time(change.occurredAt, `case ${change.caseId}`);
  const located = change.lon !== 0 || change.lat !== 0;
  return {
    dataset: 'cases-public',
    key: change.caseId,
    occurredAt,
    township: orNull(change.townshipCode),
    enterprise: orNull(change.enterpriseUscc),
    factor: orNull(change.factorCode),
    lon: located ? change.lon : null,
    lat: located ? change.lat : null,
    version: change.version,
    fields: {
      case_id: change.caseId,
      status: caseStatusToJSON(change.status).replace(/^CASE_STATUS_/, '').toLowerCase(),
      case_type: change.caseType,
      title: change.drill && !change.title.startsWith(DRILL_MARK) ? `${DRILL_MARK}${change.title}` : change.title,
      drill: change.drill,
      township_code: change.townshipCode,
      enterprise_uscc: change.enterpriseUscc,
      ...(located ? { lon: change.lon, lat: change.lat } : {}),
      occurred_at: occurredAt.toISOString(),
    },
  };
}

/** A rating feeds the ratings dataset; a red or vetoed one also the joint-punishment feed (联合惩戒). */
function creditRecords(rating: CreditRatingChanged): IncomingRecord[] {
  const ratedAt = time(rating.ratedAt, `rating of ${rating.enterpriseUscc}`);
  const colour = enumWord(creditColourToJSON(rating.colour), 'CREDIT_COLOUR_');
  const base = { occurredAt: ratedAt, township: null, enterprise: rating.enterpriseUscc, factor: null, lon: null, lat: null, version: ratedAt.getTime() };
  const records: IncomingRecord[] = [
    { ...base, dataset: 'credit-ratings', key: rating.enterpriseUscc, fields: { enterprise_uscc: rating.enterpriseUscc, colour, ruleset_version: rating.rulesetVersion, rated_at: ratedAt.toISOString() } },
  ];
  if (rating.colour === CreditColour.CREDIT_COLOUR_RED || rating.vetoed) {
    records.push({
      ...base,
      dataset: 'credit-joint-punishment',
      key: `${rating.enterpriseUscc}:${ratedAt.toISOString()}`,
      fields: { enterprise_uscc: rating.enterpriseUscc, colour, vetoed: rating.vetoed, reason: rating.reason, rated_at: ratedAt.toISOString() },
    });
  }
  return records;
}
