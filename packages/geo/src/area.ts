import type { Areal, PolygonCoordinates, Ring } from './types';
import { polygonsOf } from './point-in-polygon';

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Shoelace area in square degrees; positive when counter-clockwise. */
export function signedRingArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    sum += (xj - xi) * (yj + yi);
  }
  return -sum / 2;
}

/** Area in m² of a ring, by a local equal-area-enough projection at its latitude (fine for cells and towns). */
export function ringAreaM2(ring: Ring): number {
  let latSum = 0;
  for (const position of ring) latSum += position[1];
  const lat0 = ring.length === 0 ? 0 : latSum / ring.length;
  const scale = EARTH_RADIUS_M * RAD;
  return Math.abs(signedRingArea(ring)) * scale * scale * Math.cos(lat0 * RAD);
}

export function polygonAreaM2(polygon: PolygonCoordinates): number {
  let area = 0;
  polygon.forEach((ring, index) => {
    area += index === 0 ? ringAreaM2(ring) : -ringAreaM2(ring);
  });
  return area;
}

export function arealAreaM2(geometry: Areal): number {
  return polygonsOf(geometry).reduce((sum, polygon) => sum + polygonAreaM2(polygon), 0);
}
