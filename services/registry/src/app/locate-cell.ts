import { invalidArgument } from '@ecogrid/domain-errors';
import type { Clock } from '@ecogrid/service-kit';
import type { Cell, Officer, Township } from '../domain/entities';
import type { RegistryRepository } from './ports';

/** Why the officer on duty is the one named. */
export type OnDutySource = 'roster_shift' | 'responsible_officer';

/** Where a point lies on the grid now and who is on duty there. */
export interface GridLocation {
  readonly cell: Cell;
  readonly township: Township;
  readonly onDutyOfficer?: Officer | undefined;
  readonly onDutySource?: OnDutySource | undefined;
}

/**
 * The grid as the registry's own compacted topics show it, in memory. `locate` answers the same object for every
 * lookup that lands in the same cell and shift (a change builds new ones); lookups never mutate what they answer.
 */
export interface GridView {
  /** When the grid last changed (epoch ms): before it, the grid looked different and history must answer. */
  readonly gridChangedAt: number;
  locate(lon: number, lat: number, at: number): GridLocation | undefined;
  township(code: string): Township | undefined;
  onDutyOfficer(cellId: string, at: number): Officer | undefined;
  supervisorOf(townshipCode: string): Officer | undefined;
}

/** Shared between calls that land in the same cell and shift: never mutate one. */
export interface LocatedCell extends GridLocation {
  readonly supervisor?: Officer | undefined;
}

/**
 * Where is this point and who is responsible. Answered in memory from the view (the compacted topics); a
 * time before the grid last changed is answered from the cell history in PostgreSQL, with the roster as the
 * view holds it.
 */
export function createLocateCell(deps: { view: GridView; registry: Pick<RegistryRepository, 'cellAt'>; clock: Clock }) {
  // The view answers with the same object for every lookup in the same cell and shift (a change builds new
  // ones), so the answer with its supervisor is kept beside it: the same point answers the same object, which
  // lets the gRPC adapter reuse its response and that response's encoded bytes instead of building them anew
  // on every call.
  const answers = new WeakMap<GridLocation, LocatedCell>();
  return async function locateCell(lon: number, lat: number, at?: Date): Promise<LocatedCell | undefined> {
    if (!Number.isFinite(lon) || lon < -180 || lon > 180) throw invalidArgument('point.lon', 'lon must be a longitude in degrees');
    if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw invalidArgument('point.lat', 'lat must be a latitude in degrees');
    const time = (at ?? deps.clock.now()).getTime();
    if (time >= deps.view.gridChangedAt) {
      const located = deps.view.locate(lon, lat, time);
      if (!located) return undefined;
      const supervisor = deps.view.supervisorOf(located.township.code);
      const known = answers.get(located);
      if (known && known.supervisor === supervisor) return known;
      const answer: LocatedCell = { ...located, supervisor };
      answers.set(located, answer);
      return answer;
    }
    const cell = await deps.registry.cellAt(lon, lat, new Date(time));
    if (!cell) return undefined;
    const onDutyOfficer = deps.view.onDutyOfficer(cell.id, time);
    return {
      cell,
      township: deps.view.township(cell.townshipCode) ?? { code: cell.townshipCode, name: '', kind: '', supervisorOfficerId: '', districtCode: '' },
      onDutyOfficer,
      onDutySource: onDutyOfficer ? (onDutyOfficer.roster.some((shift) => shift.cellId === cell.id && (shift.startsAt?.getTime() ?? Infinity) <= time && time < (shift.endsAt?.getTime() ?? 0)) ? 'roster_shift' : 'responsible_officer') : undefined,
      supervisor: deps.view.supervisorOf(cell.townshipCode),
    };
  };
}

export type LocateCell = ReturnType<typeof createLocateCell>;
