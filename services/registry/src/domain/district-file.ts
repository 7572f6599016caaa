import type { Areal } from '@ecogrid/geo';
import type { District } from './entities';
import { readAreal, readFeatures, type ParsedFile } from './cells-file';
import type { ImportProblem } from './import-problem';

export interface DistrictRecord {
  district: District;
  boundary: Areal;
}

/** The district boundary: one Feature (or a FeatureCollection of one) with properties `code` and `name`. */
export function parseDistrictGeoJson(content: Buffer | string): ParsedFile<DistrictRecord> {
  const read = readFeatures(content);
  if (!read.ok) return { records: [], problems: read.problems };
  if (read.features.length !== 1) {
    return { records: [], problems: [{ line: 0, field: 'features', code: 'invalid_field', message: `expected one district feature, found ${read.features.length}` }] };
  }
  const feature = read.features[0] as { properties?: Record<string, unknown>; geometry?: unknown };
  const code = String(feature.properties?.code ?? '').trim();
  const name = String(feature.properties?.name ?? '').trim();
  const problems: ImportProblem[] = [];
  if (!/^\d{6}$/.test(code)) problems.push({ line: 1, field: 'properties.code', code: 'invalid_field', message: 'code must be the 6-digit administrative division code' });
  if (!name) problems.push({ line: 1, field: 'properties.name', code: 'missing_field', message: 'name is required' });
  const boundary = readAreal(feature.geometry, 1, code || undefined, problems);
  if (problems.length > 0 || !boundary) return { records: [], problems };
  return { records: [{ line: 1, record: { boundary, district: { code, name, boundaryGeojson: JSON.stringify(boundary) } } }], problems };
}
