import { parseGeometryText } from '@ecogrid/geo';
import type { Point, Target } from './entities';
import type { Placer } from './import-context';
import { representativePoint } from './targets-file';

/** Something placed on the grid by its location: a device or an enterprise. */
interface Placed {
  location?: Point | undefined;
  cellId: string;
  townshipCode: string;
}

/**
 * After the grid changed, a device or enterprise belongs to the cell (and township) under its location, or to
 * none outside the grid. Answers the record as it must now be stored, or undefined when it stays where it is.
 */
export function relocated<T extends Placed>(record: T, place: Placer): T | undefined {
  const placement = record.location ? place(record.location.lon, record.location.lat) : undefined;
  const cellId = placement?.cellId ?? '';
  const townshipCode = placement?.townshipCode ?? '';
  if (cellId === record.cellId && townshipCode === record.townshipCode) return undefined;
  return { ...record, cellId, townshipCode };
}

/**
 * A target follows the township under its representative point when the grid puts that point in another
 * township; where the grid says nothing (outside it, or an unreadable geometry) it keeps the one it has.
 */
export function relocatedTarget(target: Target, place: Placer): Target | undefined {
  const parsed = parseGeometryText(target.geometryGeojson);
  if (!parsed.ok) return undefined;
  const [lon, lat] = representativePoint(parsed.geometry);
  const townshipCode = place(lon, lat)?.townshipCode ?? '';
  if (townshipCode === '' || townshipCode === target.townshipCode) return undefined;
  return { ...target, townshipCode };
}
