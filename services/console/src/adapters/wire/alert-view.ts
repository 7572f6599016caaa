import { alertKindToJSON, alertStateToJSON, severityToJSON, type AlertChanged, type StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';

const lower = (text: string, prefix: string): string => text.replace(prefix, '').toLowerCase();
const iso = (date: Date | undefined): string | null => (date ? date.toISOString() : null);

/** An alert as the browser shows it (from ListAlerts and from the alerts topic alike). */
export function alertView(alert: AlertChanged): Record<string, unknown> {
  return {
    alertId: alert.alertId,
    state: lower(alertStateToJSON(alert.state), 'ALERT_STATE_'),
    severity: lower(severityToJSON(alert.severity), 'SEVERITY_'),
    kind: lower(alertKindToJSON(alert.kind), 'ALERT_KIND_'),
    deviceMn: alert.deviceMn,
    enterpriseUscc: alert.enterpriseUscc,
    cellId: alert.cellId,
    townshipCode: alert.townshipCode,
    factorCode: alert.factorCode,
    value: alert.value,
    limit: alert.limit,
    unit: alert.unit,
    summary: alert.summary,
    openedAt: iso(alert.openedAt),
    changedAt: iso(alert.changedAt),
    sequence: alert.sequence,
  };
}

export function aqiView(hour: StationAqiComputed): Record<string, unknown> {
  return {
    stationMn: hour.stationMn,
    hourStart: iso(hour.hourStart),
    aqi: hour.aqi,
    category: hour.category,
    categoryLevel: hour.categoryLevel,
    primaryPollutants: hour.primaryPollutants,
    publishable: hour.publishable,
    complete: hour.complete,
  };
}
