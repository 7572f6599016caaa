import {
  OfficerRole,
  Township,
  type Cell,
  type Device,
  type Enterprise,
  type Officer,
  type Target,
  type TargetKind,
} from '@ecogrid/proto/registry/v1/entities';
import {
  arealBBox,
  createPolygonIndex,
  distanceToGeometryM,
  metresPerDegree,
  parseGeometryText,
  type BBox,
  type Geometry,
  type PolygonIndex,
} from '@ecogrid/geo';
import type { Logger } from '@ecogrid/telemetry';
import type { LocateResult, NearbyTarget, RegistryChange, RegistryEntity, RegistrySnapshot } from './types';

interface Shift {
  startsAt: number;
  endsAt: number;
  result: LocateResult;
}

interface CellEntry {
  cell: Cell;
  /** The answer when no roster shift covers the time. */
  located: LocateResult;
  /** Newest start first, so the latest handover wins where shifts overlap. */
  shifts: Shift[];
}

interface TargetEntry {
  target: Target;
  geometry: Geometry;
  bbox: BBox;
}

const EMPTY_INDEX: PolygonIndex = { locate: () => -1, size: 0, bbox: [0, 0, 0, 0], fullBucketShare: 0 };

function timeOf(at: number | Date | undefined): number {
  return at === undefined ? Date.now() : typeof at === 'number' ? at : at.getTime();
}

/**
 * The in-memory structures behind every RegistryView, whatever feeds them. Changes are applied one by one and
 * become visible at `flush()`, which rebuilds only what they touched (the cell index when a cell changed, the
 * per-cell duty answers when a cell or officer changed); lookups between flushes see the previous state.
 */
export class RegistryStore {
  private readonly cells = new Map<string, Cell>();
  private readonly townships = new Map<string, Township>();
  private readonly devices = new Map<string, Device>();
  private readonly enterprises = new Map<string, Enterprise>();
  private readonly officers = new Map<string, Officer>();
  private readonly targets = new Map<string, TargetEntry>();

  private cellEntries: CellEntry[] = [];
  private cellEntryById = new Map<string, CellEntry>();
  private index: PolygonIndex = EMPTY_INDEX;
  private supervisors = new Map<string, Officer>();
  private targetList: TargetEntry[] = [];
  private gridDirty = false;
  private dutyDirty = false;
  private targetsDirty = false;
  private pending: RegistryChange[] = [];
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  gridChangedAt = 0;
  private lastCellRemovedAt = 0;

  constructor(private readonly logger?: Logger) {}

  putTownship(township: Township): void {
    this.townships.set(township.code, township);
    this.dutyDirty = true;
  }

  putCell(cell: Cell, township?: Township): void {
    this.cells.set(cell.id, cell);
    if (township?.code) this.townships.set(township.code, township);
    this.gridDirty = true;
    this.pending.push({ entity: 'cell', id: cell.id, deleted: false });
  }

  putDevice(device: Device): void {
    this.devices.set(device.mn, device);
    this.pending.push({ entity: 'device', id: device.mn, deleted: false });
  }

  putEnterprise(enterprise: Enterprise): void {
    this.enterprises.set(enterprise.uscc, enterprise);
    this.pending.push({ entity: 'enterprise', id: enterprise.uscc, deleted: false });
  }

  putOfficer(officer: Officer): void {
    this.officers.set(officer.id, officer);
    this.dutyDirty = true;
    this.pending.push({ entity: 'officer', id: officer.id, deleted: false });
  }

  putTarget(target: Target): void {
    const parsed = parseGeometryText(target.geometryGeojson);
    if (!parsed.ok) {
      this.logger?.warn({ targetId: target.id, problem: parsed.problem.message }, 'target geometry unreadable; target kept out of the view');
      this.remove('target', target.id);
      return;
    }
    const geometry = parsed.geometry;
    const bbox: BBox =
      geometry.type === 'Polygon' || geometry.type === 'MultiPolygon'
        ? arealBBox(geometry)
        : pointsBBox(geometry.type === 'Point' ? [geometry.coordinates] : geometry.coordinates);
    this.targets.set(target.id, { target, geometry, bbox });
    this.targetsDirty = true;
    this.pending.push({ entity: 'target', id: target.id, deleted: false });
  }

