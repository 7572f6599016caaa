import { createPolygonIndex, pointInAreal, distanceToGeometryM, type Areal, type PolygonCoordinates } from '@ecogrid/geo';
import type { ImportProblem } from './import-problem';

/** A current cell as the checks see it. */
export interface CellShape {
  id: string;
  townshipCode: string;
  polygons: PolygonCoordinates[];
}

/** What is stored already, as far as checking a file needs it. */
export interface ImportContext {
  /** The district boundary; without it, nothing can be said to be outside the district. */
  district?: Areal;
  townships: ReadonlySet<string>;
  /** Current cells (after the file's cells, when checking anything but cells). */
  cells: readonly CellShape[];
  /** Stored enterprises and their outlet ids. */
  enterprises: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Tolerance for "on the district boundary": a centimetre. */
const ON_BOUNDARY_M = 0.01;

export function insideDistrict(context: ImportContext, lon: number, lat: number): boolean {
  if (!context.district) return true;
  return pointInAreal(lon, lat, context.district) || distanceToGeometryM(lon, lat, context.district) <= ON_BOUNDARY_M;
}

/** The "district not loaded" warning, said once per file. */
export function districtWarning(context: ImportContext): ImportProblem[] {
  return context.district
    ? []
    : [{ line: 0, field: '', code: 'no_district', message: 'no district boundary is loaded: coordinates were not checked against it', warning: true }];
}

export interface Placement {
  cellId: string;
  townshipCode: string;
}

/** Where a point lies on the grid: its cell and township, or undefined outside every cell. */
export type Placer = (lon: number, lat: number) => Placement | undefined;

/** Finds the cell (and so the township) of a location, with the same index RegistryView uses. */
export function createPlacer(cells: readonly CellShape[]): Placer {
  const index = createPolygonIndex(cells.map((cell) => cell.polygons));
  return (lon, lat) => {
    const found = index.locate(lon, lat);
    const cell = found < 0 ? undefined : cells[found];
    return cell ? { cellId: cell.id, townshipCode: cell.townshipCode } : undefined;
  };
}
