import { AlertChanged, AlertKind, AlertState, AqiSource, Severity, StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';
import { ObservationRecorded, ValueKind as ProtoValueKind } from '@ecogrid/proto/ingest/v1/events';
import type { AlertEvent, AlertKindName, AlertStateName, Observation, StationAqi, ValueKind } from '../../domain/model';
import type { SeverityName } from '../../domain/rules/ruleset';

const STATE: Record<AlertStateName, AlertState> = {
  raised: AlertState.ALERT_STATE_RAISED,
  updated: AlertState.ALERT_STATE_UPDATED,
  cleared: AlertState.ALERT_STATE_CLEARED,
};
const SEVERITY: Record<SeverityName, Severity> = {
  info: Severity.SEVERITY_INFO,
  minor: Severity.SEVERITY_MINOR,
  major: Severity.SEVERITY_MAJOR,
  critical: Severity.SEVERITY_CRITICAL,
};
export const ALERT_KIND: Record<AlertKindName, AlertKind> = {
  emission_limit: AlertKind.ALERT_KIND_EMISSION_LIMIT,
  ambient_limit: AlertKind.ALERT_KIND_AMBIENT_LIMIT,
  data_quality: AlertKind.ALERT_KIND_DATA_QUALITY,
  device_offline: AlertKind.ALERT_KIND_DEVICE_OFFLINE,
  sudden_jump: AlertKind.ALERT_KIND_SUDDEN_JUMP,
};
const KIND_NAME = new Map<AlertKind, AlertKindName>(Object.entries(ALERT_KIND).map(([name, kind]) => [kind, name as AlertKindName]));
export const alertKindName = (kind: AlertKind): AlertKindName | undefined => KIND_NAME.get(kind);

const VALUE_KIND: Partial<Record<ProtoValueKind, ValueKind>> = {
  [ProtoValueKind.VALUE_KIND_RTD]: 'Rtd',
  [ProtoValueKind.VALUE_KIND_AVG]: 'Avg',
  [ProtoValueKind.VALUE_KIND_MIN]: 'Min',
  [ProtoValueKind.VALUE_KIND_MAX]: 'Max',
  [ProtoValueKind.VALUE_KIND_COU]: 'Cou',
  [ProtoValueKind.VALUE_KIND_ZS_RTD]: 'ZsRtd',
  [ProtoValueKind.VALUE_KIND_ZS_AVG]: 'ZsAvg',
  [ProtoValueKind.VALUE_KIND_ZS_MIN]: 'ZsMin',
  [ProtoValueKind.VALUE_KIND_ZS_MAX]: 'ZsMax',
};

export function toAlertChanged(event: AlertEvent): AlertChanged {
  return AlertChanged.create({
    alertId: event.alertId,
    state: STATE[event.state],
    ruleId: event.ruleId,
    ruleVersion: event.ruleVersion,
    severity: SEVERITY[event.severity],
    baseSeverity: SEVERITY[event.baseSeverity],
    escalationReasons: event.escalationReasons,
    deviceMn: event.deviceMn,
    enterpriseUscc: event.enterpriseUscc,
    cellId: event.cellId,
    townshipCode: event.townshipCode,
    factorCode: event.factorCode,
    value: event.value,
    peakValue: event.peakValue,
    limit: event.limit,
    unit: event.unit,
    openedAt: new Date(event.openedAt),
    changedAt: new Date(event.changedAt),
    ...(event.lastSeen === undefined ? {} : { lastSeen: new Date(event.lastSeen) }),
    evidence: event.evidence.map((item) => ({
      observationId: item.observationId,
      dataTime: new Date(item.dataTime),
      value: item.value,
      flag: item.flag,
      valueKind: item.valueKind,
      commandCode: item.command,
      matched: item.matched,
    })),
    summary: event.summary,
    nearbyTargetIds: event.nearbyTargetIds,
    kind: ALERT_KIND[event.kind],
    sequence: event.sequence,
    valueKind: event.valueKind,
    averagingPeriod: event.averagingPeriod,
    dataFlag: event.dataFlag,
    limitSource: event.limitSource,
    exceedanceMultiple: event.exceedanceMultiple,
    late: event.late === true,
  });
}

export const encodeAlert = (event: AlertEvent): Buffer => Buffer.from(AlertChanged.encode(toAlertChanged(event)).finish());

export function encodeStationAqi(aqi: StationAqi): Buffer {
  return Buffer.from(
    StationAqiComputed.encode(
      StationAqiComputed.create({
        stationMn: aqi.stationMn,
        hourStart: new Date(aqi.hourStart),
        aqi: aqi.aqi,
        category: aqi.category,
        categoryLevel: aqi.categoryLevel,
        primaryPollutants: aqi.primaryPollutants,
        indexes: aqi.indexes.map((index) => ({
          pollutant: index.pollutant,
          indicator: index.indicator,
          concentration: index.concentration,
          iaqi: index.iaqi ?? 0,
          rated: index.iaqi !== null,
          aboveScale: index.aboveScale,
        })),
        standard: aqi.standard,
        source: aqi.source === 'hourly_data' ? AqiSource.AQI_SOURCE_HOURLY_DATA : AqiSource.AQI_SOURCE_AGGREGATED_REALTIME,
        complete: aqi.complete,
        publishable: aqi.publishable,
        missingIndicators: aqi.missingIndicators,
        revision: aqi.revision,
        cellId: aqi.cellId,
        townshipCode: aqi.townshipCode,
      }),
    ).finish(),
  );
}

/** The domain observation of an ecogrid.readings.v1 value; throws on a value that is not an ObservationRecorded. */
export function decodeObservation(value: Buffer): Observation {
  const event = ObservationRecorded.decode(value);
  if (!event.deviceMn || !event.dataTime) throw new Error('observation without device MN or data time');
  return {
    id: event.observationId,
    deviceMn: event.deviceMn,
    command: event.commandCode,
    dataTime: event.dataTime.getTime(),
    receivedTime: event.receivedTime?.getTime() ?? Date.now(),
    measurements: event.measurements.flatMap((measurement) => {
      const kind = VALUE_KIND[measurement.kind];
      return kind ? [{ factorCode: measurement.factorCode, kind, value: measurement.value, flag: measurement.flag || 'N', unit: measurement.unit }] : [];
    }),
    enterpriseUscc: event.enterpriseUscc,
    cellId: event.cellId,
    townshipCode: event.townshipCode,
  };
}
