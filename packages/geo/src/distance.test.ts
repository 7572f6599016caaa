import { describe, expect, it } from 'vitest';
import { distanceToGeometryM, haversineM } from './distance';
import { polygonAreaM2 } from './area';

describe('distances', () => {
  it('haversine: one degree of latitude is about 111.2 km', () => {
    expect(haversineM(111, 35, 111, 36)).toBeCloseTo(111_195, -1);
  });

  it('point to polygon is zero inside and the distance to the nearest edge outside', () => {
    const square = { type: 'Polygon' as const, coordinates: [[[111, 35], [111.01, 35], [111.01, 35.01], [111, 35.01], [111, 35]]] as Array<Array<[number, number]>> };
    expect(distanceToGeometryM(111.005, 35.005, square)).toBe(0);
    const east = distanceToGeometryM(111.02, 35.005, square);
    expect(east).toBeCloseTo(haversineM(111.01, 35.005, 111.02, 35.005), -1);
  });

  it('point to line and to point agree with haversine within 0.1 % at district scale', () => {
    const line = { type: 'LineString' as const, coordinates: [[110.9, 35.0], [111.1, 35.0]] as Array<[number, number]> };
    const d = distanceToGeometryM(111.0, 35.1, line);
    expect(Math.abs(d - haversineM(111.0, 35.1, 111.0, 35.0)) / d).toBeLessThan(0.001);
  });

  it('a 0.011° × 0.009° cell at 35° N is about 1 km²', () => {
    const area = polygonAreaM2([[[111, 35], [111.011, 35], [111.011, 35.009], [111, 35.009], [111, 35]]]);
    expect(area / 1e6).toBeGreaterThan(0.95);
    expect(area / 1e6).toBeLessThan(1.05);
  });
});
