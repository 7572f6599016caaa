import { ringAreaM2, signedRingArea } from './area';
import { pointStrictlyOnSegment } from './segments';
import type { ArealItem } from './overlaps';
import type { Position, Ring } from './types';

export interface CoverageGap {
  /** The hole's boundary (clockwise), in the input coordinates snapped to 1e-9°. */
  ring: Ring;
  areaM2: number;
  /** A vertex of the hole, to show where. */
  at: Position;
  /** Indexes of the items whose edges bound the hole. */
  neighbours: number[];
}

export interface Coverage {
  /** Outer boundaries of the union of all items (counter-clockwise). */
  outlines: Ring[];
  /** Holes in the union: land inside the covered area that no item covers. */
  gaps: CoverageGap[];
}

const SNAP = 1e9;
const snap = (value: number): number => Math.round(value * SNAP) / SNAP;
const key = (x: number, y: number): string => `${Math.round(x * SNAP)}:${Math.round(y * SNAP)}`;

interface Edge {
  ax: number;
  ay: number;
  bx: number;
  by: number;
  owner: number;
}

function orientedRings(item: ArealItem): Ring[] {
  const rings: Ring[] = [];
  for (const polygon of item) {
    polygon.forEach((raw, index) => {
      const ring = raw.map(([x, y]) => [snap(x), snap(y)] as Position);
      const ccw = signedRingArea(ring) > 0;
      // Shells counter-clockwise, holes clockwise: then an edge two items share appears once in each direction.
      rings.push((index === 0) === ccw ? ring : [...ring].reverse());
    });
  }
  return rings;
}

/**
 * The union of a set of polygons that should tile an area (grid cells), traced from the edges they do not
 * share: every edge shared by two neighbours cancels out, what remains are the union's outlines
 * (counter-clockwise) and its holes (clockwise) — the gaps. Edges are split where another item's vertex lies
 * on them, so T-junctions between cells of different sizes still cancel. Assumes no overlaps (check
 * `findOverlaps` first) and shared vertices that agree to 1e-9°.
 */
