import {
  findOverlaps,
  interiorPoint,
  parseGeometry,
  polygonAreaM2,
  polygonsOf,
  traceCoverage,
  validateAreal,
  createPolygonIndex,
  type Areal,
  type PolygonCoordinates,
} from '@ecogrid/geo';
import type { Cell } from './entities';
import { districtWarning, insideDistrict, type CellShape, type ImportContext } from './import-context';
import type { ImportProblem, Located } from './import-problem';

export interface CellRecord {
  cell: Cell;
  polygons: PolygonCoordinates[];
}

export interface ParsedFile<T> {
  records: Array<Located<T>>;
  problems: ImportProblem[];
}

function parseJson(content: Buffer | string): { ok: true; value: unknown } | { ok: false; problem: ImportProblem } {
  let text: string;
  try {
    text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return { ok: false, problem: { line: 0, field: '', code: 'bad_encoding', message: 'the file is not valid UTF-8' } };
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') return { ok: false, problem: { line: 0, field: '', code: 'empty_file', message: 'the file is empty' } };
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    return { ok: false, problem: { line: 0, field: '', code: 'bad_json', message: `not JSON: ${(error as Error).message}` } };
  }
}

/** The features of a GeoJSON FeatureCollection (or a single Feature), or the problem with the file. */
export function readFeatures(content: Buffer | string): { ok: true; features: unknown[] } | { ok: false; problems: ImportProblem[] } {
  const parsed = parseJson(content);
  if (!parsed.ok) return { ok: false, problems: [parsed.problem] };
  const value = parsed.value as { type?: unknown; features?: unknown };
  if (value?.type === 'Feature') return { ok: true, features: [value] };
  if (value?.type !== 'FeatureCollection' || !Array.isArray(value.features)) {
    return { ok: false, problems: [{ line: 0, field: 'type', code: 'bad_json', message: 'expected a GeoJSON FeatureCollection' }] };
  }
  if (value.features.length === 0) return { ok: false, problems: [{ line: 0, field: 'features', code: 'empty_file', message: 'the FeatureCollection has no features' }] };
  return { ok: true, features: value.features };
}

/** Reads and checks an areal geometry of a feature; problems name the feature. */
export function readAreal(geometry: unknown, line: number, recordId: string | undefined, problems: ImportProblem[]): Areal | undefined {
  const parsed = parseGeometry(geometry);
  const base = { line, field: 'geometry', ...(recordId ? { recordId } : {}) };
  if (!parsed.ok) {
    problems.push({ ...base, code: 'invalid_geometry', message: parsed.problem.message });
    return undefined;
  }
  if (parsed.geometry.type !== 'Polygon' && parsed.geometry.type !== 'MultiPolygon') {
    problems.push({ ...base, code: 'invalid_geometry', message: `expected a Polygon or MultiPolygon, not a ${parsed.geometry.type}` });
    return undefined;
  }
  const invalid = validateAreal(parsed.geometry);
  for (const problem of invalid) {
    problems.push({ ...base, code: problem.code === 'self_intersection' ? 'self_intersection' : 'invalid_geometry', message: problem.message });
  }
  return invalid.length === 0 ? parsed.geometry : undefined;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '');

/** Cells from a GeoJSON FeatureCollection: properties `id`, `name`, `township_code`, optional `valid_from`. */
export function parseCellsGeoJson(content: Buffer | string): ParsedFile<CellRecord> {
  const read = readFeatures(content);
  if (!read.ok) return { records: [], problems: read.problems };
  const problems: ImportProblem[] = [];
  const records: Array<Located<CellRecord>> = [];
  const seen = new Map<string, number>();
  read.features.forEach((feature, index) => {
    const line = index + 1;
    const properties = ((feature as { properties?: unknown })?.properties ?? {}) as Record<string, unknown>;
    const id = text(properties.id ?? (feature as { id?: unknown }).id);
    const townshipCode = text(properties.township_code);
    const before = problems.length;
    const recordId = id || undefined;
    const base = { line, ...(recordId ? { recordId } : {}) };
    if (!id) problems.push({ ...base, field: 'properties.id', code: 'missing_field', message: 'id is required' });
    else if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) problems.push({ ...base, field: 'properties.id', code: 'invalid_field', message: 'an id is 1–64 letters, digits, . _ or -' });
    else if (seen.has(id)) problems.push({ ...base, field: 'properties.id', code: 'duplicate_id', message: `cell ${id} is also feature ${seen.get(id)}` });
    else seen.set(id, line);
    if (!townshipCode) problems.push({ ...base, field: 'properties.township_code', code: 'missing_field', message: 'township_code is required' });
    let validFrom: Date | undefined;
    if (properties.valid_from !== undefined && properties.valid_from !== null && properties.valid_from !== '') {
      validFrom = new Date(text(properties.valid_from));
      if (Number.isNaN(validFrom.getTime())) {
        problems.push({ ...base, field: 'properties.valid_from', code: 'invalid_field', message: 'valid_from must be an ISO 8601 time' });
        validFrom = undefined;
      }
    }
    const geometry = readAreal((feature as { geometry?: unknown })?.geometry, line, recordId, problems);
    if (problems.length > before || !geometry) return;
    const polygons = polygonsOf(geometry);
    records.push({
      line,
      record: {
        polygons,
        cell: {
          id,
          name: text(properties.name) || id,
          townshipCode,
          geometryGeojson: JSON.stringify(geometry),
          version: 0,
          areaM2: Math.round(polygons.reduce((sum, polygon) => sum + polygonAreaM2(polygon), 0)),
          ...(validFrom ? { validFrom } : {}),
        },
      },
    });
  });
  return { records, problems };
}

