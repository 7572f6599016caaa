import { haversineM, metresPerDegree, type Position } from '@ecogrid/geo';

/**
 * A river as a polyline drawn from upstream to downstream, so "downstream" is simply "further along the line".
 * The demo's rivers (姚暹渠, 涑水河) are approximate polylines kept as demo data beside the plans.
 */
export interface River {
  id: string;
  name: string;
  /** [lon, lat], upstream first. */
  path: readonly Position[];
}

/** Where a point lies relative to a river: how far along it (chainage) and how far off it. */
export interface RiverPosition {
  chainageM: number;
  offsetM: number;
}

/** Cumulative length in metres at each vertex of the river (0 at the source). */
export function chainagesOf(river: River): number[] {
  const chainages = [0];
  for (let i = 1; i < river.path.length; i++) {
    const [ax, ay] = river.path[i - 1] as Position;
    const [bx, by] = river.path[i] as Position;
    chainages.push((chainages[i - 1] as number) + haversineM(ax, ay, bx, by));
  }
  return chainages;
}

export function riverLengthM(river: River): number {
  return chainagesOf(river).at(-1) ?? 0;
}

/**
 * Projects a point onto the river: the nearest point of the polyline, in a local projection centred on the point
 * (within 0.1 % of geodesic distance over a district's tens of kilometres).
 */
export function locateOnRiver(river: River, lon: number, lat: number, chainages: readonly number[] = chainagesOf(river)): RiverPosition {
  const { x: kx, y: ky } = metresPerDegree(lat);
  let best: RiverPosition = { chainageM: 0, offsetM: Infinity };
  if (river.path.length === 1) {
    const [x, y] = river.path[0] as Position;
    return { chainageM: 0, offsetM: haversineM(lon, lat, x, y) };
  }
  for (let i = 0; i + 1 < river.path.length; i++) {
    const [ax, ay] = river.path[i] as Position;
    const [bx, by] = river.path[i + 1] as Position;
    const axm = (ax - lon) * kx;
    const aym = (ay - lat) * ky;
    const dx = (bx - ax) * kx;
    const dy = (by - ay) * ky;
    const lengthSquared = dx * dx + dy * dy;
    let t = lengthSquared === 0 ? 0 : -(axm * dx + aym * dy) / lengthSquared;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = axm + t * dx;
    const ey = aym + t * dy;
    const offsetM = Math.sqrt(ex * ex + ey * ey);
    if (offsetM < best.offsetM) {
      const start = chainages[i] as number;
      const end = chainages[i + 1] as number;
      best = { chainageM: start + t * (end - start), offsetM };
    }
  }
  return best;
}

/** The point of the river at a chainage (clamped to the river's ends). */
export function pointAtChainage(river: River, chainageM: number, chainages: readonly number[] = chainagesOf(river)): Position {
  if (chainageM <= 0) return [...(river.path[0] as Position)];
  for (let i = 1; i < river.path.length; i++) {
    const end = chainages[i] as number;
    if (chainageM <= end) {
      const start = chainages[i - 1] as number;
      const t = end === start ? 0 : (chainageM - start) / (end - start);
      const [ax, ay] = river.path[i - 1] as Position;
      const [bx, by] = river.path[i] as Position;
      return [ax + t * (bx - ax), ay + t * (by - ay)];
    }
  }
  return [...(river.path.at(-1) as Position)];
}

/** The stretch of river from `fromM` to `toM` (chainages), as a polyline. */
export function stretchOf(river: River, fromM: number, toM: number, chainages: readonly number[] = chainagesOf(river)): Position[] {
  const stretch: Position[] = [pointAtChainage(river, fromM, chainages)];
  for (let i = 0; i < river.path.length; i++) {
    const at = chainages[i] as number;
    if (at > fromM && at < toM) stretch.push([...(river.path[i] as Position)]);
  }
  stretch.push(pointAtChainage(river, toM, chainages));
  return stretch;
}
