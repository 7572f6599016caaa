import type { Cell, Device, Enterprise, Officer, Target, TargetKind, Township } from '@ecogrid/proto/registry/v1/entities';

/** Why `onDutyOfficer` is the one named. */
export type OnDutySource = 'roster_shift' | 'responsible_officer';

/** What `locate` answers. The same object is returned for every lookup that lands in the same cell and shift. */
export interface LocateResult {
  readonly cell: Cell;
  readonly township: Township;
  /** The officer on a duty-roster shift in the cell at that time, else the cell's responsible grid officer. */
  readonly onDutyOfficer?: Officer | undefined;
  readonly onDutySource?: OnDutySource | undefined;
}

export interface NearbyTarget {
  target: Target;
  distanceM: number;
}

export type RegistryEntity = 'cell' | 'device' | 'enterprise' | 'officer' | 'target';

/** One applied change: `deleted` for a tombstone. Fired after the change is visible to lookups. */
export interface RegistryChange {
  entity: RegistryEntity;
  id: string;
  deleted: boolean;
}

/** Entities to build a view from without Kafka. Townships are usually carried by cells; give them here too. */
export interface RegistrySnapshot {
  townships?: Township[];
  cells?: Cell[];
  devices?: Device[];
  enterprises?: Enterprise[];
  officers?: Officer[];
  targets?: Target[];
}

/**
 * The registry in memory. Lookups are synchronous and allocation-free (except `targetsNear`, which builds
 * its answer): ingest calls `device(mn)` for every frame, alerting and dispatch call `locate` and `targetsNear`.
 */
export interface RegistryView {
  /** Resolves once every entity published before the call is applied (caught up to the high watermarks read then). */
  start(): Promise<void>;
  readonly ready: boolean;
  stop(): Promise<void>;
  device(mn: string): Device | undefined;
  enterprise(uscc: string): Enterprise | undefined;
  cell(id: string): Cell | undefined;
  township(code: string): Township | undefined;
  officer(id: string): Officer | undefined;
  target(id: string): Target | undefined;
  /** The cell containing the point, its township and who is on duty at `at` (epoch ms or Date; default now). */
  locate(lon: number, lat: number, at?: number | Date): LocateResult | undefined;
  /** Who is on duty in a cell at `at`: a roster shift, else the responsible officer. */
  onDutyOfficer(cellId: string, at?: number | Date): Officer | undefined;
  /** The township's supervisor (an active officer with the SUPERVISOR role there). */
  supervisorOf(townshipCode: string): Officer | undefined;
  /** Targets within `radiusM` metres of the point, nearest first (0 inside a polygon). */
  targetsNear(point: { lon: number; lat: number }, radiusM: number, kinds?: readonly TargetKind[]): NearbyTarget[];
  /** Calls `listener` after each applied change; returns a function that unsubscribes. */
  onChange(listener: (change: RegistryChange) => void): () => void;
  /** How many of each entity are held, for logs and readiness reports. */
  counts(): Record<RegistryEntity | 'township', number>;
  /** When the grid last changed (epoch ms): the newest current `validFrom` or cell deletion; before it the grid looked different. */
  readonly gridChangedAt: number;
}
