import { pointInPolygon } from './point-in-polygon';
import type { Geometry, PolygonCoordinates, Position } from './types';

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle distance in metres. */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Metres per degree of longitude and latitude at a latitude (local equirectangular projection). */
export function metresPerDegree(lat: number): { x: number; y: number } {
  const y = EARTH_RADIUS_M * RAD;
  return { x: y * Math.cos(lat * RAD), y };
}

function segmentDistanceSquared(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / lengthSquared;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

function pathDistanceSquared(lon: number, lat: number, path: Position[], kx: number, ky: number): number {
  let best = Infinity;
  if (path.length === 1) {
    const [x, y] = path[0] as Position;
    return ((x - lon) * kx) ** 2 + ((y - lat) * ky) ** 2;
  }
  for (let i = 0; i + 1 < path.length; i++) {
    const [ax, ay] = path[i] as Position;
    const [bx, by] = path[i + 1] as Position;
    const d = segmentDistanceSquared(0, 0, (ax - lon) * kx, (ay - lat) * ky, (bx - lon) * kx, (by - lat) * ky);
    if (d < best) best = d;
  }
  return best;
}

function polygonDistanceSquared(lon: number, lat: number, polygon: PolygonCoordinates, kx: number, ky: number): number {
  if (pointInPolygon(lon, lat, polygon)) return 0;
  let best = Infinity;
  for (const ring of polygon) best = Math.min(best, pathDistanceSquared(lon, lat, ring, kx, ky));
  return best;
}

/**
 * Distance in metres from a point to a geometry (0 inside a polygon), in a local projection centred on the
 * point: within 0.1 % of the geodesic distance over the tens of kilometres a district spans.
 */
export function distanceToGeometryM(lon: number, lat: number, geometry: Geometry): number {
  const { x: kx, y: ky } = metresPerDegree(lat);
  let squared: number;
  switch (geometry.type) {
    case 'Point':
      return haversineM(lon, lat, geometry.coordinates[0], geometry.coordinates[1]);
    case 'MultiPoint':
      squared = Math.min(...geometry.coordinates.map((position) => pathDistanceSquared(lon, lat, [position], kx, ky)));
      break;
    case 'LineString':
      squared = pathDistanceSquared(lon, lat, geometry.coordinates, kx, ky);
      break;
    case 'Polygon':
      squared = polygonDistanceSquared(lon, lat, geometry.coordinates, kx, ky);
      break;
    case 'MultiPolygon':
      squared = Math.min(...geometry.coordinates.map((polygon) => polygonDistanceSquared(lon, lat, polygon, kx, ky)));
      break;
  }
  return Math.sqrt(squared);
}
