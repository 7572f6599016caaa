import type { DeviceKindName } from './kinds';
import type { SeverityName } from './rules/ruleset';

export type ValueKind = 'Rtd' | 'Avg' | 'Min' | 'Max' | 'Cou' | 'ZsRtd' | 'ZsAvg' | 'ZsMin' | 'ZsMax';

export interface Measurement {
  factorCode: string;
  kind: ValueKind;
  value: number;
  flag: string;
  unit: string;
}

/** One reading from ecogrid.readings.v1, times as epoch milliseconds. */
export interface Observation {
  id: string;
  deviceMn: string;
  command: string;
  dataTime: number;
  receivedTime: number;
  measurements: Measurement[];
  enterpriseUscc: string;
  cellId: string;
  townshipCode: string;
}

/** What alerting needs of a registry device. */
export interface DeviceProfile {
  mn: string;
  /** UNKNOWN for a kind this build does not know (a newer registry): no kind-specific rule applies to it. */
  kind: DeviceKindName | 'UNKNOWN';
  enabled: boolean;
  enterpriseUscc: string;
  cellId: string;
  townshipCode: string;
  location?: { lon: number; lat: number } | undefined;
  factors: ReadonlyArray<{ factorCode: string; unit: string; limit?: number | undefined; limitOnConverted: boolean }>;
}

export type AlertKindName = 'emission_limit' | 'ambient_limit' | 'data_quality' | 'device_offline' | 'sudden_jump';
export type AlertStateName = 'raised' | 'updated' | 'cleared';

export interface Evidence {
  observationId: string;
  dataTime: number;
  value: number;
  flag: string;
  valueKind: string;
  command: string;
  matched: boolean;
}

/** One state change of an alert, as published on ecogrid.alerts.v1. */
export interface AlertEvent {
  alertId: string;
  /** 1 for raised, +1 per later change; with the alert id it is the event id. */
  sequence: number;
  state: AlertStateName;
  kind: AlertKindName;
  ruleId: string;
  ruleVersion: string;
  severity: SeverityName;
  baseSeverity: SeverityName;
  escalationReasons: string[];
  deviceMn: string;
  enterpriseUscc: string;
  cellId: string;
  townshipCode: string;
  factorCode: string;
  value: number;
  peakValue: number;
  limit: number;
  unit: string;
  valueKind: string;
  averagingPeriod: string;
  dataFlag: string;
  limitSource: string;
  exceedanceMultiple: number;
  openedAt: number;
  changedAt: number;
  lastSeen?: number;
  evidence: Evidence[];
  summary: string;
  nearbyTargetIds: string[];
  /**
   * Raised by a reading that arrived behind newer ones (back-filled or late): judged on its own, outside the live
   * episodes, and cleared in the same breath (its data time is `openedAt`).
   */
  late?: true;
}

export interface PollutantIndexResult {
  pollutant: string;
  indicator: string;
  concentration: number;
  iaqi: number | null;
  aboveScale: boolean;
}

/** One station-hour AQI, as published on ecogrid.aqi.hourly.v1. */
export interface StationAqi {
  stationMn: string;
  hourStart: number;
  aqi: number;
  category: string;
  categoryLevel: number;
  primaryPollutants: string[];
  indexes: PollutantIndexResult[];
  /** "HJ 633-2012" or "HJ 633-2026". */
  standard: string;
  source: 'hourly_data' | 'aggregated_realtime';
  complete: boolean;
  publishable: boolean;
  missingIndicators: string[];
  revision: number;
  cellId: string;
  townshipCode: string;
}

export const eventIdOfAlert = (event: Pick<AlertEvent, 'alertId' | 'sequence'>): string => `${event.alertId}:${event.sequence}`;
export const eventIdOfAqi = (aqi: Pick<StationAqi, 'stationMn' | 'hourStart' | 'revision'>): string =>
  `aqi:${aqi.stationMn}:${new Date(aqi.hourStart).toISOString()}:${aqi.revision}`;