export function traceCoverage(items: ArealItem[], options: { minGapAreaM2?: number } = {}): Coverage {
  const minGap = options.minGapAreaM2 ?? 1;
  const edges: Edge[] = [];
  const vertexBuckets = new Map<string, Position[]>();
  let totalLength = 0;
  items.forEach((item, owner) => {
    for (const ring of orientedRings(item)) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [ax, ay] = ring[i] as Position;
        const [bx, by] = ring[i + 1] as Position;
        if (ax === bx && ay === by) continue;
        edges.push({ ax, ay, bx, by, owner });
        totalLength += Math.hypot(bx - ax, by - ay);
      }
    }
  });
  const bucketSize = edges.length === 0 ? 1 : Math.max(1e-6, (totalLength / edges.length) * 2);
  const bucketOf = (x: number, y: number): string => `${Math.floor(x / bucketSize)}:${Math.floor(y / bucketSize)}`;
  const seen = new Set<string>();
  for (const edge of edges) {
    for (const [x, y] of [[edge.ax, edge.ay], [edge.bx, edge.by]] as Position[]) {
      const id = key(x, y);
      if (seen.has(id)) continue;
      seen.add(id);
      const bucket = bucketOf(x, y);
      const list = vertexBuckets.get(bucket);
      if (list) list.push([x, y]);
      else vertexBuckets.set(bucket, [[x, y]]);
    }
  }

  // Split edges at vertices lying on them, then cancel each directed piece against its reverse.
  const pieces = new Map<string, { from: Position; to: Position; owners: number[]; count: number }>();
  const add = (from: Position, to: Position, owner: number): void => {
    const forward = `${key(from[0], from[1])}>${key(to[0], to[1])}`;
    const backward = `${key(to[0], to[1])}>${key(from[0], from[1])}`;
    const reverse = pieces.get(backward);
    if (reverse && reverse.count > 0) {
      reverse.count -= 1;
      return;
    }
    const existing = pieces.get(forward);
    if (existing) {
      existing.count += 1;
      existing.owners.push(owner);
    } else pieces.set(forward, { from, to, owners: [owner], count: 1 });
  };
  for (const edge of edges) {
    const cuts: Array<{ t: number; p: Position }> = [];
    const x0 = Math.floor(Math.min(edge.ax, edge.bx) / bucketSize);
    const x1 = Math.floor(Math.max(edge.ax, edge.bx) / bucketSize);
    const y0 = Math.floor(Math.min(edge.ay, edge.by) / bucketSize);
    const y1 = Math.floor(Math.max(edge.ay, edge.by) / bucketSize);
    const horizontal = Math.abs(edge.bx - edge.ax) >= Math.abs(edge.by - edge.ay);
    for (let bx = x0; bx <= x1; bx++) {
      for (let by = y0; by <= y1; by++) {
        for (const [px, py] of vertexBuckets.get(`${bx}:${by}`) ?? []) {
          if (pointStrictlyOnSegment(edge.ax, edge.ay, edge.bx, edge.by, px, py)) {
            cuts.push({ t: horizontal ? (px - edge.ax) / (edge.bx - edge.ax) : (py - edge.ay) / (edge.by - edge.ay), p: [px, py] });
          }
        }
      }
    }
    cuts.sort((p, q) => p.t - q.t);
    let from: Position = [edge.ax, edge.ay];
    for (const cut of cuts) {
      add(from, cut.p, edge.owner);
      from = cut.p;
    }
    add(from, [edge.bx, edge.by], edge.owner);
  }

  // Chain what is left into rings.
  const outgoing = new Map<string, Array<{ from: Position; to: Position; owners: number[] }>>();
  for (const piece of pieces.values()) {
    for (let i = 0; i < piece.count; i++) {
      const start = key(piece.from[0], piece.from[1]);
      const list = outgoing.get(start);
      const entry = { from: piece.from, to: piece.to, owners: piece.owners };
      if (list) list.push(entry);
      else outgoing.set(start, [entry]);
    }
  }
  const outlines: Ring[] = [];
  const gaps: CoverageGap[] = [];
  for (const [startKey, list] of outgoing) {
    while (list.length > 0) {
      const first = list.pop() as { from: Position; to: Position; owners: number[] };
      const ring: Ring = [first.from];
      const owners = new Set(first.owners);
      let current = first;
      let guard = pieces.size * 2 + 2;
      while (key(current.to[0], current.to[1]) !== startKey && guard-- > 0) {
        ring.push(current.to);
        const next = outgoing.get(key(current.to[0], current.to[1]));
        if (!next || next.length === 0) break;
        current = pickNext(current, next);
        for (const owner of current.owners) owners.add(owner);
      }
      ring.push(first.from);
      if (ring.length < 4) continue;
      if (signedRingArea(ring) > 0) outlines.push(ring);
      else {
        const areaM2 = ringAreaM2(ring);
        if (areaM2 >= minGap) gaps.push({ ring, areaM2, at: ring[0] as Position, neighbours: [...owners].sort((p, q) => p - q) });
      }
    }
  }
  return { outlines, gaps };
}

/** At a vertex with several ways on, take the sharpest left turn: it keeps to the face being traced. */
function pickNext(
  current: { from: Position; to: Position },
  candidates: Array<{ from: Position; to: Position; owners: number[] }>,
): { from: Position; to: Position; owners: number[] } {
  if (candidates.length === 1) return candidates.pop() as { from: Position; to: Position; owners: number[] };
  const inAngle = Math.atan2(current.to[1] - current.from[1], current.to[0] - current.from[0]);
  let bestIndex = 0;
  let bestTurn = -Infinity;
  candidates.forEach((candidate, index) => {
    let turn = Math.atan2(candidate.to[1] - candidate.from[1], candidate.to[0] - candidate.from[0]) - inAngle;
    while (turn <= -Math.PI) turn += 2 * Math.PI;
    while (turn > Math.PI) turn -= 2 * Math.PI;
    if (turn > bestTurn) {
      bestTurn = turn;
      bestIndex = index;
    }
  });
  return candidates.splice(bestIndex, 1)[0] as { from: Position; to: Position; owners: number[] };
}
