import { describe, expect, it } from 'vitest';
import type { PolygonCoordinates } from '@ecogrid/geo';
import { checkCells, parseCellsGeoJson } from './cells-file';
import { checkDevices, parseDevicesCsv } from './devices-file';
import { parseEnterprisesCsv } from './enterprises-file';
import type { ImportContext } from './import-context';
import { parseOfficersCsv } from './officers-file';
import { parseTargetsCsv } from './targets-file';

const square = (x: number, y: number, size = 0.01): PolygonCoordinates => [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]];
const feature = (id: string, township: string, coordinates: number[][][] | PolygonCoordinates) => ({ type: 'Feature', properties: { id, name: id, township_code: township }, geometry: { type: 'Polygon', coordinates } });
const collection = (...features: unknown[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));

const context: ImportContext = {
  district: { type: 'Polygon', coordinates: [[[111, 35], [111.05, 35], [111.05, 35.05], [111, 35.05], [111, 35]]] },
  townships: new Set(['T1', 'T2']),
  cells: [],
  enterprises: new Map([['914403001922038216', new Set(['DA001'])]]),
};

describe('cells GeoJSON', () => {
  it('reads valid cells with their area', () => {
    const { records, problems } = parseCellsGeoJson(collection(feature('C1', 'T1', square(111, 35)), feature('C2', 'T1', square(111.01, 35))));
    expect(problems).toEqual([]);
    expect(records.map((record) => record.record.cell.id)).toEqual(['C1', 'C2']);
    expect(records[0]?.record.cell.areaM2).toBeGreaterThan(1_000_000);
    expect(checkCells(records, context)).toEqual([]);
  });

  it('reports every bad feature by number: self-intersection, duplicate id, missing township, not a polygon', () => {
    const { records, problems } = parseCellsGeoJson(
      collection(
        feature('C1', 'T1', square(111, 35)),
        feature('C2', 'T1', [[[111.01, 35], [111.02, 35.01], [111.02, 35], [111.01, 35.01], [111.01, 35]]]),
        feature('C1', 'T1', square(111.02, 35)),
        feature('C4', '', square(111.03, 35)),
        { type: 'Feature', properties: { id: 'C5', township_code: 'T1' }, geometry: { type: 'Point', coordinates: [111, 35] } },
      ),
    );
    expect(records).toHaveLength(1);
    expect(problems.map((problem) => [problem.line, problem.code])).toEqual([
      [2, 'self_intersection'],
      [3, 'duplicate_id'],
      [4, 'missing_field'],
      [5, 'invalid_geometry'],
    ]);
  });

  it('finds overlaps with each other and with stored cells, unknown townships and cells outside the district', () => {
    const { records } = parseCellsGeoJson(
      collection(feature('C1', 'T1', square(111, 35)), feature('C2', 'T9', square(111.005, 35.0)), feature('C3', 'T1', square(111.045, 35.02))),
    );
    const stored = { ...context, cells: [{ id: 'S1', townshipCode: 'T2', polygons: [square(111.02, 35.02, 0.005)] }] };
    const problems = checkCells(records, stored).map((problem) => `${problem.line}:${problem.code}`);
    expect(problems).toEqual(expect.arrayContaining(['1:overlap', '2:overlap', '2:unknown_township', '3:outside_district']));
    const { records: intoStored } = parseCellsGeoJson(collection(feature('C9', 'T1', square(111.02, 35.02))));
    expect(checkCells(intoStored, stored).map((problem) => problem.message)).toEqual([expect.stringContaining('overlaps stored cell S1')]);
  });

  it('warns about a gap inside a township without blocking', () => {
    const ring = [0, 1, 2].flatMap((x) => [0, 1, 2].map((y) => [x, y])).filter(([x, y]) => !(x === 1 && y === 1));
    const { records } = parseCellsGeoJson(collection(...ring.map(([x, y]) => feature(`C${x}${y}`, 'T1', square(111 + (x as number) * 0.01, 35 + (y as number) * 0.01)))));
    const problems = checkCells(records, context);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'gap', warning: true });
    expect(problems[0]?.message).toMatch(/township T1 has \d+ m² no cell covers/);
  });

  it('refuses what is not a FeatureCollection', () => {
    expect(parseCellsGeoJson(Buffer.from('{"type":"Polygon"}')).problems[0]?.code).toBe('bad_json');
    expect(parseCellsGeoJson(Buffer.from('not json')).problems[0]?.code).toBe('bad_json');
    expect(parseCellsGeoJson(Buffer.from([0xff, 0xfe, 0x00])).problems[0]?.code).toBe('bad_encoding');
  });
});

