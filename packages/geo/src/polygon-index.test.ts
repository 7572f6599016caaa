import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createBruteForceLocator, createPolygonIndex } from './polygon-index';
import { pointInPolygon } from './point-in-polygon';
import type { PolygonCoordinates } from './types';

const rect = (x0: number, y0: number, x1: number, y1: number): PolygonCoordinates => [
  [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]],
];

/** A jittered grid: shared vertices moved at random, so cells are irregular quadrilaterals that still tile. */
function jitteredGrid(nx: number, ny: number, seed: number): PolygonCoordinates[][] {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const vertex: Array<Array<[number, number]>> = [];
  for (let i = 0; i <= nx; i++) {
    vertex.push([]);
    for (let j = 0; j <= ny; j++) {
      const border = i === 0 || j === 0 || i === nx || j === ny;
      const jx = border ? 0 : (random() - 0.5) * 0.004;
      const jy = border ? 0 : (random() - 0.5) * 0.004;
      (vertex[i] as Array<[number, number]>).push([110.8 + i * 0.011 + jx, 34.85 + j * 0.009 + jy]);
    }
  }
  const items: PolygonCoordinates[][] = [];
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const a = vertex[i]?.[j] as [number, number];
      const b = vertex[i + 1]?.[j] as [number, number];
      const c = vertex[i + 1]?.[j + 1] as [number, number];
      const d = vertex[i]?.[j + 1] as [number, number];
      items.push([[[a, b, c, d, a]]]);
    }
  }
  return items;
}

describe('createPolygonIndex', () => {
  it('answers the same as the brute-force scan for any point, on an irregular grid', () => {
    const items = jitteredGrid(20, 15, 7);
    const index = createPolygonIndex(items);
    const brute = createBruteForceLocator(items);
    fc.assert(
      fc.property(fc.double({ min: 110.78, max: 111.04, noNaN: true }), fc.double({ min: 34.83, max: 35.0, noNaN: true }), (lon, lat) => {
        expect(index.locate(lon, lat)).toBe(brute.locate(lon, lat));
      }),
      { numRuns: 20_000 },
    );
    expect(index.fullBucketShare).toBeGreaterThan(0.3);
  });

  it('puts a point on a shared edge in exactly one cell, the same one as the brute-force scan', () => {
    const items = [[rect(0, 0, 1, 1)], [rect(1, 0, 2, 1)], [rect(0, 1, 1, 2)], [rect(1, 1, 2, 2)]];
    const index = createPolygonIndex(items);
    const brute = createBruteForceLocator(items);
    for (const [x, y] of [[1, 0.5], [0.5, 1], [1, 1], [0, 0], [1.999, 1.999]] as Array<[number, number]>) {
      expect(index.locate(x, y)).toBe(brute.locate(x, y));
      expect(index.locate(x, y)).toBeGreaterThanOrEqual(0);
    }
  });

  it('answers -1 outside every polygon, in a hole and for NaN', () => {
    const withHole: PolygonCoordinates = [...rect(0, 0, 3, 3), [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]];
    const index = createPolygonIndex([[withHole], [rect(10, 10, 11, 11)]]);
    expect(index.locate(1.5, 1.5)).toBe(-1);
    expect(index.locate(0.5, 0.5)).toBe(0);
    expect(index.locate(10.5, 10.5)).toBe(1);
    expect(index.locate(5, 5)).toBe(-1);
    expect(index.locate(-1, 0.5)).toBe(-1);
    expect(index.locate(Number.NaN, 0.5)).toBe(-1);
    expect(pointInPolygon(1.5, 1.5, withHole)).toBe(false);
  });

  it('handles multipolygons and an empty set', () => {
    const index = createPolygonIndex([[rect(0, 0, 1, 1), rect(5, 5, 6, 6)]]);
    expect(index.locate(5.5, 5.5)).toBe(0);
    expect(createPolygonIndex([]).locate(0, 0)).toBe(-1);
  });
});
