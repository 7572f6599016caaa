import { describe, expect, it } from 'vitest';
import { findOverlaps, polygonsOverlap } from './overlaps';
import { traceCoverage } from './coverage';
import type { PolygonCoordinates } from './types';

const rect = (x0: number, y0: number, x1: number, y1: number): PolygonCoordinates => [
  [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]],
];

describe('polygonsOverlap', () => {
  it('does not call shared edges or touching corners an overlap', () => {
    expect(polygonsOverlap(rect(0, 0, 1, 1), rect(1, 0, 2, 1))).toBeUndefined();
    expect(polygonsOverlap(rect(0, 0, 1, 1), rect(1, 1, 2, 2))).toBeUndefined();
    // T-junction: the right neighbour is taller, its corner lies on our edge.
    expect(polygonsOverlap(rect(0, 0, 1, 1), rect(1, -0.5, 2, 0.5))).toBeUndefined();
  });

  it('finds crossings, containment and identical polygons', () => {
    expect(polygonsOverlap(rect(0, 0, 1, 1), rect(0.5, 0.5, 2, 2))).toBeDefined();
    expect(polygonsOverlap(rect(0, 0, 4, 4), rect(1, 1, 2, 2))).toBeDefined();
    expect(polygonsOverlap(rect(0, 0, 1, 1), rect(0, 0, 1, 1))).toBeDefined();
    // Shares three edges with the larger one: no crossing, no vertex strictly inside, still an overlap.
    expect(polygonsOverlap(rect(0, 0, 2, 1), rect(0, 0, 1, 1))).toBeDefined();
  });

  it('does not see an overlap with a polygon sitting in a hole', () => {
    const withHole: PolygonCoordinates = [...rect(0, 0, 3, 3), [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]];
    expect(polygonsOverlap(withHole, rect(1, 1, 2, 2))).toBeUndefined();
  });
});

describe('findOverlaps', () => {
  it('lists every overlapping pair once, by input index', () => {
    const items = [[rect(0, 0, 1, 1)], [rect(1, 0, 2, 1)], [rect(1.5, 0.5, 2.5, 1.5)], [rect(5, 5, 6, 6)], [rect(0, 0, 1, 1)]];
    expect(findOverlaps(items).map(({ a, b }) => [a, b])).toEqual([
      [0, 4],
      [1, 2],
    ]);
  });
});

describe('traceCoverage', () => {
  const grid = (nx: number, ny: number, skip: Set<string> = new Set()) => {
    const items: PolygonCoordinates[][] = [];
    for (let x = 0; x < nx; x++) for (let y = 0; y < ny; y++) if (!skip.has(`${x},${y}`)) items.push([rect(x * 0.01, y * 0.01, (x + 1) * 0.01, (y + 1) * 0.01)]);
    return items;
  };

  it('traces one outline and no gap for a full grid', () => {
    const coverage = traceCoverage(grid(4, 3));
    expect(coverage.gaps).toEqual([]);
    expect(coverage.outlines).toHaveLength(1);
    expect(coverage.outlines[0]).toHaveLength(4 * 2 + 3 * 2 + 1);
  });

  it('reports a missing inner cell as a gap bordered by its four neighbours', () => {
    const items = grid(3, 3, new Set(['1,1']));
    const { gaps, outlines } = traceCoverage(items);
    expect(outlines).toHaveLength(1);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]?.areaM2).toBeGreaterThan(1_000_000 * 0.9); // 0.01° × 0.01° near the equator ≈ 1.2 km²
    expect(gaps[0]?.neighbours).toHaveLength(4);
  });

  it('does not call a notch in the outline a gap', () => {
    expect(traceCoverage(grid(3, 3, new Set(['1,2']))).gaps).toEqual([]);
  });

  it('cancels edges across T-junctions between cells of different sizes', () => {
    const items = [[rect(0, 0, 2, 2)], [rect(2, 0, 3, 1)], [rect(2, 1, 3, 2)]];
    const { gaps, outlines } = traceCoverage(items);
    expect(gaps).toEqual([]);
    expect(outlines).toHaveLength(1);
  });
});

describe('floating-point neighbours', () => {
  it('treats edges that differ in the last bits as shared, not overlapping', () => {
    const at = (i: number): number => 111 + i * 0.01;
    const left = rect(at(0), 35, at(0) + 0.01, 35.01); // right edge 111.01 computed as 111 + 0.01
    const right = rect(at(1), 35, at(1) + 0.01, 35.01);
    const next = rect(at(1) + 0.01, 35, at(3), 35.01); // 111.02000000000001 vs 111.02
    expect(polygonsOverlap(left, right)).toBeUndefined();
    expect(polygonsOverlap(right, next)).toBeUndefined();
    expect(findOverlaps([[left], [right], [next]])).toEqual([]);
  });
});
