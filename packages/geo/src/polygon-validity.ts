import { signedRingArea } from './area';
import { pointInRing } from './point-in-polygon';
import { orient, pointOnSegment, segmentsCrossProperly, segmentsIntersect } from './segments';
import type { Areal, GeometryProblem, PolygonCoordinates, Position, Ring } from './types';

/** Positions of a ring without consecutive duplicates (the closing position kept). */
function dedupe(ring: Ring): Ring {
  const out: Ring = [];
  for (const position of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== position[0] || last[1] !== position[1]) out.push(position);
  }
  return out;
}

function fmt(position: Position): string {
  return `[${position[0]}, ${position[1]}]`;
}

function ringSelfIntersection(ring: Ring): GeometryProblem | undefined {
  const n = ring.length - 1; // edges
  // Each edge's bounding box first: cheap rejection keeps this fast enough for township-sized rings.
  for (let i = 0; i < n; i++) {
    const [ax, ay] = ring[i] as Position;
    const [bx, by] = ring[i + 1] as Position;
    const minX = Math.min(ax, bx);
    const maxX = Math.max(ax, bx);
    const minY = Math.min(ay, by);
    const maxY = Math.max(ay, by);
    // A spike: the ring goes straight back along the edge it came on.
    const [px, py] = ring[(i + 2) % n] as Position;
    if (n > 2 && orient(ax, ay, bx, by, px, py) === 0 && ((px - bx) * (ax - bx) + (py - by) * (ay - by) > 0)) {
      return { code: 'self_intersection', message: `the ring folds back on itself at ${fmt([bx, by])}`, at: [bx, by] };
    }
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // first and last edges share the closing vertex
      const [cx, cy] = ring[j] as Position;
      const [dx, dy] = ring[j + 1] as Position;
      if (Math.max(cx, dx) < minX || Math.min(cx, dx) > maxX || Math.max(cy, dy) < minY || Math.min(cy, dy) > maxY) continue;
      if (segmentsIntersect(ax, ay, bx, by, cx, cy, dx, dy)) {
        const at = intersectionPoint(ax, ay, bx, by, cx, cy, dx, dy);
        return { code: 'self_intersection', message: `the ring intersects itself near ${fmt(at)} (edges ${i + 1} and ${j + 1})`, at };
      }
    }
  }
  return undefined;
}

function intersectionPoint(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): Position {
  const denominator = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx);
  if (denominator === 0) {
    // Collinear overlap: report the first end of one segment that lies on the other.
    for (const [px, py] of [[cx, cy], [dx, dy], [ax, ay], [bx, by]] as Position[]) {
      if (pointOnSegment(ax, ay, bx, by, px, py) && pointOnSegment(cx, cy, dx, dy, px, py)) return [px, py];
    }
    return [ax, ay];
  }
  const t = ((cx - ax) * (dy - cy) - (cy - ay) * (dx - cx)) / denominator;
  return [ax + t * (bx - ax), ay + t * (by - ay)];
}

function ringsCross(a: Ring, b: Ring): Position | undefined {
  for (let i = 0; i + 1 < a.length; i++) {
    const [ax, ay] = a[i] as Position;
    const [bx, by] = a[i + 1] as Position;
    for (let j = 0; j + 1 < b.length; j++) {
      const [cx, cy] = b[j] as Position;
      const [dx, dy] = b[j + 1] as Position;
      if (segmentsCrossProperly(ax, ay, bx, by, cx, cy, dx, dy)) return intersectionPoint(ax, ay, bx, by, cx, cy, dx, dy);
    }
  }
  return undefined;
}

/**
 * Checks a polygon the way PostGIS' ST_IsValid would for the cases that matter on import: rings closed and
 * long enough, non-zero area, no self-intersection (crossing, touching or folding back), holes inside the
 * shell and not crossing it or each other. Returns every problem found, empty when valid.
 */
export function validatePolygon(polygon: PolygonCoordinates): GeometryProblem[] {
  const problems: GeometryProblem[] = [];
  if (polygon.length === 0) return [{ code: 'ring_too_short', message: 'the polygon has no rings' }];
  const rings: Ring[] = [];
  polygon.forEach((raw, index) => {
    const name = index === 0 ? 'the shell' : `hole ${index}`;
    const first = raw[0];
    const last = raw[raw.length - 1];
    if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) {
      problems.push({ code: 'ring_not_closed', message: `${name} is not closed (its first and last positions differ)` });
      return;
    }
    const ring = dedupe(raw);
    if (ring.length < 4) {
      problems.push({ code: 'ring_too_short', message: `${name} has fewer than 3 distinct positions` });
      return;
    }
    const self = ringSelfIntersection(ring);
    if (self) {
      problems.push({ ...self, message: `${name}: ${self.message}` });
      return;
    }
    if (signedRingArea(ring) === 0) {
      problems.push({ code: 'zero_area', message: `${name} encloses no area`, at: ring[0] as Position });
      return;
    }
    rings.push(ring);
  });
  if (problems.length > 0) return problems;
  const [shell, ...holes] = rings as [Ring, ...Ring[]];
  holes.forEach((hole, index) => {
    const crossing = ringsCross(shell, hole);
    if (crossing) {
      problems.push({ code: 'rings_cross', message: `hole ${index + 1} crosses the shell near ${fmt(crossing)}`, at: crossing });
      return;
    }
    const inside = hole.some(([x, y]) => pointInRing(x, y, shell) && !onRing(shell, x, y));
    if (!inside) problems.push({ code: 'hole_outside_shell', message: `hole ${index + 1} is not inside the shell`, at: hole[0] as Position });
  });
  for (let i = 0; i < holes.length; i++) {
    for (let j = i + 1; j < holes.length; j++) {
      const crossing = ringsCross(holes[i] as Ring, holes[j] as Ring);
      if (crossing) problems.push({ code: 'rings_cross', message: `holes ${i + 1} and ${j + 1} cross near ${fmt(crossing)}`, at: crossing });
    }
  }
  return problems;
}

function onRing(ring: Ring, x: number, y: number): boolean {
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax, ay] = ring[i] as Position;
    const [bx, by] = ring[i + 1] as Position;
    if (pointOnSegment(ax, ay, bx, by, x, y)) return true;
  }
  return false;
}

export function validateAreal(geometry: Areal): GeometryProblem[] {
  if (geometry.type === 'Polygon') return validatePolygon(geometry.coordinates);
  return geometry.coordinates.flatMap((polygon, index) =>
    validatePolygon(polygon).map((problem) => ({ ...problem, message: `polygon ${index + 1}: ${problem.message}` })),
  );
}
