import type { Areal } from '@ecogrid/geo';
import type { Cell, Device, DeviceKind, District, Enterprise, Officer, OfficerRole, Target, TargetCategory, TargetKind, Township, WrappedKey } from '../domain/entities';
import type { ImportContext, Placer } from '../domain/import-context';

export type EntityKind = 'township' | 'cell' | 'officer' | 'device' | 'enterprise' | 'target';

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Writes, all inside one transaction that holds the registry's write lock: what `loadContext` saw is still
 * true when the writes commit, so two imports can never together create overlapping cells. Every change that
 * other services see is queued in the outbox in the same transaction.
 */
export interface RegistryWriter {
  loadContext(): Promise<ImportContext>;
  putDistrict(district: District, boundary: Areal): Promise<WriteCounts>;
  putTownships(townships: Township[]): Promise<WriteCounts>;
  /** New or changed cells open a new version from `validFrom` (default: now) and close the previous one (see nextCellVersion). */
  putCells(cells: Cell[]): Promise<WriteCounts>;
  putOfficers(officers: Officer[]): Promise<WriteCounts>;
  putDevices(devices: Device[]): Promise<WriteCounts>;
  putEnterprises(enterprises: Enterprise[]): Promise<WriteCounts>;
  putTargets(targets: Target[]): Promise<WriteCounts>;
  /** After the grid changed: moves devices, enterprises and targets into the cells and townships they now lie in. */
  relocate(place: Placer): Promise<number>;
  /** Deletes (a cell: closes its current version); false when there was nothing to delete. */
  remove(kind: EntityKind, id: string): Promise<boolean>;
  /** What still refers to an entity, for refusing a delete that would leave dangling references. */
  referencesTo(kind: EntityKind, id: string): Promise<string[]>;
  /**
   * A device confirmed an SM4 key rotation (HJ 212-2025 1014): `key` (wrapped) becomes its key, the one it replaces
   * is kept as the previous key until `previousUntil`. 'unchanged' when the device already has that key (a
   * redelivered event), 'unknown' for a device not registered.
   */
  rotateDeviceKey(mn: string, key: WrappedKey, previousUntil: Date): Promise<'rotated' | 'unchanged' | 'unknown'>;
}

/** A west-south-east-north box in WGS 84 degrees, for list filters. */
export interface BoundingBox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

export interface PageRequest {
  pageSize: number;
  pageToken: string;
}

export interface CellFilter {
  townshipCode?: string;
  bbox?: BoundingBox;
}

export interface OfficerFilter {
  townshipCode?: string;
  cellId?: string;
  role?: OfficerRole;
}

export interface DeviceFilter {
  townshipCode?: string;
  kind?: DeviceKind;
  bbox?: BoundingBox;
  enterpriseUscc?: string;
}

export interface EnterpriseFilter {
  townshipCode?: string;
  bbox?: BoundingBox;
  industry?: string;
  keyDischargeUnitsOnly?: boolean;
}

export interface TargetFilter {
  townshipCode?: string;
  bbox?: BoundingBox;
  kinds?: TargetKind[];
  category?: TargetCategory;
}

export interface NearbyQuery {
  /** GeoJSON geometry text: the point, plume or reach to measure from. */
  geometryGeojson: string;
  radiusM: number;
  category: TargetCategory;
  kinds: TargetKind[];
  limit: number;
}

/** Reads from the system of record (PostgreSQL). */
export interface RegistryRepository {
  write<T>(work: (writer: RegistryWriter) => Promise<T>): Promise<T>;
  getTownship(code: string): Promise<Township | undefined>;
  listTownships(page: PageRequest): Promise<Page<Township>>;
  getCell(id: string): Promise<{ cell: Cell; township: Township } | undefined>;
  listCells(filter: CellFilter, page: PageRequest): Promise<Page<Cell>>;
  cellVersions(id: string): Promise<Cell[]>;
  /** The cell version containing the point at `at`, from history. */
  cellAt(lon: number, lat: number, at: Date): Promise<Cell | undefined>;
  getOfficer(id: string): Promise<Officer | undefined>;
  listOfficers(filter: OfficerFilter, page: PageRequest): Promise<Page<Officer>>;
  getDevice(mn: string): Promise<Device | undefined>;
  listDevices(filter: DeviceFilter, page: PageRequest): Promise<Page<Device>>;
  getEnterprise(uscc: string): Promise<Enterprise | undefined>;
  listEnterprises(filter: EnterpriseFilter, page: PageRequest): Promise<Page<Enterprise>>;
  getTarget(id: string): Promise<Target | undefined>;
  listTargets(filter: TargetFilter, page: PageRequest): Promise<Page<Target>>;
  nearbyTargets(query: NearbyQuery): Promise<Array<{ target: Target; distanceM: number }>>;
}
