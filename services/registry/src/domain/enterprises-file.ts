import type { ParsedFile } from './cells-file';
import { readCsv, RowReader } from './csv-rows';
import { OUTLET_KINDS, type DeviceFactor, type Enterprise, type Outlet } from './entities';
import { createPlacer, districtWarning, insideDistrict, type ImportContext } from './import-context';
import type { ImportProblem, Located } from './import-problem';
import { splitList } from './officers-file';
import { validateUscc } from './uscc';

const KINDS: ReadonlySet<string> = new Set(OUTLET_KINDS);

/**
 * Enterprises CSV: `uscc,name,industry,key_discharge_unit,permit_number,lon,lat,outlets`.
 * `outlets` is `;`-separated `ID|KIND|NAME|LON|LAT|LIMITS` with KIND `flue_gas` or `wastewater` and LIMITS
 * `code=value` pairs separated by `,` (mg/m³ converted values for flue gas, mg/L for wastewater, pH unitless).
 */
export function parseEnterprisesCsv(content: Buffer | string): ParsedFile<Enterprise> {
  const csv = readCsv(content, ['uscc', 'name', 'lon', 'lat']);
  if (!csv.ok) return { records: [], problems: csv.problems };
  const problems: ImportProblem[] = [];
  const records: Array<Located<Enterprise>> = [];
  const seen = new Map<string, number>();
  for (const row of csv.rows) {
    const raw = (row.values.uscc ?? '').toUpperCase();
    const reader = new RowReader(row, raw || undefined);
    if (!raw) reader.fail('uscc', 'missing_field', 'uscc is required');
    else {
      const checked = validateUscc(raw);
      if (!checked.valid) reader.fail('uscc', 'bad_uscc', `${raw}: ${checked.message}`);
      else if (seen.has(raw)) reader.fail('uscc', 'duplicate_id', `USCC ${raw} is also on line ${seen.get(raw)}`);
      seen.set(raw, row.line);
    }
    const lon = reader.number('lon', { required: true, min: -180, max: 180 });
    const lat = reader.number('lat', { required: true, min: -90, max: 90 });
    const enterprise: Enterprise = {
      uscc: raw,
      name: reader.text('name', { required: true, max: 128 }),
      industry: reader.text('industry', { max: 64 }),
      keyDischargeUnit: reader.boolean('key_discharge_unit', false),
      permitNumber: reader.text('permit_number', { max: 64 }),
      ...(lon !== undefined && lat !== undefined ? { location: { lon, lat } } : {}),
      townshipCode: '',
      cellId: '',
      outlets: parseOutlets(reader.text('outlets'), reader),
    };
    problems.push(...reader.problems);
    if (reader.problems.length === 0) records.push({ line: row.line, record: enterprise });
  }
  return { records, problems };
}

function parseOutlets(value: string, reader: RowReader): Outlet[] {
  const outlets: Outlet[] = [];
  const ids = new Set<string>();
  for (const entry of splitList(value)) {
    const [id = '', kind = '', name = '', lonText = '', latText = '', limitsText = ''] = entry.split('|').map((part) => part.trim());
    const lon = Number(lonText);
    const lat = Number(latText);
    if (!id || !KINDS.has(kind) || lonText === '' || latText === '' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      reader.fail('outlets', 'invalid_field', `"${entry}" is not ID|flue_gas or wastewater|NAME|LON|LAT|LIMITS`);
      continue;
    }
    if (ids.has(id)) reader.fail('outlets', 'duplicate_id', `outlet ${id} is listed twice`);
    ids.add(id);
    const permitLimits: DeviceFactor[] = [];
    for (const pair of limitsText.split(',').map((part) => part.trim()).filter(Boolean)) {
      const [code = '', limitText = ''] = pair.split('=').map((part) => part.trim());
      const limit = Number(limitText);
      if (!/^[a-zA-Z0-9]{2,8}$/.test(code) || limitText === '' || !Number.isFinite(limit)) {
        reader.fail('outlets', 'invalid_field', `outlet ${id}: "${pair}" is not code=limit`);
        continue;
      }
      const unit = code === 'w01001' ? '' : kind === 'flue_gas' ? 'mg/m3' : 'mg/L';
      permitLimits.push({ factorCode: code, unit, limit, limitOnConverted: kind === 'flue_gas' });
    }
    outlets.push({ id, kind, name: name || id, location: { lon, lat }, deviceMns: [], permitLimits });
  }
  return outlets;
}

/** Enterprises against what is stored: premises and outlets inside the district; places each in its cell. */
export function checkEnterprises(records: Array<Located<Enterprise>>, context: ImportContext): ImportProblem[] {
  const problems: ImportProblem[] = [...districtWarning(context)];
  const place = createPlacer(context.cells);
  for (const { line, record } of records) {
    const base = { line, recordId: record.uscc };
    const { lon, lat } = record.location ?? { lon: Number.NaN, lat: Number.NaN };
    if (!insideDistrict(context, lon, lat)) problems.push({ ...base, field: 'lon', code: 'outside_district', message: `[${lon}, ${lat}] is outside the district` });
    for (const outlet of record.outlets) {
      const at = outlet.location ?? { lon: Number.NaN, lat: Number.NaN };
      if (!insideDistrict(context, at.lon, at.lat)) problems.push({ ...base, field: 'outlets', code: 'outside_district', message: `outlet ${outlet.id} at [${at.lon}, ${at.lat}] is outside the district` });
    }
    const placement = place(lon, lat);
    record.cellId = placement?.cellId ?? '';
    record.townshipCode = placement?.townshipCode ?? '';
  }
  return problems;
}
