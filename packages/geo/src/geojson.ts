import type { Geometry, GeometryProblem, Position } from './types';

export type ParseGeometryResult = { ok: true; geometry: Geometry } | { ok: false; problem: GeometryProblem };

const fail = (code: GeometryProblem['code'], message: string, at?: Position): ParseGeometryResult => ({
  ok: false,
  problem: at === undefined ? { code, message } : { code, message, at },
});

function isPosition(value: unknown): value is Position {
  return Array.isArray(value) && value.length >= 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}

function checkPosition(value: unknown): ParseGeometryResult | Position {
  if (!isPosition(value)) return fail('bad_coordinates', 'a position must be [longitude, latitude]');
  const [lon, lat] = value;
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return fail('bad_coordinates', 'coordinates must be finite numbers');
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return fail('coordinate_out_of_range', `[${lon}, ${lat}] is not a WGS 84 longitude/latitude`, [lon, lat]);
  return [lon, lat];
}

function positions(value: unknown, depth: number): ParseGeometryResult | unknown {
  if (depth === 0) return checkPosition(value);
  if (!Array.isArray(value)) return fail('bad_coordinates', 'coordinates are not nested arrays of the expected depth');
  const out: unknown[] = [];
  for (const item of value) {
    const parsed = positions(item, depth - 1);
    if (isFailure(parsed)) return parsed;
    out.push(parsed);
  }
  return out;
}

function isFailure(value: unknown): value is { ok: false; problem: GeometryProblem } {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

const DEPTH: Record<Geometry['type'], number> = { Point: 0, MultiPoint: 1, LineString: 1, Polygon: 2, MultiPolygon: 3 };

/**
 * Reads a GeoJSON geometry object (already JSON-parsed) and checks its shape: the type is one we store and
 * every position is a finite WGS 84 longitude/latitude. Ring closure and simplicity are `validatePolygon`'s job.
 */
export function parseGeometry(value: unknown): ParseGeometryResult {
  if (typeof value !== 'object' || value === null) return fail('not_geometry', 'geometry must be a GeoJSON object');
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (typeof type !== 'string' || !(type in DEPTH)) {
    return fail('unsupported_type', `geometry type ${String(type)} is not one of ${Object.keys(DEPTH).join(', ')}`);
  }
  const parsed = positions(coordinates, DEPTH[type as Geometry['type']]);
  if (isFailure(parsed)) return parsed;
  if (Array.isArray(parsed) && parsed.length === 0 && type !== 'Point') return fail('bad_coordinates', `${type} has no coordinates`);
  return { ok: true, geometry: { type, coordinates: parsed } as Geometry };
}

/** Parses GeoJSON geometry text (as stored in protobuf messages). */
export function parseGeometryText(text: string): ParseGeometryResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('not_geometry', 'geometry is not valid JSON');
  }
  return parseGeometry(value);
}
