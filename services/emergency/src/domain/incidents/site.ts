import type { Geometry } from '@ecogrid/geo';

export type SiteCategory = 'sensitive' | 'risk_source' | 'emergency_resource';

/** A registry target (sensitive target, risk source or emergency resource) in the domain's own terms. */
export interface Site {
  id: string;
  name: string;
  /** The registry's kind in snake case, e.g. "drinking_water_source", "emergency_team". */
  kind: string;
  category: SiteCategory;
  geometry: Geometry;
  attributes: Readonly<Record<string, string>>;
}

/** A monitoring device as the classification needs it. */
export interface Station {
  mn: string;
  name: string;
  /** The registry's device kind in snake case, e.g. "water_station", "micro_air_station". */
  kind: string;
  lon: number;
  lat: number;
  factorCodes: readonly string[];
  cellId: string;
  townshipCode: string;
}

/** Every position of a geometry (for polygons, their outer rings' vertices): the points judged against a zone. */
export function samplePositions(geometry: Geometry): Array<[number, number]> {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'Polygon':
      return geometry.coordinates[0] ?? [];
    case 'MultiPolygon':
      return geometry.coordinates.flatMap((polygon) => polygon[0] ?? []);
  }
}

/** A representative point (the first position, or a polygon's vertex mean). */
export function anchorOf(geometry: Geometry): [number, number] {
  const positions = samplePositions(geometry);
  if (positions.length === 0) return [0, 0];
  let lon = 0;
  let lat = 0;
  for (const [x, y] of positions) {
    lon += x;
    lat += y;
  }
  return [lon / positions.length, lat / positions.length];
}
