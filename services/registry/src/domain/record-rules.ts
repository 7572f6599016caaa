import { parseGeometryText, polygonsOf, validateAreal, type PolygonCoordinates } from '@ecogrid/geo';
import { checkDeviceIdentity } from './device-rules';
import { OUTLET_KINDS, TOWNSHIP_KINDS, type Cell, type Device, type Enterprise, type Officer, type Target, type Township } from './entities';
import type { ImportProblem } from './import-problem';
import { validateUscc } from './uscc';

/**
 * Checks of a single record given through the API (UpsertX), the same rules the file parsers apply while
 * reading. Problems have line 0; `field` names the field as the API spells it. Enumerations arrive already decoded
 * (the API adapter refuses a record without its role or kind).
 */
type Problems = ImportProblem[];

const problem = (field: string, code: ImportProblem['code'], message: string): ImportProblem => ({ line: 0, field, code, message });
const ID = /^[A-Za-z0-9._-]{1,64}$/;

export function checkTownshipRecord(township: Township): Problems {
  const problems: Problems = [];
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(township.code)) problems.push(problem('code', 'invalid_field', 'code is 1–32 letters, digits, _ or -'));
  if (!township.name) problems.push(problem('name', 'missing_field', 'name is required'));
  if (!(TOWNSHIP_KINDS as readonly string[]).includes(township.kind)) problems.push(problem('kind', 'invalid_field', `kind is one of ${TOWNSHIP_KINDS.join(', ')}`));
  return problems;
}

export function checkCellRecord(cell: Cell): { problems: Problems; polygons: PolygonCoordinates[] } {
  const problems: Problems = [];
  if (!ID.test(cell.id)) problems.push(problem('id', 'invalid_field', 'id is 1–64 letters, digits, . _ or -'));
  if (!cell.townshipCode) problems.push(problem('township_code', 'missing_field', 'township_code is required'));
  const parsed = parseGeometryText(cell.geometryGeojson);
  if (!parsed.ok) return { problems: [...problems, problem('geometry_geojson', 'invalid_geometry', parsed.problem.message)], polygons: [] };
  if (parsed.geometry.type !== 'Polygon' && parsed.geometry.type !== 'MultiPolygon') {
    return { problems: [...problems, problem('geometry_geojson', 'invalid_geometry', 'a cell is a Polygon or MultiPolygon')], polygons: [] };
  }
  for (const found of validateAreal(parsed.geometry)) {
    problems.push(problem('geometry_geojson', found.code === 'self_intersection' ? 'self_intersection' : 'invalid_geometry', found.message));
  }
  return { problems, polygons: polygonsOf(parsed.geometry) };
}

export function checkOfficerRecord(officer: Officer): Problems {
  const problems: Problems = [];
  if (!ID.test(officer.id)) problems.push(problem('id', 'invalid_field', 'id is 1–64 letters, digits, . _ or -'));
  if (!officer.name) problems.push(problem('name', 'missing_field', 'name is required'));
  officer.roster.forEach((shift, index) => {
    if (!shift.startsAt || !shift.endsAt || shift.endsAt <= shift.startsAt) {
      problems.push(problem(`roster[${index}]`, 'invalid_field', 'a shift has a start and an end after it'));
    }
  });
  return problems;
}

export function checkDeviceRecord(device: Device): Problems {
  const problems: Problems = checkDeviceIdentity(device).map((found) => problem(found.field === 'protocol' ? 'protocol_version' : found.field, found.code, found.message));
  if (!device.name) problems.push(problem('name', 'missing_field', 'name is required'));
  if (!device.location) problems.push(problem('location', 'missing_field', 'location is required'));
  device.factors.forEach((factor, index) => {
    if (!/^[a-zA-Z0-9]{2,8}$/.test(factor.factorCode)) problems.push(problem(`factors[${index}].factor_code`, 'invalid_field', 'a factor code is 2–8 letters and digits'));
    if (factor.limit !== undefined && !Number.isFinite(factor.limit)) problems.push(problem(`factors[${index}].limit`, 'invalid_field', 'a limit is a finite number'));
  });
  return problems;
}

export function checkEnterpriseRecord(enterprise: Enterprise): Problems {
  const problems: Problems = [];
  const uscc = validateUscc(enterprise.uscc);
  if (!uscc.valid) problems.push(problem('uscc', 'bad_uscc', uscc.message));
  if (!enterprise.name) problems.push(problem('name', 'missing_field', 'name is required'));
  if (!enterprise.location) problems.push(problem('location', 'missing_field', 'location is required'));
  const ids = new Set<string>();
  enterprise.outlets.forEach((outlet, index) => {
    if (!ID.test(outlet.id)) problems.push(problem(`outlets[${index}].id`, 'invalid_field', 'an outlet id is 1–64 letters, digits, . _ or -'));
    if (ids.has(outlet.id)) problems.push(problem(`outlets[${index}].id`, 'duplicate_id', `outlet ${outlet.id} is listed twice`));
    ids.add(outlet.id);
    if (!(OUTLET_KINDS as readonly string[]).includes(outlet.kind)) problems.push(problem(`outlets[${index}].kind`, 'invalid_field', 'kind is flue_gas or wastewater'));
    if (!outlet.location) problems.push(problem(`outlets[${index}].location`, 'missing_field', 'location is required'));
  });
  return problems;
}

export function checkTargetRecord(target: Target): Problems {
  const problems: Problems = [];
  if (!ID.test(target.id)) problems.push(problem('id', 'invalid_field', 'id is 1–64 letters, digits, . _ or -'));
  if (!target.name) problems.push(problem('name', 'missing_field', 'name is required'));
  const parsed = parseGeometryText(target.geometryGeojson);
  if (!parsed.ok) problems.push(problem('geometry_geojson', 'invalid_geometry', parsed.problem.message));
  else if (parsed.geometry.type === 'Polygon' || parsed.geometry.type === 'MultiPolygon') {
    for (const found of validateAreal(parsed.geometry)) problems.push(problem('geometry_geojson', found.code === 'self_intersection' ? 'self_intersection' : 'invalid_geometry', found.message));
  }
  return problems;
}
