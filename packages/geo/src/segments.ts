/** Orientation of c relative to the directed line a→b: >0 left, <0 right, 0 collinear (within eps). */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** Tolerance for "on the line", in squared-degree units of the cross product (≈ 1e-7 m at these scales). */
export const COLLINEAR_EPS = 1e-18;

function sign(value: number): number {
  return value > COLLINEAR_EPS ? 1 : value < -COLLINEAR_EPS ? -1 : 0;
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** Segments a–b and c–d cross at a single point interior to both (not merely touching or overlapping). */
export function segmentsCrossProperly(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = sign(orient(cx, cy, dx, dy, ax, ay));
  const d2 = sign(orient(cx, cy, dx, dy, bx, by));
  const d3 = sign(orient(ax, ay, bx, by, cx, cy));
  const d4 = sign(orient(ax, ay, bx, by, dx, dy));
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** Segments share at least one point (crossing, touching or overlapping). */
export function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = sign(orient(cx, cy, dx, dy, ax, ay));
  const d2 = sign(orient(cx, cy, dx, dy, bx, by));
  const d3 = sign(orient(ax, ay, bx, by, cx, cy));
  const d4 = sign(orient(ax, ay, bx, by, dx, dy));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  if (d1 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true;
  if (d2 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return true;
  if (d3 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true;
  if (d4 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true;
  return false;
}

/** p lies on segment a–b strictly between its ends. */
export function pointStrictlyOnSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if (sign(orient(ax, ay, bx, by, px, py)) !== 0) return false;
  if ((px === ax && py === ay) || (px === bx && py === by)) return false;
  return onSegment(ax, ay, bx, by, px, py);
}

/** p lies on segment a–b, ends included. */
export function pointOnSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return sign(orient(ax, ay, bx, by, px, py)) === 0 && onSegment(ax, ay, bx, by, px, py);
}