describe('devices CSV', () => {
  it('takes a real station\'s MN with separators, as the frame parser does (one MN rule)', () => {
    const { records, problems } = parseDevicesCsv(Buffer.from('mn,name,kind,lon,lat,enterprise_uscc,outlet_id,factors,password,protocol,tolerant\nJLYP01_AIR01_0001,air,micro_air_station,111,35,,,,123456,2017,false\n'));
    expect(problems).toEqual([]);
    expect(records[0]?.record).toMatchObject({ mn: 'JLYP01_AIR01_0001' });
  });

  const header = 'mn,name,kind,lon,lat,enterprise_uscc,outlet_id,factors,password,protocol,tolerant\n';

  it('takes an HJ 212-2025 device\'s SM4 key and layout, and refuses a bad one without repeating it', () => {
    const keyed = 'mn,name,kind,lon,lat,password,protocol,sm4_key,sm4_layout\n';
    const { records, problems } = parseDevicesCsv(
      Buffer.from(`${keyed}K1,a,micro_air_station,111,35,pw,2025,0000000000000000,\nK2,b,micro_air_station,111,35,pw,2025,${'3a'.repeat(16)},base64:pkcs7:transmitted:plaintext\nK3,c,micro_air_station,111,35,pw,2025,none,\n`),
    );
    expect(problems).toEqual([]);
    expect(records.map((entry) => [entry.record.sm4Key, entry.record.cpEncryption])).toEqual([
      ['0000000000000000', undefined],
      ['3a'.repeat(16), { encoding: 'base64', padding: 'pkcs7', lengthCounts: 'transmitted', crcOver: 'plaintext' }],
      ['none', undefined],
    ]);
    const bad = parseDevicesCsv(Buffer.from(`${keyed}K4,d,micro_air_station,111,35,pw,2025,secret-short,braces:none\nK5,e,micro_air_station,111,35,pw,2025,0000000000000&00,\n`)).problems;
    expect(bad.map((problem) => [problem.line, problem.field])).toEqual([
      [2, 'sm4_key'],
      [2, 'sm4_layout'],
      [3, 'sm4_key'],
    ]);
    expect(JSON.stringify(bad)).not.toContain('secret-short');
  });

  it('reads a CSV with a BOM and CRLF, with factors and limits', () => {
    const { records, problems } = parseDevicesCsv(Buffer.from(`\uFEFF${header}AAAAAAAAAAAAAAAAAAAAAAAA,CEMS,flue_gas_cems,111.01,35.01,914403001922038216,DA001,a21026:mg/m3:35:zs;a19001:%,pw1,2017,false\r\n`));
    expect(problems).toEqual([]);
    expect(records[0]?.record).toMatchObject({ mn: 'AAAAAAAAAAAAAAAAAAAAAAAA', factors: [{ factorCode: 'a21026', unit: 'mg/m3', limit: 35, limitOnConverted: true }, { factorCode: 'a19001', unit: '%', limitOnConverted: false }] });
  });

  it('reports a duplicate MN, an MN with a space and a bad factor, each on its line', () => {
    const { problems } = parseDevicesCsv(
      Buffer.from(`${header}M1,a,micro_air_station,111,35,,,,pw,2005,true\nM1,b,micro_air_station,111,35,,,,pw,2005,true\nSH ORT,c,micro_air_station,111,35,,,,pw,2017,false\nBBBBBBBBBBBBBBBBBBBBBBBB,d,camera,111,35,,,a21026:mg:x,pw,2017,\n`),
    );
    expect(problems.map((problem) => [problem.line, problem.field, problem.code])).toEqual([
      [3, 'mn', 'duplicate_id'],
      [4, 'mn', 'bad_mn'],
      [5, 'factors', 'invalid_field'],
    ]);
  });

  it('checks placement: outside the district, unknown enterprise or outlet', () => {
    const { records } = parseDevicesCsv(
      Buffer.from(`${header}M1,a,micro_air_station,112,35,,,,pw,2005,true\nM2,b,flue_gas_cems,111.01,35.01,911111111111111111,DA001,,pw,2005,true\nM3,c,flue_gas_cems,111.01,35.01,914403001922038216,DA009,,pw,2005,true\n`),
    );
    expect(checkDevices(records, context).map((problem) => [problem.line, problem.code])).toEqual([
      [2, 'outside_district'],
      [3, 'unknown_enterprise'],
      [4, 'unknown_outlet'],
    ]);
  });

  it('names the missing columns', () => {
    expect(parseDevicesCsv(Buffer.from('mn,name\nX,y\n')).problems.map((problem) => problem.field)).toEqual(['kind', 'lon', 'lat', 'password', 'protocol']);
  });
});

