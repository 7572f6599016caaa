import type { DeviceState } from '../domain/device-state';
import type { AlertEvent, DeviceProfile, StationAqi } from '../domain/model';
import type { SensitiveTargetLookup } from '../domain/rule-runner';

/** What a partition's checkpoint holds: the first offset not yet processed, and the state of its devices. */
export interface PartitionCheckpoint {
  /** Null when nothing of the partition was ever processed here. */
  nextOffset: string | null;
  states: DeviceState[];
}

/**
 * The W3C trace context a reading arrived with, opaque here: the events it causes carry it on, so one trace runs
 * from a device's frame to the case it opens.
 */
export interface TraceContext {
  traceparent?: string;
  tracestate?: string;
}

/** Events to write, and for each (by position) the trace context of the reading that caused it, if any. */
export interface EventsAhead {
  /** The offset the caller believes is stored: the write is refused if another consumer moved it. */
  expectedOffset: string | null;
  alerts: AlertEvent[];
  aqi: StationAqi[];
  causes?: { alerts: Array<TraceContext | undefined>; aqi: Array<TraceContext | undefined> };
}

export interface CheckpointChange extends EventsAhead {
  /** The new first unprocessed offset (unchanged for a sweep). */
  nextOffset: string | null;
  states: DeviceState[];
}

/**
 * Durable state per readings partition. `commit` is one transaction: device states, the outgoing events (the
 * outbox), the alert and AQI read models, and the partition's next offset, so a crash anywhere leaves either
 * all of a batch's effects or none of them. `publish` writes events alone, ahead of their checkpoint.
 */
export interface CheckpointStore {
  load(partition: number): Promise<PartitionCheckpoint>;
  /** False when the stored offset was not `expectedOffset`: this consumer no longer owns the partition. */
  commit(partition: number, change: CheckpointChange): Promise<boolean>;
  /**
   * Writes events (the outbox and the read models) ahead of the checkpoint of the state that produced them, in
   * one transaction fenced like `commit` (false: the partition is no longer ours). After a crash the readings
   * behind them are evaluated again to the same events, with the same ids, which the outbox stores once.
   */
  publish(partition: number, events: EventsAhead): Promise<boolean>;
}

/** The registry as alerting reads it. */
export interface DeviceDirectory {
  device(mn: string): DeviceProfile | undefined;
  targetsNear: SensitiveTargetLookup;
}

/** Told when events were committed to the outbox, so they go out without waiting for the next poll. */
export interface OutboxSignal {
  committed(): void;
}

export type { Clock } from '@ecogrid/service-kit';

export interface AlertFilter {
  openOnly: boolean;
  deviceMn?: string;
  townshipCode?: string;
  enterpriseUscc?: string;
  cellId?: string;
  kind?: AlertEvent['kind'];
}

export interface AlertPage<T> {
  items: T[];
  next?: { changedAt: number; alertId: string };
}

/** The read model of alerts and station hours, as the gRPC queries need it. Items are the published payloads. */
export interface AlertQueries {
  listAlerts(filter: AlertFilter, pageSize: number, after?: { changedAt: number; alertId: string }): Promise<AlertPage<Uint8Array>>;
  stationAqi(stationMn: string, from: number, to: number, limit: number): Promise<Uint8Array[]>;
}
