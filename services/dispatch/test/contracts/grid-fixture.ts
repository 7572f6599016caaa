import { Cell, Device, Officer, OfficerRole, Target, TargetKind, Township, type DutyShift } from '@ecogrid/proto/registry/v1/entities';
import type { RegistrySnapshot } from '@ecogrid/registry-view';
import type { GridFixture } from './in-memory-grid-directory';

/** A small grid in the Yanhu area (demo coordinates): two units, three cells, a roster, a device, targets. */
export const GRID: GridFixture = {
  townships: [{ code: '140802001' }, { code: '140802002' }],
  cells: [
    { id: 'C-01', townshipCode: '140802001', box: [111.0, 35.0, 111.01, 35.01] },
    { id: 'C-02', townshipCode: '140802001', box: [111.01, 35.0, 111.02, 35.01] },
    { id: 'C-03', townshipCode: '140802002', box: [111.02, 35.0, 111.03, 35.01] },
  ],
  officers: [
    { id: 'O-001', role: 'grid_officer', townshipCode: '140802001', cellIds: ['C-01'], active: true },
    {
      id: 'O-002',
      role: 'grid_officer',
      townshipCode: '140802001',
      cellIds: [],
      active: true,
      shifts: [{ cellId: 'C-01', startsAt: new Date('2026-11-29T00:00:00Z'), endsAt: new Date('2026-11-29T08:00:00Z') }],
    },
    { id: 'O-009', role: 'grid_officer', townshipCode: '140802001', cellIds: ['C-02'], active: false },
    { id: 'S-001', role: 'supervisor', townshipCode: '140802001', cellIds: [], active: true },
  ],
  devices: [{ mn: 'MN-0001', lon: 111.005, lat: 35.005, cellId: 'C-01', townshipCode: '140802001', enterpriseUscc: '91140800MA0GRID01X' }],
  targets: [
    { id: 'T-SCHOOL', kind: 'school', lon: 111.006, lat: 35.006 },
    { id: 'T-CHEM', kind: 'hazardous_chemical_store', lon: 111.005, lat: 35.0051 },
  ],
};

const ROLE = { grid_officer: OfficerRole.OFFICER_ROLE_GRID_OFFICER, supervisor: OfficerRole.OFFICER_ROLE_SUPERVISOR, command_center: OfficerRole.OFFICER_ROLE_COMMAND_CENTER, unknown: OfficerRole.OFFICER_ROLE_UNSPECIFIED };
const KIND: Record<string, TargetKind> = {
  school: TargetKind.TARGET_KIND_SCHOOL,
  hospital: TargetKind.TARGET_KIND_HOSPITAL,
  drinking_water_source: TargetKind.TARGET_KIND_DRINKING_WATER_SOURCE,
  nature_reserve: TargetKind.TARGET_KIND_NATURE_RESERVE,
  ecological_red_line: TargetKind.TARGET_KIND_ECOLOGICAL_RED_LINE,
  hazardous_chemical_store: TargetKind.TARGET_KIND_RISK_HAZARDOUS_CHEMICAL_STORE,
  residential_area: TargetKind.TARGET_KIND_RESIDENTIAL_AREA,
};

const polygon = ([minLon, minLat, maxLon, maxLat]: [number, number, number, number]): string =>
  JSON.stringify({ type: 'Polygon', coordinates: [[[minLon, minLat], [maxLon, minLat], [maxLon, maxLat], [minLon, maxLat], [minLon, minLat]]] });

/** The same grid as registry entities, as the registry publishes them. */
export function registrySnapshotOf(fixture: GridFixture): RegistrySnapshot {
  return {
    townships: fixture.townships.map((township) => Township.create({ code: township.code, name: township.code, ...(township.supervisorId ? { supervisorOfficerId: township.supervisorId } : {}) })),
    cells: fixture.cells.map((cell) =>
      Cell.create({ id: cell.id, name: cell.id, townshipCode: cell.townshipCode, geometryGeojson: polygon(cell.box), validFrom: new Date('2026-01-01T00:00:00Z'), version: 1 }),
    ),
    officers: fixture.officers.map((officer) =>
      Officer.create({
        id: officer.id,
        name: officer.id,
        role: ROLE[officer.role],
        townshipCode: officer.townshipCode,
        cellIds: officer.cellIds,
        active: officer.active,
        roster: (officer.shifts ?? []).map((shift): DutyShift => ({ cellId: shift.cellId, startsAt: shift.startsAt, endsAt: shift.endsAt })),
      }),
    ),
    devices: fixture.devices.map((device) =>
      Device.create({ mn: device.mn, name: device.mn, location: { lon: device.lon, lat: device.lat }, cellId: device.cellId ?? '', townshipCode: device.townshipCode ?? '', enterpriseUscc: device.enterpriseUscc ?? '', enabled: true }),
    ),
    targets: fixture.targets.map((target) =>
      Target.create({ id: target.id, name: target.id, kind: KIND[target.kind] ?? TargetKind.TARGET_KIND_UNSPECIFIED, geometryGeojson: JSON.stringify({ type: 'Point', coordinates: [target.lon, target.lat] }) }),
    ),
  };
}