/**
 * Checks cells against what is stored: known township, inside the district, no overlap with each other or
 * with stored cells the file does not replace. Gaps — land inside a unit's cells that no cell covers — are
 * reported as warnings: an enclave may legitimately wait for the next file.
 */
export function checkCells(records: Array<Located<CellRecord>>, context: ImportContext): ImportProblem[] {
  const problems: ImportProblem[] = [...districtWarning(context)];
  for (const { line, record } of records) {
    const base = { line, recordId: record.cell.id };
    if (!context.townships.has(record.cell.townshipCode)) {
      problems.push({ ...base, field: 'properties.township_code', code: 'unknown_township', message: `township ${record.cell.townshipCode} is not registered` });
    }
    const outside = record.polygons.flat(2).find(([lon, lat]) => !insideDistrict(context, lon, lat));
    if (outside) problems.push({ ...base, field: 'geometry', code: 'outside_district', message: `[${outside[0]}, ${outside[1]}] is outside the district` });
  }
  const replaced = new Set(records.map(({ record }) => record.cell.id));
  const all: CheckedCell[] = [
    ...records.map(({ line, record }) => ({ line, stored: false, shape: { id: record.cell.id, townshipCode: record.cell.townshipCode, polygons: record.polygons } })),
    ...context.cells.filter((cell) => !replaced.has(cell.id)).map((shape) => ({ line: 0, stored: true, shape })),
  ];
  for (const overlap of findOverlaps(all.map((entry) => entry.shape.polygons))) {
    const a = all[overlap.a] as CheckedCell;
    const b = all[overlap.b] as CheckedCell;
    const where = `near [${overlap.at[0].toFixed(6)}, ${overlap.at[1].toFixed(6)}]`;
    // Report on the file's feature(s); a stored cell is named by id.
    for (const [self, other] of [[a, b], [b, a]] as const) {
      if (self.stored) continue;
      problems.push({ line: self.line, recordId: self.shape.id, field: 'geometry', code: 'overlap', message: `cell ${self.shape.id} overlaps ${other.stored ? 'stored ' : ''}cell ${other.shape.id} ${where}` });
    }
  }
  problems.push(...gapsInUnits(all, records.length > 0 ? new Set(records.map(({ record }) => record.cell.townshipCode)) : new Set()));
  return problems;
}

interface CheckedCell {
  shape: CellShape;
  line: number;
  /** Already stored, not in the file: problems are reported on the file's records only. */
  stored: boolean;
}

function gapsInUnits(all: CheckedCell[], units: ReadonlySet<string>): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const everywhere = createPolygonIndex(all.map((entry) => entry.shape.polygons));
  for (const unit of units) {
    const members = all.filter((entry) => entry.shape.townshipCode === unit);
    for (const gap of traceCoverage(members.map((entry) => entry.shape.polygons)).gaps) {
      // A hole another unit's cell fills is an enclave, not a gap.
      const inner = interiorPoint([gap.ring]);
      if (inner && everywhere.locate(inner[0], inner[1]) >= 0) continue;
      const borders = gap.neighbours.map((index) => members[index] as CheckedCell);
      const first = borders.find((entry) => !entry.stored) ?? borders[0];
      problems.push({
        line: first?.line ?? 0,
        field: 'geometry',
        code: 'gap',
        warning: true,
        ...(first ? { recordId: first.shape.id } : {}),
        message: `township ${unit} has ${Math.round(gap.areaM2)} m² no cell covers near [${gap.at[0].toFixed(6)}, ${gap.at[1].toFixed(6)}], bordered by cells ${borders.map((entry) => entry.shape.id).join(', ')}`,
      });
    }
  }
  return problems;
}
