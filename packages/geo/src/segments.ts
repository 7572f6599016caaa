/** Orientation of c relative to the directed line a→b: >0 left, <0 right, 0 collinear (within eps). */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/**
 * Distance from a line, in degrees, under which a point counts as on it: 1e-9° ≈ 0.1 mm. Neighbouring cells
 * computed as `x0 + i × size` disagree in the last bits (111.02 vs 111.02000000000001); they must still share
 * their edge rather than overlap by 1e-14°.
 */
export const ON_LINE_DEGREES = 1e-9;

/** Which side of the line a→b the point p is on: 1 left, -1 right, 0 on it (within ON_LINE_DEGREES). */
function side(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const cross = orient(ax, ay, bx, by, px, py);
  const tolerance = ON_LINE_DEGREES * Math.hypot(bx - ax, by - ay);
  return cross > tolerance ? 1 : cross < -tolerance ? -1 : 0;
}

function within(value: number, a: number, b: number): boolean {
  return Math.min(a, b) - ON_LINE_DEGREES <= value && value <= Math.max(a, b) + ON_LINE_DEGREES;
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return within(px, ax, bx) && within(py, ay, by);
}

function same(ax: number, ay: number, px: number, py: number): boolean {
  return Math.abs(ax - px) <= ON_LINE_DEGREES && Math.abs(ay - py) <= ON_LINE_DEGREES;
}

/** Segments a–b and c–d cross at a single point interior to both (not merely touching or overlapping). */
export function segmentsCrossProperly(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = side(cx, cy, dx, dy, ax, ay);
  const d2 = side(cx, cy, dx, dy, bx, by);
  const d3 = side(ax, ay, bx, by, cx, cy);
  const d4 = side(ax, ay, bx, by, dx, dy);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** Segments share at least one point (crossing, touching or overlapping). */
export function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = side(cx, cy, dx, dy, ax, ay);
  const d2 = side(cx, cy, dx, dy, bx, by);
  const d3 = side(ax, ay, bx, by, cx, cy);
  const d4 = side(ax, ay, bx, by, dx, dy);
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  if (d1 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true;
  if (d2 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return true;
  if (d3 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true;
  if (d4 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true;
  return false;
}

/** p lies on segment a–b strictly between its ends. */
export function pointStrictlyOnSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if (side(ax, ay, bx, by, px, py) !== 0) return false;
  if (same(ax, ay, px, py) || same(bx, by, px, py)) return false;
  return onSegment(ax, ay, bx, by, px, py);
}

/** p lies on segment a–b, ends included. */
export function pointOnSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return side(ax, ay, bx, by, px, py) === 0 && onSegment(ax, ay, bx, by, px, py);
}
