/** The grid as the map draws it: plain GeoJSON-like shapes, WGS 84 longitude/latitude. */
export type Position = [number, number];

export interface CellShape {
  id: string;
  name: string;
  townshipCode: string;
  /** Outer rings of the cell's polygon(s). */
  rings: Position[][];
}

export interface TownshipBoundary {
  code: string;
  name: string;
  /** The unit's outline as line segments: every cell edge that no other cell of the same unit shares. */
  segments: Array<[Position, Position]>;
}

/** Cell edges meet exactly in the registry's grid, but not always in the same direction or float spelling. */
const pointKey = ([lon, lat]: Position): string => `${lon.toFixed(6)},${lat.toFixed(6)}`;
const edgeKey = (a: Position, b: Position): string => [pointKey(a), pointKey(b)].sort().join('|');

/**
 * Township boundaries from the cells alone (the registry keeps no township geometry): an edge belongs to a unit's
 * outline when exactly one of its cells has it. Cells that only touch at corners or overlap partly would need a
 * polygon union; the registry's grid shares whole edges.
 */
export function townshipBoundaries(cells: CellShape[], names: ReadonlyMap<string, string>): TownshipBoundary[] {
  const edges = new Map<string, Map<string, { count: number; segment: [Position, Position] }>>();
  for (const cell of cells) {
    const own = edges.get(cell.townshipCode) ?? new Map<string, { count: number; segment: [Position, Position] }>();
    edges.set(cell.townshipCode, own);
    for (const ring of cell.rings) {
      for (let index = 0; index + 1 < ring.length; index += 1) {
        const a = ring[index] as Position;
        const b = ring[index + 1] as Position;
        if (pointKey(a) === pointKey(b)) continue;
        const key = edgeKey(a, b);
        const seen = own.get(key);
        if (seen) seen.count += 1;
        else own.set(key, { count: 1, segment: [a, b] });
      }
    }
  }
  return [...edges.entries()]
    .map(([code, own]) => ({
      code,
      name: names.get(code) ?? code,
      segments: [...own.values()].filter((edge) => edge.count === 1).map((edge) => edge.segment),
    }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

/** The centre of a cell's bounding box: inside every convex cell, enough to ask the registry who is on duty there. */
export function cellCentre(cell: CellShape): Position | undefined {
  const points = cell.rings.flat();
  if (points.length === 0) return undefined;
  const lons = points.map(([lon]) => lon);
  const lats = points.map(([, lat]) => lat);
  return [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
}

/** A GeoJSON geometry as the registry stores it; the map draws it as it is. */
export interface GeoJsonGeometry {
  type: string;
  coordinates: unknown;
}

export interface DeviceMarker {
  mn: string;
  name: string;
  kind: string;
  lon: number;
  lat: number;
  cellId: string;
  townshipCode: string;
  enterpriseUscc: string;
}

export interface TargetShape {
  id: string;
  name: string;
  kind: string;
  /** `sensitive` (环境风险敏感目标), `risk_source` (风险源) or `emergency_resource`. */
  category: string;
  geometry: GeoJsonGeometry;
}

export interface MapLayers {
  cells: CellShape[];
  townships: TownshipBoundary[];
  devices: DeviceMarker[];
  targets: TargetShape[];
}
