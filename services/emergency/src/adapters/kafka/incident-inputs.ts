import { AlertChanged, AlertKind, AlertState } from '@ecogrid/proto/alerting/v1/events';
import { CaseChanged, CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { PoisonRecordError, type ReceivedEvent } from '@ecogrid/kafka';
import type { StationReading } from '../../domain/incidents/recovery';
import type { AlertInput, TaskCaseInput } from '../../app/incidents';

const ALERT_STATE: Partial<Record<AlertState, AlertInput['state']>> = {
  [AlertState.ALERT_STATE_RAISED]: 'raised',
  [AlertState.ALERT_STATE_UPDATED]: 'updated',
  [AlertState.ALERT_STATE_CLEARED]: 'cleared',
};
const ALERT_KIND: Partial<Record<AlertKind, string>> = {
  [AlertKind.ALERT_KIND_EMISSION_LIMIT]: 'emission_limit',
  [AlertKind.ALERT_KIND_AMBIENT_LIMIT]: 'ambient_limit',
  [AlertKind.ALERT_KIND_DATA_QUALITY]: 'data_quality',
  [AlertKind.ALERT_KIND_DEVICE_OFFLINE]: 'device_offline',
  [AlertKind.ALERT_KIND_SUDDEN_JUMP]: 'sudden_jump',
};

function decodeOr<T>(decode: () => T, what: string): T {
  try {
    return decode();
  } catch (error) {
    throw new PoisonRecordError('bad_payload', `not a ${what}: ${(error as Error).message}`);
  }
}

/** Decodes an ecogrid.alerts.v1 record for the incident proposals. */
export function toAlertInput(event: ReceivedEvent): AlertInput {
  if (event.value === null) throw new PoisonRecordError('tombstone', 'an alert record has no value');
  const value = event.value;
  const alert = decodeOr(() => AlertChanged.decode(value), 'AlertChanged');
  const state = ALERT_STATE[alert.state];
  if (!state || !alert.alertId || !alert.deviceMn) throw new PoisonRecordError('bad_alert', 'an alert needs a state, alert_id and device_mn');
  const multiple = alert.exceedanceMultiple > 0 ? alert.exceedanceMultiple : alert.limit > 0 ? Math.max(0, (alert.value - alert.limit) / alert.limit) : 0;
  return {
    alertId: alert.alertId,
    state,
    kind: ALERT_KIND[alert.kind] ?? 'unspecified',
    deviceMn: alert.deviceMn,
    factorCode: alert.factorCode,
    value: alert.value,
    limit: alert.limit,
    exceedanceMultiple: multiple,
    summary: alert.summary,
    changedAt: alert.changedAt ?? new Date(event.timestamp),
    late: alert.late,
  };
}

const CASE_STATUS: Partial<Record<CaseStatus, string>> = {
  [CaseStatus.CASE_STATUS_REGISTERED]: 'registered',
  [CaseStatus.CASE_STATUS_DISPATCHED]: 'dispatched',
  [CaseStatus.CASE_STATUS_ACCEPTED]: 'accepted',
  [CaseStatus.CASE_STATUS_ON_SITE]: 'on_site',
  [CaseStatus.CASE_STATUS_HANDLED]: 'handled',
  [CaseStatus.CASE_STATUS_VERIFIED]: 'verified',
  [CaseStatus.CASE_STATUS_CLOSED]: 'closed',
  [CaseStatus.CASE_STATUS_RETURNED]: 'returned',
  [CaseStatus.CASE_STATUS_SUSPENDED]: 'suspended',
  [CaseStatus.CASE_STATUS_MERGED]: 'merged',
};

/** Decodes an ecogrid.cases.v1 record; the request id is empty for every case not opened for an emergency request. */
export function toTaskCaseInput(event: ReceivedEvent): TaskCaseInput {
  if (event.value === null) throw new PoisonRecordError('tombstone', 'a case record has no value');
  const value = event.value;
  const change = decodeOr(() => CaseChanged.decode(value), 'CaseChanged');
  return {
    caseId: change.caseId,
    requestId: change.emergencyRequestId,
    status: CASE_STATUS[change.status] ?? 'other',
    occurredAt: change.occurredAt ?? new Date(event.timestamp),
  };
}

/** The values a reading brings for the limit check: instantaneous or mean values, converted (Zs) ones where sent. */
export function toStationReading(event: ReceivedEvent): StationReading | undefined {
  if (event.value === null) return undefined;
  const value = event.value;
  const observation = decodeOr(() => ObservationRecorded.decode(value), 'ObservationRecorded');
  if (!observation.dataTime || !observation.deviceMn) return undefined;
  const values: Record<string, number> = {};
  for (const measurement of observation.measurements) {
    if (measurement.kind === ValueKind.VALUE_KIND_RTD || measurement.kind === ValueKind.VALUE_KIND_AVG || measurement.kind === ValueKind.VALUE_KIND_UNSPECIFIED) {
      values[measurement.factorCode] = Math.max(values[measurement.factorCode] ?? -Infinity, measurement.value);
    }
  }
  return { mn: observation.deviceMn, at: observation.dataTime, values };
}
