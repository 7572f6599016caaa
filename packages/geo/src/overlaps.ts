import { pointInPolygon, ringsBBox } from './point-in-polygon';
import { pointOnSegment, pointStrictlyOnSegment, segmentsCrossProperly } from './segments';
import type { BBox, PolygonCoordinates, Position } from './types';

/** One areal item (a cell) as a list of polygons. */
export type ArealItem = PolygonCoordinates[];

export interface Overlap {
  /** Indexes into the input list, a < b. */
  a: number;
  b: number;
  /** A point in both interiors (or on a crossing), to show where. */
  at: Position;
}

function onBoundary(polygon: PolygonCoordinates, x: number, y: number): boolean {
  for (const ring of polygon) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i] as Position;
      const [bx, by] = ring[i + 1] as Position;
      if (pointOnSegment(ax, ay, bx, by, x, y)) return true;
    }
  }
  return false;
}

function strictlyInside(polygon: PolygonCoordinates, x: number, y: number): boolean {
  return pointInPolygon(x, y, polygon) && !onBoundary(polygon, x, y);
}

/** A point strictly inside the polygon: the middle of the widest interior interval on a scan line near mid-height. */
export function interiorPoint(polygon: PolygonCoordinates): Position | undefined {
  const ys = [...new Set(polygon.flatMap((ring) => ring.map((position) => position[1])))].sort((p, q) => p - q);
  const mid = ((ys[0] as number) + (ys[ys.length - 1] as number)) / 2;
  // Scan between two consecutive vertex heights so the line never passes through a vertex.
  let best: Position | undefined;
  let bestWidth = 0;
  const candidates: number[] = [];
  for (let i = 0; i + 1 < ys.length; i++) candidates.push(((ys[i] as number) + (ys[i + 1] as number)) / 2);
  candidates.sort((p, q) => Math.abs(p - mid) - Math.abs(q - mid));
  for (const y of candidates.slice(0, 4)) {
    const xs: number[] = [];
    for (const ring of polygon) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [ax, ay] = ring[i] as Position;
        const [bx, by] = ring[i + 1] as Position;
        if (ay > y !== by > y) xs.push(ax + ((y - ay) * (bx - ax)) / (by - ay));
      }
    }
    xs.sort((p, q) => p - q);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const width = (xs[i + 1] as number) - (xs[i] as number);
      if (width > bestWidth) {
        bestWidth = width;
        best = [((xs[i] as number) + (xs[i + 1] as number)) / 2, y];
      }
    }
  }
  return best;
}

/** A point where the interior of `a`'s boundary walks into `b`'s interior: `a`'s edges split at `b`'s vertices. */
function boundaryEntersInterior(a: PolygonCoordinates, b: PolygonCoordinates): Position | undefined {
  const bVertices = b.flatMap((ring) => ring);
  for (const ring of a) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i] as Position;
      const [bx, by] = ring[i + 1] as Position;
      if (strictlyInside(b, ax, ay)) return [ax, ay];
      const cuts = [0, 1];
      for (const [px, py] of bVertices) {
        if (pointStrictlyOnSegment(ax, ay, bx, by, px, py)) {
          cuts.push(Math.abs(bx - ax) > Math.abs(by - ay) ? (px - ax) / (bx - ax) : (py - ay) / (by - ay));
        }
      }
      cuts.sort((p, q) => p - q);
      for (let k = 0; k + 1 < cuts.length; k++) {
        const t = ((cuts[k] as number) + (cuts[k + 1] as number)) / 2;
        const x = ax + t * (bx - ax);
        const y = ay + t * (by - ay);
        if (strictlyInside(b, x, y)) return [x, y];
      }
    }
  }
  return undefined;
}

function properCrossing(a: PolygonCoordinates, b: PolygonCoordinates): Position | undefined {
  for (const ringA of a) {
    for (let i = 0; i + 1 < ringA.length; i++) {
      const [ax, ay] = ringA[i] as Position;
      const [bx, by] = ringA[i + 1] as Position;
      for (const ringB of b) {
        for (let j = 0; j + 1 < ringB.length; j++) {
          const [cx, cy] = ringB[j] as Position;
          const [dx, dy] = ringB[j + 1] as Position;
          if (segmentsCrossProperly(ax, ay, bx, by, cx, cy, dx, dy)) return [(ax + bx) / 2, (ay + by) / 2];
        }
      }
    }
  }
  return undefined;
}

/**
 * Whether two valid polygons share interior (a positive-area overlap). Shared edges and touching corners,
 * as between neighbouring grid cells, are not overlaps. Exact for valid polygons: interiors meet iff edges
 * cross properly, or one boundary walks into the other's interior, or (no boundary inside the other) the
 * polygons coincide, which an interior point detects.
 */
export function polygonsOverlap(a: PolygonCoordinates, b: PolygonCoordinates): Position | undefined {
  const crossing = properCrossing(a, b);
  if (crossing) return crossing;
  const aInB = boundaryEntersInterior(a, b);
  if (aInB) return aInB;
  const bInA = boundaryEntersInterior(b, a);
  if (bInA) return bInA;
  const inner = interiorPoint(a);
  if (inner && strictlyInside(b, inner[0], inner[1])) return inner;
  return undefined;
}

function overlapBoxes(p: BBox, q: BBox): boolean {
  return p[0] <= q[2] && q[0] <= p[2] && p[1] <= q[3] && q[1] <= p[3];
}

/** Every pair of items whose interiors overlap, found by a sweep over bounding boxes. */
export function findOverlaps(items: ArealItem[]): Overlap[] {
  const boxes = items.map((polygons) => {
    const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const polygon of polygons) ringsBBox(polygon, box);
    return box;
  });
  const order = items.map((_, index) => index).sort((p, q) => (boxes[p] as BBox)[0] - (boxes[q] as BBox)[0]);
  const overlaps: Overlap[] = [];
  for (let i = 0; i < order.length; i++) {
    const a = order[i] as number;
    const boxA = boxes[a] as BBox;
    for (let j = i + 1; j < order.length; j++) {
      const b = order[j] as number;
      const boxB = boxes[b] as BBox;
      if (boxB[0] > boxA[2]) break;
      if (!overlapBoxes(boxA, boxB)) continue;
      let at: Position | undefined;
      for (const polygonA of items[a] as ArealItem) {
        for (const polygonB of items[b] as ArealItem) {
          at = polygonsOverlap(polygonA, polygonB);
          if (at) break;
        }
        if (at) break;
      }
      if (at) overlaps.push({ a: Math.min(a, b), b: Math.max(a, b), at });
    }
  }
  return overlaps.sort((p, q) => p.a - q.a || p.b - q.b);
}
