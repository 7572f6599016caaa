import { OfficerRole, TargetKind } from '@ecogrid/proto/registry/v1/entities';
import type { RegistryView } from '@ecogrid/registry-view';
import type { GridDirectory, OfficerInfo } from '../../app/ports';
import type { SensitiveTargetKind } from '../../domain/priority';

const SENSITIVE_KINDS: ReadonlyMap<TargetKind, SensitiveTargetKind> = new Map([
  [TargetKind.TARGET_KIND_DRINKING_WATER_SOURCE, 'drinking_water_source'],
  [TargetKind.TARGET_KIND_NATURE_RESERVE, 'nature_reserve'],
  [TargetKind.TARGET_KIND_ECOLOGICAL_RED_LINE, 'ecological_red_line'],
  [TargetKind.TARGET_KIND_SCHOOL, 'school'],
  [TargetKind.TARGET_KIND_HOSPITAL, 'hospital'],
]);

const ROLE: Record<number, OfficerInfo['role']> = {
  [OfficerRole.OFFICER_ROLE_GRID_OFFICER]: 'grid_officer',
  [OfficerRole.OFFICER_ROLE_SUPERVISOR]: 'supervisor',
  [OfficerRole.OFFICER_ROLE_COMMAND_CENTER]: 'command_center',
};

/** Dispatch's GridDirectory over the in-memory RegistryView (fed from the registry's compacted topics). */
export function createRegistryGridDirectory(view: RegistryView): GridDirectory {
  return {
    locate: (point, at) => {
      const located = view.locate(point.lon, point.lat, at);
      return located ? { cellId: located.cell.id, townshipCode: located.cell.townshipCode || located.township.code } : undefined;
    },
    cell: (cellId) => {
      const cell = view.cell(cellId);
      return cell ? { cellId: cell.id, townshipCode: cell.townshipCode } : undefined;
    },
    onDutyOfficer: (cellId, at) => {
      const officer = view.onDutyOfficer(cellId, at);
      if (!officer) return undefined;
      const onShift = officer.roster.some((shift) => shift.cellId === cellId && shift.startsAt && shift.endsAt && shift.startsAt <= at && at < shift.endsAt);
      return { officerId: officer.id, source: onShift ? 'roster_shift' : 'responsible_officer' };
    },
    supervisorOf: (townshipCode) => view.supervisorOf(townshipCode)?.id ?? (view.township(townshipCode)?.supervisorOfficerId || undefined),
    officer: (id) => {
      const officer = view.officer(id);
      return officer ? { id: officer.id, role: ROLE[officer.role] ?? 'unknown', townshipCode: officer.townshipCode, cellIds: officer.cellIds, active: officer.active } : undefined;
    },
    device: (mn) => {
      const device = view.device(mn);
      if (!device) return undefined;
      return {
        ...(device.location ? { location: { lon: device.location.lon, lat: device.location.lat } } : {}),
        ...(device.cellId ? { cellId: device.cellId } : {}),
        ...(device.townshipCode ? { townshipCode: device.townshipCode } : {}),
        ...(device.enterpriseUscc ? { enterpriseUscc: device.enterpriseUscc } : {}),
      };
    },
    sensitiveTargetsNear: (point, radiusM) =>
      view.targetsNear(point, radiusM, [...SENSITIVE_KINDS.keys()]).flatMap(({ target }) => {
        const kind = SENSITIVE_KINDS.get(target.kind);
        return kind ? [{ id: target.id, kind }] : [];
      }),
  };
}
