import { invalidArgument } from '@ecogrid/domain-errors';
import { parseGeometryText } from '@ecogrid/geo';
import { categoryOf } from '../domain/codes';
import type { Target, TargetCategory, TargetKind } from '../domain/entities';
import type { RegistryRepository } from './ports';

export interface NearbyRequest {
  point?: { lon: number; lat: number } | undefined;
  geometryGeojson?: string;
  radiusM: number;
  kinds: TargetKind[];
  limit: number;
}

const MAX_RADIUS_M = 100_000;

/**
 * Targets of one category (sensitive targets, risk sources or emergency resources) within a radius of a
 * point or any geometry, nearest first, with geodesic distances (PostGIS geography).
 */
export function createFindNearby(deps: { registry: Pick<RegistryRepository, 'nearbyTargets'> }) {
  return async function findNearby(category: TargetCategory, request: NearbyRequest): Promise<Array<{ target: Target; distanceM: number }>> {
    const hasPoint = request.point !== undefined;
    const hasGeometry = (request.geometryGeojson ?? '') !== '';
    if (hasPoint === hasGeometry) throw invalidArgument(hasPoint ? 'geometry_geojson' : 'point', 'give either a point or a geometry');
    let geometryGeojson: string;
    if (request.point) {
      const { lon, lat } = request.point;
      if (!Number.isFinite(lon) || lon < -180 || lon > 180 || !Number.isFinite(lat) || lat < -90 || lat > 90) throw invalidArgument('point', 'point must be a WGS 84 longitude/latitude');
      geometryGeojson = JSON.stringify({ type: 'Point', coordinates: [lon, lat] });
    } else {
      const parsed = parseGeometryText(request.geometryGeojson ?? '');
      if (!parsed.ok) throw invalidArgument('geometry_geojson', parsed.problem.message, 'invalid_geometry');
      geometryGeojson = JSON.stringify(parsed.geometry);
    }
    if (!(request.radiusM > 0) || request.radiusM > MAX_RADIUS_M) throw invalidArgument('radius_m', `radius_m must be more than 0 and at most ${MAX_RADIUS_M}`);
    const wrongKind = request.kinds.findIndex((kind) => categoryOf(kind) !== category);
    if (wrongKind >= 0) throw invalidArgument(`kinds[${wrongKind}]`, `kind ${request.kinds[wrongKind]} is not in category ${category}`);
    const limit = request.limit <= 0 ? 100 : Math.min(request.limit, 1_000);
    return deps.registry.nearbyTargets({ geometryGeojson, radiusM: request.radiusM, category, kinds: request.kinds, limit });
  };
}

export type FindNearby = ReturnType<typeof createFindNearby>;
