import { pointInFlatRings } from './point-in-polygon';
import type { ArealItem } from './overlaps';
import type { BBox } from './types';

/** Answers "which item contains this point" for a set of non-overlapping areal items (grid cells). */
export interface PolygonIndex {
  /** Index of the item containing the point, or -1. Allocation-free. */
  locate(lon: number, lat: number): number;
  readonly size: number;
  readonly bbox: BBox;
  /** Buckets answered without any point-in-polygon test, as a share of non-empty buckets (for tuning). */
  readonly fullBucketShare: number;
}

interface FlatPolygons {
  coords: Float64Array;
  /** End (exclusive, in doubles) of each ring in `coords`. */
  ringEnds: Int32Array;
  partFirstRing: Int32Array;
  partEndRing: Int32Array;
  partOwner: Int32Array;
  partBBox: Float64Array;
  bbox: BBox;
}

function flatten(items: ArealItem[]): FlatPolygons {
  const coords: number[] = [];
  const ringEnds: number[] = [];
  const partFirstRing: number[] = [];
  const partEndRing: number[] = [];
  const partOwner: number[] = [];
  const partBBox: number[] = [];
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  items.forEach((item, owner) => {
    for (const polygon of item) {
      partFirstRing.push(ringEnds.length);
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const ring of polygon) {
        for (const [x, y] of ring) {
          coords.push(x, y);
          if (x < minX) minX = x;
          if (y < minY) minY = y;
          if (x > maxX) maxX = x;
          if (y > maxY) maxY = y;
        }
        ringEnds.push(coords.length);
      }
      partEndRing.push(ringEnds.length);
      partOwner.push(owner);
      partBBox.push(minX, minY, maxX, maxY);
      bbox[0] = Math.min(bbox[0], minX);
      bbox[1] = Math.min(bbox[1], minY);
      bbox[2] = Math.max(bbox[2], maxX);
      bbox[3] = Math.max(bbox[3], maxY);
    }
  });
  return {
    coords: Float64Array.from(coords),
    ringEnds: Int32Array.from(ringEnds),
    partFirstRing: Int32Array.from(partFirstRing),
    partEndRing: Int32Array.from(partEndRing),
    partOwner: Int32Array.from(partOwner),
    partBBox: Float64Array.from(partBBox),
    bbox,
  };
}

/** Whether segment a–b passes through the open interior of the rectangle (Liang–Barsky clip, then the chord's middle). */
function segmentEntersRect(ax: number, ay: number, bx: number, by: number, x0: number, y0: number, x1: number, y1: number): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = bx - ax;
  const dy = by - ay;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const r = q / p;
    if (p < 0) {
      if (r > t1) return false;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return false;
      if (r < t1) t1 = r;
    }
    return true;
  };
  if (!clip(-dx, ax - x0) || !clip(dx, x1 - ax) || !clip(-dy, ay - y0) || !clip(dy, y1 - ay)) return false;
  if (t1 <= t0) return false;
  const t = (t0 + t1) / 2;
  const mx = ax + t * dx;
  const my = ay + t * dy;
  return mx > x0 && mx < x1 && my > y0 && my < y1;
}

function partEntersRect(flat: FlatPolygons, part: number, x0: number, y0: number, x1: number, y1: number): boolean {
  const first = flat.partFirstRing[part] as number;
  const end = flat.partEndRing[part] as number;
  let start = first === 0 ? 0 : (flat.ringEnds[first - 1] as number);
  for (let r = first; r < end; r++) {
    const ringEnd = flat.ringEnds[r] as number;
    for (let i = start; i + 2 < ringEnd; i += 2) {
      if (segmentEntersRect(flat.coords[i] as number, flat.coords[i + 1] as number, flat.coords[i + 2] as number, flat.coords[i + 3] as number, x0, y0, x1, y1)) return true;
    }
    start = ringEnd;
  }
  return false;
}

/**
 * A uniform-grid index. Each bucket lists the polygons whose boundary passes through it; a bucket lying
 * wholly inside one polygon stores just that polygon as "full" and is answered with no geometry at all.
 * With ~16 buckets per cell most lookups on a cell grid are one array read; the rest test one or two
 * polygons. Everything lives in typed arrays, so a lookup allocates nothing.
 */
