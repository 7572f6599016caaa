import type { GridDirectory, OfficerInfo } from '../../src/app/ports';
import type { SensitiveTargetKind } from '../../src/domain/priority';

/** A plain description of a grid: what tests write instead of registry protobufs. */
export interface GridFixture {
  townships: Array<{ code: string; supervisorId?: string }>;
  /** Cells as lon/lat boxes [minLon, minLat, maxLon, maxLat]. */
  cells: Array<{ id: string; townshipCode: string; box: [number, number, number, number] }>;
  officers: Array<{
    id: string;
    role: OfficerInfo['role'];
    townshipCode: string;
    cellIds: string[];
    active: boolean;
    shifts?: Array<{ cellId: string; startsAt: Date; endsAt: Date }>;
  }>;
  devices: Array<{ mn: string; lon: number; lat: number; cellId?: string; townshipCode?: string; enterpriseUscc?: string }>;
  targets: Array<{ id: string; kind: SensitiveTargetKind | 'hazardous_chemical_store' | 'residential_area'; lon: number; lat: number }>;
}

const SENSITIVE = new Set<string>(['drinking_water_source', 'nature_reserve', 'ecological_red_line', 'school', 'hospital']);

function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const radians = Math.PI / 180;
  const x = (b.lon - a.lon) * radians * Math.cos(((a.lat + b.lat) / 2) * radians);
  const y = (b.lat - a.lat) * radians;
  return Math.sqrt(x * x + y * y) * 6_371_008.8;
}

/** The GridDirectory in memory, for use-case tests; it passes the same contract suite as the registry adapter. */
export function createInMemoryGridDirectory(fixture: GridFixture): GridDirectory {
  const activeOfficers = [...fixture.officers].filter((officer) => officer.active).sort((a, b) => a.id.localeCompare(b.id));
  return {
    locate: (point) => {
      const cell = fixture.cells.find(({ box }) => point.lon >= box[0] && point.lat >= box[1] && point.lon < box[2] && point.lat < box[3]);
      return cell ? { cellId: cell.id, townshipCode: cell.townshipCode } : undefined;
    },
    cell: (cellId) => {
      const cell = fixture.cells.find((candidate) => candidate.id === cellId);
      return cell ? { cellId: cell.id, townshipCode: cell.townshipCode } : undefined;
    },
    onDutyOfficer: (cellId, at) => {
      const time = at.getTime();
      const onShift = activeOfficers
        .flatMap((officer) => (officer.shifts ?? []).filter((shift) => shift.cellId === cellId).map((shift) => ({ officer, shift })))
        .filter(({ shift }) => shift.startsAt.getTime() <= time && time < shift.endsAt.getTime())
        .sort((a, b) => b.shift.startsAt.getTime() - a.shift.startsAt.getTime())[0];
      if (onShift) return { officerId: onShift.officer.id, source: 'roster_shift' };
      const responsible = activeOfficers.find((officer) => officer.role === 'grid_officer' && officer.cellIds.includes(cellId));
      return responsible ? { officerId: responsible.id, source: 'responsible_officer' } : undefined;
    },
    supervisorOf: (townshipCode) =>
      activeOfficers.find((officer) => officer.role === 'supervisor' && officer.townshipCode === townshipCode)?.id ??
      fixture.townships.find((township) => township.code === townshipCode)?.supervisorId,
    officer: (id) => {
      const officer = fixture.officers.find((candidate) => candidate.id === id);
      return officer ? { id: officer.id, role: officer.role, townshipCode: officer.townshipCode, cellIds: officer.cellIds, active: officer.active } : undefined;
    },
    device: (mn) => {
      const device = fixture.devices.find((candidate) => candidate.mn === mn);
      if (!device) return undefined;
      return {
        location: { lon: device.lon, lat: device.lat },
        ...(device.cellId ? { cellId: device.cellId } : {}),
        ...(device.townshipCode ? { townshipCode: device.townshipCode } : {}),
        ...(device.enterpriseUscc ? { enterpriseUscc: device.enterpriseUscc } : {}),
      };
    },
    sensitiveTargetsNear: (point, radiusM) =>
      fixture.targets
        .filter((target) => SENSITIVE.has(target.kind) && distanceM(point, target) <= radiusM)
        .sort((a, b) => distanceM(point, a) - distanceM(point, b))
        .map((target) => ({ id: target.id, kind: target.kind as SensitiveTargetKind })),
  };
}
