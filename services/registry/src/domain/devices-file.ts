import type { ParsedFile } from './cells-file';
import { readCsv, RowReader } from './csv-rows';
import { byName } from './codes';
import { checkDeviceIdentity } from './device-rules';
import { DEVICE_KINDS, PROTOCOL_VERSIONS, type CpEncryptionLayout, type Device, type DeviceFactor } from './entities';
import { createPlacer, districtWarning, insideDistrict, type ImportContext } from './import-context';
import type { ImportProblem, Located } from './import-problem';
import { splitList } from './officers-file';

const KINDS = byName(DEVICE_KINDS);
const PROTOCOLS = byName(PROTOCOL_VERSIONS);

/**
 * Devices CSV: `mn,name,kind,lon,lat,enterprise_uscc,outlet_id,factors,password,protocol,tolerant,enabled,system_code`,
 * optionally `sm4_key` (HJ 212-2025 CP encryption: 16 characters or 32 hex digits; `none` removes a stored key, empty
 * keeps it) and `sm4_layout` (`encoding:padding:length:crc`, e.g. `base64:pkcs7:transmitted:transmitted`; empty is
 * Annex A.2's `braces:none:plaintext:plaintext`).
 * `factors` is `;`-separated `code:unit[:limit[:zs]]`, e.g. `a21026:mg/m3:35:zs;a19001:%` — `zs` puts the
 * limit on the converted (折算) value.
 */
export function parseDevicesCsv(content: Buffer | string): ParsedFile<Device> {
  const csv = readCsv(content, ['mn', 'name', 'kind', 'lon', 'lat', 'password', 'protocol']);
  if (!csv.ok) return { records: [], problems: csv.problems };
  const problems: ImportProblem[] = [];
  const records: Array<Located<Device>> = [];
  const seen = new Map<string, number>();
  for (const row of csv.rows) {
    const mn = row.values.mn ?? '';
    const reader = new RowReader(row, mn || undefined);
    if (mn && seen.has(mn)) reader.fail('mn', 'duplicate_id', `MN ${mn} is also on line ${seen.get(mn)}`);
    if (mn) seen.set(mn, row.line);
    const lon = reader.number('lon', { required: true, min: -180, max: 180 });
    const lat = reader.number('lat', { required: true, min: -90, max: 90 });
    const factors = parseFactors(reader.text('factors'), reader);
    const name = reader.text('name', { required: true, max: 128 });
    const kind = reader.oneOf('kind', KINDS, { required: true });
    const enterpriseUscc = reader.text('enterprise_uscc').toUpperCase();
    const outletId = reader.text('outlet_id');
    const password = reader.text('password');
    const protocolVersion = reader.oneOf('protocol', PROTOCOLS, { required: true });
    const tolerant = reader.boolean('tolerant', false);
    const enabled = reader.boolean('enabled', true);
    const systemCode = reader.text('system_code', { max: 2 });
    const sm4Key = reader.text('sm4_key');
    // The key itself never goes into a message.
    if (sm4Key !== '' && sm4Key !== 'none' && !SM4_KEY_TEXT.test(sm4Key)) reader.fail('sm4_key', 'invalid_field', 'an SM4 key is 16 characters (no ; , = &) or 32 hex digits');
    const layoutText = reader.text('sm4_layout');
    const cpEncryption = layoutText === '' ? undefined : parseLayout(layoutText);
    if (cpEncryption === null) reader.fail('sm4_layout', 'invalid_field', 'sm4_layout is encoding:padding:length:crc — braces|hex|base64 : none|pkcs7 : plaintext|transmitted : plaintext|transmitted');
    // Without a protocol the MN rules cannot be told apart; its absence is already reported.
    if (protocolVersion !== undefined) {
      for (const problem of checkDeviceIdentity({ mn, password, protocolVersion, tolerant })) {
        if (problem.field !== 'protocol') reader.fail(problem.field, problem.code, problem.message);
      }
    }
    problems.push(...reader.problems);
    if (reader.problems.length === 0 && kind && protocolVersion) {
      const device: Device = {
        mn,
        name,
        kind,
        ...(lon !== undefined && lat !== undefined ? { location: { lon, lat } } : {}),
        enterpriseUscc,
        outletId,
        cellId: '',
        townshipCode: '',
        factors,
        password,
        protocolVersion,
        tolerant,
        enabled,
        systemCode,
        ...(sm4Key ? { sm4Key } : {}),
        ...(cpEncryption ? { cpEncryption } : {}),
      };
      records.push({ line: row.line, record: device });
    }
  }
  return { records, problems };
}

const SM4_KEY_TEXT = /^(?:[0-9a-fA-F]{32}|(?![^;,=&]*[;,=&])[\x21-\x7e]{16})$/;
const LAYOUT = /^(braces|hex|base64):(none|pkcs7):(plaintext|transmitted):(plaintext|transmitted)$/;

function parseLayout(text: string): CpEncryptionLayout | null {
  const match = LAYOUT.exec(text);
  if (!match) return null;
  return {
    encoding: match[1] as CpEncryptionLayout['encoding'],
    padding: match[2] as CpEncryptionLayout['padding'],
    lengthCounts: match[3] as CpEncryptionLayout['lengthCounts'],
    crcOver: match[4] as CpEncryptionLayout['crcOver'],
  };
}

function parseFactors(value: string, reader: RowReader): DeviceFactor[] {
  const factors: DeviceFactor[] = [];
  for (const entry of splitList(value)) {
    const [code, unit, limitText, flag] = entry.split(':').map((part) => part.trim());
    const limit = limitText === undefined || limitText === '' ? undefined : Number(limitText);
    if (!code || !/^[a-zA-Z0-9]{2,8}$/.test(code) || (limit !== undefined && !Number.isFinite(limit)) || (flag !== undefined && flag !== '' && flag !== 'zs')) {
      reader.fail('factors', 'invalid_field', `"${entry}" is not code:unit[:limit[:zs]]`);
      continue;
    }
    factors.push({ factorCode: code, unit: unit ?? '', ...(limit === undefined ? {} : { limit }), limitOnConverted: flag === 'zs' });
  }
  return factors;
}

/** Devices against what is stored: inside the district, their enterprise and outlet exist; places each in its cell. */
export function checkDevices(records: Array<Located<Device>>, context: ImportContext): ImportProblem[] {
  const problems: ImportProblem[] = [...districtWarning(context)];
  const place = createPlacer(context.cells);
  for (const { line, record } of records) {
    const base = { line, recordId: record.mn };
    const { lon, lat } = record.location ?? { lon: Number.NaN, lat: Number.NaN };
    if (!insideDistrict(context, lon, lat)) problems.push({ ...base, field: 'lon', code: 'outside_district', message: `[${lon}, ${lat}] is outside the district` });
    if (record.enterpriseUscc) {
      const outlets = context.enterprises.get(record.enterpriseUscc);
      if (!outlets) problems.push({ ...base, field: 'enterprise_uscc', code: 'unknown_enterprise', message: `enterprise ${record.enterpriseUscc} is not registered` });
      else if (record.outletId && !outlets.has(record.outletId)) {
        problems.push({ ...base, field: 'outlet_id', code: 'unknown_outlet', message: `enterprise ${record.enterpriseUscc} has no outlet ${record.outletId}` });
      }
    } else if (record.outletId) problems.push({ ...base, field: 'outlet_id', code: 'invalid_field', message: 'an outlet needs its enterprise_uscc' });
    const placement = place(lon, lat);
    record.cellId = placement?.cellId ?? '';
    record.townshipCode = placement?.townshipCode ?? '';
  }
  return problems;
}