export function createPolygonIndex(items: ArealItem[], options: { bucketsPerItem?: number } = {}): PolygonIndex {
  const flat = flatten(items);
  const parts = flat.partOwner.length;
  if (parts === 0) {
    return { locate: () => -1, size: 0, bbox: [0, 0, 0, 0], fullBucketShare: 0 };
  }
  const [minX, minY, maxX, maxY] = flat.bbox;
  const width = Math.max(maxX - minX, 1e-9);
  const height = Math.max(maxY - minY, 1e-9);
  const target = Math.max(1, items.length * (options.bucketsPerItem ?? 16));
  const size = Math.sqrt((width * height) / target);
  const nx = Math.max(1, Math.ceil(width / size));
  const ny = Math.max(1, Math.ceil(height / size));
  const sx = width / nx;
  const sy = height / ny;
  const invX = 1 / sx;
  const invY = 1 / sy;
  const buckets = nx * ny;

  const full = new Int32Array(buckets); // owner + 1 of the polygon covering the whole bucket, else 0
  const lists: number[][] = Array.from({ length: buckets }, () => []);
  for (let part = 0; part < parts; part++) {
    const bx0 = Math.max(0, Math.floor(((flat.partBBox[part * 4] as number) - minX) * invX));
    const by0 = Math.max(0, Math.floor(((flat.partBBox[part * 4 + 1] as number) - minY) * invY));
    const bx1 = Math.min(nx - 1, Math.floor(((flat.partBBox[part * 4 + 2] as number) - minX) * invX));
    const by1 = Math.min(ny - 1, Math.floor(((flat.partBBox[part * 4 + 3] as number) - minY) * invY));
    for (let iy = by0; iy <= by1; iy++) {
      const y0 = minY + iy * sy;
      const y1 = y0 + sy;
      for (let ix = bx0; ix <= bx1; ix++) {
        const x0 = minX + ix * sx;
        const x1 = x0 + sx;
        const bucket = iy * nx + ix;
        if (partEntersRect(flat, part, x0, y0, x1, y1)) (lists[bucket] as number[]).push(part);
        else if (pointInFlatRings((x0 + x1) / 2, (y0 + y1) / 2, flat.coords, flat.ringEnds, flat.partFirstRing[part] as number, flat.partEndRing[part] as number)) {
          full[bucket] = (flat.partOwner[part] as number) + 1;
        }
      }
    }
  }
  const starts = new Int32Array(buckets + 1);
  let total = 0;
  let nonEmpty = 0;
  let fullCount = 0;
  for (let b = 0; b < buckets; b++) {
    starts[b] = total;
    if (full[b] !== 0) {
      fullCount++;
      nonEmpty++;
      continue; // a full bucket never needs its candidates
    }
    const list = lists[b] as number[];
    if (list.length > 0) nonEmpty++;
    total += list.length;
  }
  starts[buckets] = total;
  const entries = new Int32Array(total);
  for (let b = 0; b < buckets; b++) {
    if (full[b] !== 0) continue;
    entries.set(lists[b] as number[], starts[b] as number);
  }
  const { coords, ringEnds, partFirstRing, partEndRing, partOwner } = flat;

  return {
    size: items.length,
    bbox: flat.bbox,
    fullBucketShare: nonEmpty === 0 ? 0 : fullCount / nonEmpty,
    locate(lon: number, lat: number): number {
      const fx = (lon - minX) * invX;
      const fy = (lat - minY) * invY;
      if (!(fx >= 0 && fy >= 0)) return -1; // also rejects NaN
      const ix = fx | 0;
      const iy = fy | 0;
      if (ix >= nx || iy >= ny) {
        // On the far edge of the box exactly: still inside the last bucket's closed range.
        if (ix > nx || iy > ny || (ix === nx && lon > maxX) || (iy === ny && lat > maxY)) return -1;
      }
      const bucket = Math.min(iy, ny - 1) * nx + Math.min(ix, nx - 1);
      const owner = full[bucket] as number;
      if (owner !== 0) return owner - 1;
      for (let k = starts[bucket] as number, end = starts[bucket + 1] as number; k < end; k++) {
        const part = entries[k] as number;
        if (pointInFlatRings(lon, lat, coords, ringEnds, partFirstRing[part] as number, partEndRing[part] as number)) return partOwner[part] as number;
      }
      return -1;
    },
  };
}

/** The baseline: test every polygon in turn until one contains the point. */
export function createBruteForceLocator(items: ArealItem[]): Pick<PolygonIndex, 'locate' | 'size'> {
  const { coords, ringEnds, partFirstRing, partEndRing, partOwner } = flatten(items);
  const parts = partOwner.length;
  return {
    size: items.length,
    locate(lon: number, lat: number): number {
      for (let part = 0; part < parts; part++) {
        if (pointInFlatRings(lon, lat, coords, ringEnds, partFirstRing[part] as number, partEndRing[part] as number)) return partOwner[part] as number;
      }
      return -1;
    },
  };
}
