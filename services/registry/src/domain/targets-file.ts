import { interiorPoint, parseGeometryText, validateAreal, type Geometry, type Position } from '@ecogrid/geo';
import type { ParsedFile } from './cells-file';
import { readCsv, RowReader } from './csv-rows';
import { byName, categoryOf } from './codes';
import { TARGET_KINDS, type Target } from './entities';
import { createPlacer, districtWarning, insideDistrict, type ImportContext } from './import-context';
import type { ImportProblem, Located } from './import-problem';
import { splitList } from './officers-file';

const KINDS = byName(TARGET_KINDS);

/**
 * Targets CSV (sensitive targets, risk sources, emergency resources — plan §5.8.1):
 * `id,name,kind,lon,lat,geometry,township_code,attributes`. A point by `lon`/`lat`, or any geometry as GeoJSON
 * text in `geometry`; `attributes` is `;`-separated `key=value`.
 */
export function parseTargetsCsv(content: Buffer | string): ParsedFile<Target> {
  const csv = readCsv(content, ['id', 'name', 'kind']);
  if (!csv.ok) return { records: [], problems: csv.problems };
  const problems: ImportProblem[] = [];
  const records: Array<Located<Target>> = [];
  const seen = new Map<string, number>();
  for (const row of csv.rows) {
    const id = row.values.id ?? '';
    const reader = new RowReader(row, id || undefined);
    reader.text('id', { required: true, max: 64 });
    if (id && seen.has(id)) reader.fail('id', 'duplicate_id', `target ${id} is also on line ${seen.get(id)}`);
    seen.set(id, row.line);
    const kind = reader.oneOf('kind', KINDS, { required: true });
    const geometry = readTargetGeometry(reader);
    const attributes: Record<string, string> = {};
    for (const pair of splitList(reader.text('attributes'))) {
      const at = pair.indexOf('=');
      if (at <= 0) reader.fail('attributes', 'invalid_field', `"${pair}" is not key=value`);
      else attributes[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    const name = reader.text('name', { required: true, max: 128 });
    const townshipCode = reader.text('township_code');
    problems.push(...reader.problems);
    if (reader.problems.length === 0 && kind && geometry) {
      const target: Target = { id, name, kind, category: categoryOf(kind), geometryGeojson: JSON.stringify(geometry), townshipCode, attributes };
      records.push({ line: row.line, record: target });
    }
  }
  return { records, problems };
}

function readTargetGeometry(reader: RowReader): Geometry | undefined {
  const text = reader.text('geometry');
  if (text) {
    const parsed = parseGeometryText(text);
    if (!parsed.ok) {
      reader.fail('geometry', 'invalid_geometry', parsed.problem.message);
      return undefined;
    }
    if (parsed.geometry.type === 'Polygon' || parsed.geometry.type === 'MultiPolygon') {
      for (const problem of validateAreal(parsed.geometry)) {
        reader.fail('geometry', problem.code === 'self_intersection' ? 'self_intersection' : 'invalid_geometry', problem.message);
      }
    }
    return parsed.geometry;
  }
  const lon = reader.number('lon', { min: -180, max: 180 });
  const lat = reader.number('lat', { min: -90, max: 90 });
  if (lon === undefined || lat === undefined) {
    reader.fail('geometry', 'missing_field', 'give lon and lat, or a GeoJSON geometry');
    return undefined;
  }
  return { type: 'Point', coordinates: [lon, lat] };
}

/** A point that stands for the geometry: the point itself, a point inside a polygon, a line's first vertex. */
export function representativePoint(geometry: Geometry): Position {
  switch (geometry.type) {
    case 'Point':
      return geometry.coordinates;
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates[0] as Position;
    case 'Polygon':
      return interiorPoint(geometry.coordinates) ?? (geometry.coordinates[0]?.[0] as Position);
    case 'MultiPolygon':
      return interiorPoint(geometry.coordinates[0] ?? []) ?? (geometry.coordinates[0]?.[0]?.[0] as Position);
  }
}

function positionsOf(geometry: Geometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
  }
}

/**
 * Targets against what is stored: at least partly inside the district (a reserve may straddle the border),
 * a known township if one is given, else the township of the cell under its representative point.
 */
export function checkTargets(records: Array<Located<Target>>, context: ImportContext): ImportProblem[] {
  const problems: ImportProblem[] = [...districtWarning(context)];
  const place = createPlacer(context.cells);
  for (const { line, record } of records) {
    const base = { line, recordId: record.id };
    const parsed = parseGeometryText(record.geometryGeojson);
    if (!parsed.ok) continue;
    if (!positionsOf(parsed.geometry).some(([lon, lat]) => insideDistrict(context, lon, lat))) {
      problems.push({ ...base, field: 'geometry', code: 'outside_district', message: 'the target lies wholly outside the district' });
    }
    if (record.townshipCode) {
      if (!context.townships.has(record.townshipCode)) {
        problems.push({ ...base, field: 'township_code', code: 'unknown_township', message: `township ${record.townshipCode} is not registered` });
      }
    } else {
      const [lon, lat] = representativePoint(parsed.geometry);
      record.townshipCode = place(lon, lat)?.townshipCode ?? '';
    }
  }
  return problems;
}