describe('enterprises, officers and targets CSV', () => {
  it('refuses a USCC whose check character is wrong', () => {
    const { problems, records } = parseEnterprisesCsv(
      Buffer.from('uscc,name,lon,lat,outlets\n914403001922038216,ok,111,35,DA001|flue_gas|stack|111.001|35.001|a21026=35\n91110108717809965C,fake,111,35,\n'),
    );
    expect(records[0]?.record.outlets[0]).toMatchObject({ id: 'DA001', permitLimits: [{ factorCode: 'a21026', limit: 35, unit: 'mg/m3', limitOnConverted: true }] });
    expect(problems).toEqual([expect.objectContaining({ line: 3, field: 'uscc', code: 'bad_uscc', recordId: '91110108717809965C' })]);
  });

  it('reads officers with their cells and roster shifts', () => {
    const { records, problems } = parseOfficersCsv(
      Buffer.from('id,name,role,township_code,cell_ids,contact,active,roster\nO1,甲,grid_officer,T1,C1;C2,sms:1,true,C3@2026-12-05T08:00:00+08:00/2026-12-05T20:00:00+08:00\nO2,乙,boss,T1,,,,C1@tomorrow/later\n'),
    );
    expect(records[0]?.record).toMatchObject({ cellIds: ['C1', 'C2'], roster: [{ cellId: 'C3', startsAt: new Date('2026-12-05T00:00:00Z') }] });
    expect(problems.map((problem) => [problem.line, problem.field])).toEqual([
      [3, 'roster'],
      [3, 'role'],
    ]);
  });

  it('reads targets as points or GeoJSON geometries with attributes', () => {
    const { records, problems } = parseTargetsCsv(
      Buffer.from(`id,name,kind,lon,lat,geometry,township_code,attributes\nS1,school,school,111.01,35.01,,,plan=§2.1.6\nR1,reserve,nature_reserve,,,"${JSON.stringify({ type: 'Polygon', coordinates: square(111, 35) }).replace(/"/g, '""')}",,level=省级\nX1,x,volcano,111,35,,,\n`),
    );
    expect(records.map((record) => [record.record.id, record.record.category, record.record.attributes])).toEqual([
      ['S1', 'sensitive', { plan: '§2.1.6' }],
      ['R1', 'sensitive', { level: '省级' }],
    ]);
    expect(problems).toEqual([expect.objectContaining({ line: 4, field: 'kind', code: 'invalid_field' })]);
  });
});
