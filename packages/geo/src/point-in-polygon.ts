import type { Areal, BBox, PolygonCoordinates, Ring } from './types';

/**
 * Crossing-number test against one ring. Half-open: a point on a left or bottom edge counts as inside,
 * on a right or top edge as outside, so a point on an edge shared by two cells belongs to exactly one of them.
 */
export function pointInRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even-odd over every ring, so holes are outside. */
export function pointInPolygon(lon: number, lat: number, polygon: PolygonCoordinates): boolean {
  let inside = false;
  for (const ring of polygon) if (pointInRing(lon, lat, ring)) inside = !inside;
  return inside;
}

export function pointInAreal(lon: number, lat: number, geometry: Areal): boolean {
  if (geometry.type === 'Polygon') return pointInPolygon(lon, lat, geometry.coordinates);
  for (const polygon of geometry.coordinates) if (pointInPolygon(lon, lat, polygon)) return true;
  return false;
}

/** Same test over flat `[x0, y0, x1, y1, …]` rings (closed), the layout the index keeps. */
export function pointInFlatRings(lon: number, lat: number, coords: Float64Array, ringEnds: Int32Array, firstRing: number, endRing: number): boolean {
  let inside = false;
  let start = firstRing === 0 ? 0 : (ringEnds[firstRing - 1] as number);
  for (let r = firstRing; r < endRing; r++) {
    const end = ringEnds[r] as number;
    // Positions start..end-1 (in pairs); the ring is closed so the last equals the first.
    for (let i = start, j = end - 2; i < end; j = i, i += 2) {
      const yi = coords[i + 1] as number;
      const yj = coords[j + 1] as number;
      if (yi > lat !== yj > lat) {
        const xi = coords[i] as number;
        const xj = coords[j] as number;
        if (lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    start = end;
  }
  return inside;
}

export function ringsBBox(rings: Ring[], into: BBox = [Infinity, Infinity, -Infinity, -Infinity]): BBox {
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x < into[0]) into[0] = x;
      if (y < into[1]) into[1] = y;
      if (x > into[2]) into[2] = x;
      if (y > into[3]) into[3] = y;
    }
  }
  return into;
}

export function arealBBox(geometry: Areal): BBox {
  if (geometry.type === 'Polygon') return ringsBBox(geometry.coordinates);
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of geometry.coordinates) ringsBBox(polygon, box);
  return box;
}

export function polygonsOf(geometry: Areal): PolygonCoordinates[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}