  /** `at`: when the deletion happened (the tombstone's time), so `gridChangedAt` covers removed cells too. */
  remove(entity: RegistryEntity, id: string, at = Date.now()): void {
    let removed = false;
    switch (entity) {
      case 'cell':
        removed = this.cells.delete(id);
        if (removed) {
          this.gridDirty = true;
          this.lastCellRemovedAt = Math.max(this.lastCellRemovedAt, at);
        }
        break;
      case 'device':
        removed = this.devices.delete(id);
        break;
      case 'enterprise':
        removed = this.enterprises.delete(id);
        break;
      case 'officer':
        removed = this.officers.delete(id);
        this.dutyDirty ||= removed;
        break;
      case 'target':
        removed = this.targets.delete(id);
        this.targetsDirty ||= removed;
        break;
    }
    if (removed) this.pending.push({ entity, id, deleted: true });
  }

  load(snapshot: RegistrySnapshot): void {
    for (const township of snapshot.townships ?? []) this.putTownship(township);
    for (const cell of snapshot.cells ?? []) this.putCell(cell);
    for (const device of snapshot.devices ?? []) this.putDevice(device);
    for (const enterprise of snapshot.enterprises ?? []) this.putEnterprise(enterprise);
    for (const officer of snapshot.officers ?? []) this.putOfficer(officer);
    for (const target of snapshot.targets ?? []) this.putTarget(target);
  }

