import { cellCentre, townshipBoundaries, type MapLayers } from '../domain/grid-map';
import type { CaseSummary } from '../domain/case-view';
import type { StaffUser } from '../domain/staff-user';
import type { CaseService, CellDuty, GridRegistry } from './ports';

const OPEN_STATUSES = ['registered', 'dispatched', 'accepted', 'on_site', 'handled', 'verified', 'returned', 'suspended'] as const;

/**
 * The map's layers: every cell, the township outlines drawn from them, devices and targets. The grid changes
 * rarely and every staff role may read all of it, so one copy serves every user for `ttlMs`; it is read with the
 * token of the user who asked first.
 */
export function createReadMapLayers(deps: { registry: GridRegistry; ttlMs: number; now?: () => number }) {
  const now = deps.now ?? Date.now;
  let cached: { layers: Promise<MapLayers>; at: number } | undefined;
  const load = async (user: StaffUser): Promise<MapLayers> => {
    const [cells, names, devices, targets] = await Promise.all([deps.registry.cells(user), deps.registry.townshipNames(user), deps.registry.devices(user), deps.registry.targets(user)]);
    return { cells, townships: townshipBoundaries(cells, names), devices, targets };
  };
  const readMapLayers = (user: StaffUser): Promise<MapLayers> => {
    if (!cached || now() - cached.at > deps.ttlMs) {
      const layers = load(user);
      cached = { layers, at: now() };
      // A failed read is not kept: the next request tries again.
      layers.catch(() => (cached = undefined));
    }
    return cached.layers;
  };
  return readMapLayers;
}

export interface CellPanel {
  duty: CellDuty;
  openCases: CaseSummary[];
}

/** A clicked cell: who is on duty there now and its open cases the user may see (dispatch filters by role). */
export function createReadCell(deps: { readMapLayers: ReturnType<typeof createReadMapLayers>; registry: GridRegistry; cases: CaseService }) {
  return async function readCell(user: StaffUser, cellId: string): Promise<CellPanel | undefined> {
    const cell = (await deps.readMapLayers(user)).cells.find((candidate) => candidate.id === cellId);
    const centre = cell ? cellCentre(cell) : undefined;
    if (!centre) return undefined;
    const [duty, openCases] = await Promise.all([deps.registry.locate(user, centre[0], centre[1]), deps.cases.list(user, { cellId, statuses: [...OPEN_STATUSES] })]);
    return { duty, openCases };
  };
}