  /** Makes applied changes visible and tells listeners. */
  flush(): void {
    if (this.gridDirty) this.rebuildGrid();
    if (this.gridDirty || this.dutyDirty) this.rebuildDuty();
    if (this.targetsDirty) this.targetList = [...this.targets.values()];
    this.gridDirty = false;
    this.dutyDirty = false;
    this.targetsDirty = false;
    const changes = this.pending;
    this.pending = [];
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (error) {
          this.logger?.error({ err: error, change }, 'registry change listener failed');
        }
      }
    }
  }

  onChange(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private rebuildGrid(): void {
    const entries: CellEntry[] = [];
    const items = [];
    let newest = 0;
    for (const cell of this.cells.values()) {
      const parsed = parseGeometryText(cell.geometryGeojson);
      if (!parsed.ok || (parsed.geometry.type !== 'Polygon' && parsed.geometry.type !== 'MultiPolygon')) {
        this.logger?.warn({ cellId: cell.id }, 'cell geometry is not a polygon; cell kept out of the index');
        continue;
      }
      items.push(parsed.geometry.type === 'Polygon' ? [parsed.geometry.coordinates] : parsed.geometry.coordinates);
      entries.push({ cell, located: { cell, township: this.townshipFor(cell.townshipCode) }, shifts: [] });
      newest = Math.max(newest, cell.validFrom?.getTime() ?? 0);
    }
    this.index = createPolygonIndex(items);
    this.cellEntries = entries;
    this.cellEntryById = new Map(entries.map((entry) => [entry.cell.id, entry]));
    this.gridChangedAt = Math.max(newest, this.lastCellRemovedAt);
  }

  private townshipFor(code: string): Township {
    return this.townships.get(code) ?? Township.create({ code });
  }

  /** Precomputes every answer `locate` can give, so a lookup only picks one. */
  private rebuildDuty(): void {
    const responsible = new Map<string, Officer>();
    const shifts = new Map<string, Shift[]>();
    const supervisors = new Map<string, Officer>();
    const byId = [...this.officers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const officer of byId) {
      if (!officer.active) continue;
      if (officer.role === OfficerRole.OFFICER_ROLE_SUPERVISOR && officer.townshipCode && !supervisors.has(officer.townshipCode)) {
        supervisors.set(officer.townshipCode, officer);
      }
      if (officer.role === OfficerRole.OFFICER_ROLE_GRID_OFFICER) {
        for (const cellId of officer.cellIds) if (!responsible.has(cellId)) responsible.set(cellId, officer);
      }
      for (const shift of officer.roster) {
        const startsAt = shift.startsAt?.getTime();
        const endsAt = shift.endsAt?.getTime();
        if (startsAt === undefined || endsAt === undefined || endsAt <= startsAt) continue;
        const entry = this.cellEntryById.get(shift.cellId);
        if (!entry) continue;
        const list = shifts.get(shift.cellId) ?? [];
        list.push({ startsAt, endsAt, result: { cell: entry.cell, township: entry.located.township, onDutyOfficer: officer, onDutySource: 'roster_shift' } });
        shifts.set(shift.cellId, list);
      }
    }
    for (const entry of this.cellEntries) {
      const township = this.townshipFor(entry.cell.townshipCode);
      const officer = responsible.get(entry.cell.id);
      entry.located = officer
        ? { cell: entry.cell, township, onDutyOfficer: officer, onDutySource: 'responsible_officer' }
        : { cell: entry.cell, township };
      entry.shifts = (shifts.get(entry.cell.id) ?? []).sort((a, b) => b.startsAt - a.startsAt);
    }
    this.supervisors = supervisors;
  }

  // Lookups.

  device(mn: string): Device | undefined {
    return this.devices.get(mn);
  }

  enterprise(uscc: string): Enterprise | undefined {
    return this.enterprises.get(uscc);
  }

  cell(id: string): Cell | undefined {
    return this.cellEntryById.get(id)?.cell;
  }

  township(code: string): Township | undefined {
    return this.townships.get(code);
  }

  officer(id: string): Officer | undefined {
    return this.officers.get(id);
  }

  target(id: string): Target | undefined {
    return this.targets.get(id)?.target;
  }

  locate(lon: number, lat: number, at?: number | Date): LocateResult | undefined {
    const found = this.index.locate(lon, lat);
    if (found < 0) return undefined;
    const entry = this.cellEntries[found] as CellEntry;
    return entry.shifts.length === 0 ? entry.located : pickShift(entry, timeOf(at));
  }

  onDutyOfficer(cellId: string, at?: number | Date): Officer | undefined {
    const entry = this.cellEntryById.get(cellId);
    if (!entry) return undefined;
    return (entry.shifts.length === 0 ? entry.located : pickShift(entry, timeOf(at))).onDutyOfficer;
  }

  supervisorOf(townshipCode: string): Officer | undefined {
    return this.supervisors.get(townshipCode);
  }

  targetsNear(point: { lon: number; lat: number }, radiusM: number, kinds?: readonly TargetKind[]): NearbyTarget[] {
    const { lon, lat } = point;
    const perDegree = metresPerDegree(lat);
    const dLon = radiusM / perDegree.x;
    const dLat = radiusM / perDegree.y;
    const found: NearbyTarget[] = [];
    for (const entry of this.targetList) {
      if (kinds && kinds.length > 0 && !kinds.includes(entry.target.kind)) continue;
      const [minX, minY, maxX, maxY] = entry.bbox;
      if (minX > lon + dLon || maxX < lon - dLon || minY > lat + dLat || maxY < lat - dLat) continue;
      const distanceM = distanceToGeometryM(lon, lat, entry.geometry);
      if (distanceM <= radiusM) found.push({ target: entry.target, distanceM });
    }
    return found.sort((a, b) => a.distanceM - b.distanceM || (a.target.id < b.target.id ? -1 : 1));
  }

  counts(): Record<RegistryEntity | 'township', number> {
    return {
      cell: this.cellEntries.length,
      township: this.townships.size,
      device: this.devices.size,
      enterprise: this.enterprises.size,
      officer: this.officers.size,
      target: this.targets.size,
    };
  }
}

function pickShift(entry: CellEntry, time: number): LocateResult {
  for (const shift of entry.shifts) if (shift.startsAt <= time && time < shift.endsAt) return shift.result;
  return entry.located;
}

function pointsBBox(points: Array<[number, number]>): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  return box;
}
