/**
 * Generates the Yanhu demo dataset deterministically (same output every run):
 *   pnpm --filter @ecogrid/registry generate:yanhu
 * Names come from the district's 14th Five-Year eco-environment plan (section numbers in README.md);
 * all geometry, coordinates, codes, people and devices are invented or approximate — demo data.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { traceCoverage, type Position } from '@ecogrid/geo';
import { withUsccCheckCharacter } from '../../src/domain/uscc';
import { EMERGENCY_DEMO_DEVICE_ROWS } from './emergency-demo';

const OUT = __dirname;
const LON0 = 110.8;
const LAT0 = 34.85;
const DLON = 0.011; // ≈ 1.003 km at 35° N
const DLAT = 0.009; // ≈ 0.999 km
const NX = 46;
const NY = 45;
const CELLS = 1237; // plan §1.2: 1,237 km²

// Deterministic pseudo-random numbers (mulberry32).
let seed = 0x5eed_1408;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
const csvCell = (value: string | number | boolean): string => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csv = (header: string[], rows: Array<Array<string | number | boolean>>): string => `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;

// ---------------------------------------------------------------------------------------------------------
// The district: exactly 1,237 grid squares of ~1 km², a star-shaped blob around the city (approximate).
const CENTER = { lon: 111.04, lat: 35.05 };
function shapeScore(lon: number, lat: number): number {
  const x = (lon - CENTER.lon) / 0.25;
  const y = (lat - CENTER.lat) / 0.2;
  const angle = Math.atan2(y, x);
  const radius = 1 + 0.1 * Math.sin(3 * angle + 1) + 0.06 * Math.cos(5 * angle) + 0.04 * Math.sin(7 * angle + 2);
  return Math.hypot(x, y) / radius;
}
interface Square {
  i: number;
  j: number;
  lon: number;
  lat: number;
}
const squares: Square[] = [];
for (let i = 0; i < NX; i++) {
  for (let j = 0; j < NY; j++) squares.push({ i, j, lon: LON0 + (i + 0.5) * DLON, lat: LAT0 + (j + 0.5) * DLAT });
}
const chosen = squares
  .map((square) => ({ square, score: shapeScore(square.lon, square.lat) }))
  .sort((a, b) => a.score - b.score || a.square.i - b.square.i || a.square.j - b.square.j)
  .slice(0, CELLS)
  .map((entry) => entry.square)
  .sort((a, b) => b.j - a.j || a.i - b.i); // raster order, north-west first
const inMask = new Set(chosen.map((square) => `${square.i},${square.j}`));
const ring = (square: Square): Position[] => {
  const x0 = round6(LON0 + square.i * DLON);
  const x1 = round6(LON0 + (square.i + 1) * DLON);
  const y0 = round6(LAT0 + square.j * DLAT);
  const y1 = round6(LAT0 + (square.j + 1) * DLAT);
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
};

// ---------------------------------------------------------------------------------------------------------
// The 21 township-level units of plan §1.2, with invented codes and approximate seats.
interface Unit {
  code: string;
  name: string;
  kind: 'township' | 'town' | 'subdistrict';
  lon: number;
  lat: number;
  /** Power-diagram weight: larger takes more land. */
  weight: number;
}
const units: Unit[] = [
  ...(
    [
      ['中城街道', 111.0, 35.03],
      ['东城街道', 111.03, 35.03],
      ['西城街道', 110.97, 35.03],
      ['南城街道', 111.0, 35.01],
      ['北城街道', 111.0, 35.05],
      ['安邑街道', 111.05, 35.065],
      ['大渠街道', 111.05, 35.005],
      ['姚孟街道', 110.955, 35.0],
    ] as const
  ).map(([name, lon, lat], index) => ({ code: `1408020${String(index + 1).padStart(2, '0')}`, name, kind: 'subdistrict' as const, lon, lat, weight: 0 })),
  ...(
    [
      ['解州镇', 110.85, 34.92],
      ['龙居镇', 111.2, 35.07],
      ['北相镇', 111.06, 35.17],
      ['泓芝驿镇', 111.17, 34.98],
      ['三路里镇', 110.92, 35.15],
      ['陶村镇', 111.14, 35.17],
      ['东郭镇', 111.14, 34.92],
    ] as const
  ).map(([name, lon, lat], index) => ({ code: `1408021${String(index).padStart(2, '0')}`, name, kind: 'town' as const, lon, lat, weight: 0.0045 })),
  ...(
    [
      ['席张乡', 110.82, 35.0],
      ['金井乡', 110.89, 35.06],
      ['王范乡', 110.99, 35.12],
      ['冯村乡', 111.02, 35.22],
      ['上郭乡', 110.87, 35.19],
      ['上王乡', 110.95, 34.9],
    ] as const
  ).map(([name, lon, lat], index) => ({ code: `1408022${String(index).padStart(2, '0')}`, name, kind: 'township' as const, lon, lat, weight: 0.0035 })),
];
const KM = { x: 1 / 91.2, y: 1 / 111.0 }; // degrees per km
function unitOf(lon: number, lat: number): Unit {
  let best = units[0] as Unit;
  let bestScore = Infinity;
  for (const unit of units) {
    const dx = (lon - unit.lon) / KM.x / 100;
    const dy = (lat - unit.lat) / KM.y / 100;
    const score = dx * dx + dy * dy - unit.weight;
    if (score < bestScore) {
      bestScore = score;
      best = unit;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------
// Cells.
interface CellOut {
  id: string;
  name: string;
  unit: Unit;
  square: Square;
}
const perUnit = new Map<string, number>();
const cells: CellOut[] = chosen.map((square, index) => {
  const unit = unitOf(square.lon, square.lat);
  const n = (perUnit.get(unit.code) ?? 0) + 1;
  perUnit.set(unit.code, n);
  return { id: `YH${String(index + 1).padStart(4, '0')}`, name: `${unit.name}第${n}网格`, unit, square };
});
for (const unit of units) if (!perUnit.get(unit.code)) throw new Error(`${unit.name} got no cells: move its seat`);
const coverage = traceCoverage(cells.map((cell) => [[ring(cell.square)]]));
if (coverage.gaps.length > 0 || coverage.outlines.length !== 1) throw new Error(`the district mask has ${coverage.outlines.length} outlines and ${coverage.gaps.length} holes`);
const outline = coverage.outlines[0] as Position[];

const cellAt = (lon: number, lat: number): CellOut | undefined => {
  const i = Math.floor((lon - LON0) / DLON);
  const j = Math.floor((lat - LAT0) / DLAT);
  return inMask.has(`${i},${j}`) ? cells.find((cell) => cell.square.i === i && cell.square.j === j) : undefined;
};
/** A point inside the district near the one asked for (the nearest cell's centre when it falls outside). */
function inside(lon: number, lat: number): [number, number] {
  if (cellAt(lon, lat)) return [round6(lon), round6(lat)];
  const nearest = [...cells].sort((a, b) => Math.hypot(a.square.lon - lon, a.square.lat - lat) - Math.hypot(b.square.lon - lon, b.square.lat - lat))[0] as CellOut;
  return [round6(nearest.square.lon), round6(nearest.square.lat)];
}
const unitByName = (name: string): Unit => units.find((unit) => unit.name === name) as Unit;
const near = (unitName: string, dxKm = 0, dyKm = 0): [number, number] => {
  const unit = unitByName(unitName);
  return inside(unit.lon + dxKm * KM.x, unit.lat + dyKm * KM.y);
};

writeFileSync(
  resolve(OUT, 'district.geojson'),
  `${JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '140802', name: '盐湖区', demo: true }, geometry: { type: 'Polygon', coordinates: [outline] } }] })}\n`,
);
writeFileSync(resolve(OUT, 'townships.csv'), csv(['code', 'name', 'kind', 'district_code'], units.map((unit) => [unit.code, unit.name, unit.kind, '140802'])));
writeFileSync(
  resolve(OUT, 'cells.geojson'),
  `{"type":"FeatureCollection","features":[\n${cells
    .map((cell) => JSON.stringify({ type: 'Feature', properties: { id: cell.id, name: cell.name, township_code: cell.unit.code }, geometry: { type: 'Polygon', coordinates: [ring(cell.square)] } }))
    .join(',\n')}\n]}\n`,
);

// ---------------------------------------------------------------------------------------------------------
// Officers: one grid officer per cell, one supervisor per unit (all invented).
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '胡', '郭', '何', '高', '林', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '萧', '程', '曹', '袁', '邓', '许', '傅', '沈', '曾', '彭', '吕', '苏', '卢', '蒋', '蔡', '贾', '丁', '魏', '薛', '叶', '阎', '余', '潘', '杜', '戴', '夏', '钟', '汪', '田', '任', '姜', '范', '方', '石', '姚', '谭', '廖', '邹', '熊', '金', '陆', '郝', '孔', '白', '崔', '康', '毛', '邱', '秦', '江', '史', '顾', '侯', '邵', '孟', '龙', '万', '段', '雷', '钱', '汤', '尹', '黎', '易', '常', '武', '乔', '贺', '赖', '龚', '文'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '建华', '晓东', '海燕', '志强', '红梅', '国庆', '文博', '晋生', '运杰', '河东', '盐生', '建军', '玉兰', '春生', '晓燕', '宏伟', '丽华', '振华'];
const personName = (): string => `${pick(SURNAMES)}${pick(GIVEN)}`;
const phone = (n: number): string => `sms:1390359${String(n).padStart(4, '0')}`;
const officerRows: Array<Array<string | number | boolean>> = [];
units.forEach((unit, index) => officerRows.push([`SV-${unit.code}`, personName(), 'supervisor', unit.code, '', phone(9000 + index), true, '']));
cells.forEach((cell, index) => {
  // A few demo roster shifts: weekend duty in December 2026 where a neighbour covers.
  const roster = index % 250 === 7 && cells[index + 1] ? `${cells[index + 1]?.id}@2026-12-05T08:00:00+08:00/2026-12-06T20:00:00+08:00` : '';
  officerRows.push([`GO-${cell.id}`, personName(), 'grid_officer', cell.unit.code, cell.id, phone(index + 1), true, roster]);
});
officerRows.push(['CC-0001', personName(), 'command_center', '', '', phone(9900), true, '']);
writeFileSync(resolve(OUT, 'officers.csv'), csv(['id', 'name', 'role', 'township_code', 'cell_ids', 'contact', 'active', 'roster'], officerRows));

// ---------------------------------------------------------------------------------------------------------
// Enterprises named in plan §2.1.1–2.1.5 (USCCs invented, valid check characters), with plausible outlets.
interface Limits {
  [factor: string]: number;
}
interface OutletSpec {
  id: string;
  kind: 'flue_gas' | 'wastewater';
  name: string;
  limits: Limits;
  power?: boolean;
}
interface EnterpriseSpec {
  name: string;
  industry: string;
  key: boolean;
  at: [number, number];
  section: string;
  outlets: OutletSpec[];
}
const FLUE_POWER: Limits = { a21026: 35, a21002: 50, a34013: 10 }; // ultra-low emission, thermal power
const FLUE_CEMENT: Limits = { a21026: 100, a21002: 320, a34013: 20 }; // special emission limits, cement kiln
const FLUE_BOILER: Limits = { a21026: 50, a21002: 150, a34013: 20 };
const WATER_INDUSTRY: Limits = { w01018: 100, w21003: 15, w01001: 9 };
const WATER_SEWAGE: Limits = { w01018: 50, w21003: 5, w21011: 0.5, w01001: 9 };
const enterpriseSpecs: EnterpriseSpec[] = [
  { name: '运城关铝热电有限公司', industry: '火力发电', key: true, section: '§2.1.1', at: near('泓芝驿镇', -3, 2), outlets: [
    { id: 'DA001', kind: 'flue_gas', name: '1号机组烟囱', limits: FLUE_POWER, power: true },
    { id: 'DA002', kind: 'flue_gas', name: '2号机组烟囱', limits: FLUE_POWER },
  ] },
  { name: '运城市盐湖区晋运水泥厂', industry: '水泥制造', key: true, section: '§2.1.1', at: near('上王乡', 1, 1), outlets: [{ id: 'DA001', kind: 'flue_gas', name: '窑尾烟囱', limits: FLUE_CEMENT, power: true }] },
  { name: '威顿水泥集团有限责任公司运城分公司', industry: '水泥制造', key: true, section: '§2.1.1', at: near('东郭镇', -2, 3), outlets: [
    { id: 'DA001', kind: 'flue_gas', name: '窑尾烟囱', limits: FLUE_CEMENT, power: true },
    { id: 'DA002', kind: 'flue_gas', name: '窑头烟囱', limits: { a34013: 20 } },
  ] },
  { name: '陕西海盛果业发展有限公司运城分公司', industry: '果蔬汁加工', key: true, section: '§2.1.2', at: near('陶村镇', 2, -2), outlets: [{ id: 'DW001', kind: 'wastewater', name: '废水总排口', limits: WATER_INDUSTRY }] },
  { name: '石药银湖有限公司', industry: '化学药品制造', key: true, section: '§2.1.2', at: near('安邑街道', 1, 1), outlets: [
    { id: 'DW001', kind: 'wastewater', name: '废水总排口', limits: WATER_INDUSTRY },
    { id: 'DA001', kind: 'flue_gas', name: '锅炉烟囱', limits: FLUE_BOILER },
  ] },
  { name: '运城市自强纸业有限公司', industry: '造纸', key: true, section: '§2.1.2, §2.1.4', at: near('金井乡', 2, -1), outlets: [
    { id: 'DW001', kind: 'wastewater', name: '废水总排口', limits: WATER_INDUSTRY },
    { id: 'DA001', kind: 'flue_gas', name: '锅炉烟囱', limits: FLUE_BOILER },
  ] },
  { name: '运城市宏盛源食品有限公司', industry: '食品制造', key: false, section: '§2.1.2', at: near('北相镇', -1, -2), outlets: [{ id: 'DW001', kind: 'wastewater', name: '废水排口', limits: WATER_INDUSTRY }] },
  { name: '运城首创水务有限公司（城西污水处理厂）', industry: '污水处理', key: true, section: '§2.1.2, §2.1.4', at: near('西城街道', -2, 0), outlets: [{ id: 'DW001', kind: 'wastewater', name: '出水口', limits: WATER_SEWAGE }] },
  { name: '盐湖高新技术产业开发区污水处理厂', industry: '污水处理', key: true, section: '§2.1.2', at: near('龙居镇', -3, 0), outlets: [{ id: 'DW001', kind: 'wastewater', name: '出水口', limits: WATER_SEWAGE }] },
  { name: '中国石化销售股份有限公司山西运城石油分公司', industry: '成品油批发', key: false, section: '§2.1.3', at: near('东城街道', 1, 0), outlets: [] },
  { name: '山西昇运有色金属有限公司', industry: '有色金属冶炼', key: true, section: '§2.1.3', at: near('解州镇', 3, 2), outlets: [{ id: 'DA001', kind: 'flue_gas', name: '熔炼烟囱', limits: { a21026: 100, a21002: 200, a34013: 10 } }] },
  { name: '南风化工集团股份有限公司钡盐分公司', industry: '无机盐制造', key: true, section: '§2.1.3, §2.1.4', at: near('姚孟街道', 1, -1), outlets: [
    { id: 'DA001', kind: 'flue_gas', name: '回转窑烟囱', limits: { a21026: 100, a21002: 200, a34013: 20 } },
    { id: 'DW001', kind: 'wastewater', name: '废水总排口', limits: WATER_INDUSTRY },
  ] },
  { name: '山西德道方略金属材料有限公司', industry: '金属材料', key: true, section: '§2.1.3, §2.1.4', at: near('泓芝驿镇', 2, -2), outlets: [{ id: 'DW001', kind: 'wastewater', name: '废水排口', limits: { w01018: 100, w21003: 15 } }] },
  { name: '山西省运城市解州福利建材化工厂', industry: '建材化工', key: false, section: '§2.1.4', at: near('解州镇', 1, -1), outlets: [{ id: 'DA001', kind: 'flue_gas', name: '烟囱', limits: FLUE_BOILER }] },
  { name: '运城市亚泰化工有限公司', industry: '化学原料', key: true, section: '§2.1.4', at: near('席张乡', 3, 1), outlets: [{ id: 'DA001', kind: 'flue_gas', name: '工艺废气排口', limits: FLUE_BOILER }] },
  { name: '运城市绿港热力有限公司', industry: '热力生产', key: true, section: '§2.1.4', at: near('北城街道', 0, 2), outlets: [{ id: 'DA001', kind: 'flue_gas', name: '供热锅炉烟囱', limits: FLUE_BOILER, power: true }] },
  { name: '运城市安康医疗废物处置厂', industry: '危险废物处置', key: true, section: '§2.1.4', at: near('王范乡', 2, 1), outlets: [{ id: 'DA001', kind: 'flue_gas', name: '焚烧炉烟囱', limits: { a21026: 100, a21002: 300, a34013: 30 } }] },
  { name: '运城制版有限公司', industry: '涉重金属（制版）', key: true, section: '§2.1.4', at: near('东城街道', 2, 2), outlets: [{ id: 'DW001', kind: 'wastewater', name: '废水排口', limits: { w01018: 80, w21003: 15 } }] },
  { name: '运城市盐湖区北相今丽特种制版厂', industry: '涉重金属（制版）', key: false, section: '§2.1.4', at: near('北相镇', 1, 1), outlets: [{ id: 'DW001', kind: 'wastewater', name: '废水排口', limits: { w01018: 80 } }] },
  { name: '运城市盐湖区解州荣春五金厂', industry: '涉重金属（五金）', key: false, section: '§2.1.4', at: near('解州镇', -1, 2), outlets: [] },
  { name: '运城市盐湖区陶村鑫海金属加工厂', industry: '涉重金属（金属加工）', key: false, section: '§2.1.4', at: near('陶村镇', -1, 1), outlets: [] },
  { name: '中磁科技股份有限公司', industry: '磁性材料', key: true, section: '§2.1.4', at: near('龙居镇', 1, -2), outlets: [{ id: 'DW001', kind: 'wastewater', name: '废水排口', limits: WATER_INDUSTRY }] },
  { name: '运城市京华金属制品厂', industry: '涉重金属（金属制品）', key: false, section: '§2.1.4', at: near('三路里镇', 1, -1), outlets: [] },
  { name: '运城市溴宝科技有限公司', industry: '溴化物制造', key: true, section: '§2.1.5', at: near('大渠街道', 2, -4), outlets: [{ id: 'DW001', kind: 'wastewater', name: '废水排口', limits: WATER_INDUSTRY }] },
];
const orgCode = (index: number): string => {
  const digits = String(71_000_000 + index * 7_919_3 + Math.floor(random() * 1000)).slice(0, 8);
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...digits].reduce((total, char, at) => total + Number(char) * (weights[at] as number), 0);
  const check = 11 - (sum % 11);
  return `${digits}${check === 10 ? 'X' : check === 11 ? '0' : check}`;
};
const enterprises = enterpriseSpecs.map((spec, index) => ({ ...spec, uscc: withUsccCheckCharacter(`91140802${orgCode(index)}`) }));
const limitsText = (limits: Limits): string => Object.entries(limits).map(([code, value]) => `${code}=${value}`).join(',');
const outletAt = (at: [number, number], index: number): [number, number] => inside(at[0] + (index + 1) * 0.0008, at[1] + 0.0005);
writeFileSync(
  resolve(OUT, 'enterprises.csv'),
  csv(
    ['uscc', 'name', 'industry', 'key_discharge_unit', 'permit_number', 'lon', 'lat', 'outlets'],
    enterprises.map((enterprise, index) => [
      enterprise.uscc,
      enterprise.name,
      enterprise.industry,
      enterprise.key,
      `91140802${String(index + 1).padStart(4, '0')}P`,
      enterprise.at[0],
      enterprise.at[1],
      enterprise.outlets.map((outlet, at) => [outlet.id, outlet.kind, outlet.name, ...outletAt(enterprise.at, at), limitsText(outlet.limits)].join('|')).join(';'),
    ]),
  ),
);

// ---------------------------------------------------------------------------------------------------------
// Devices (MNs, passwords and positions invented).
const hex = (length: number): string => Array.from({ length }, () => '0123456789ABCDEF'[Math.floor(random() * 16)]).join('');
const password = (): string => hex(6);
const deviceRows: Array<Array<string | number | boolean>> = [];
const AIR_FACTORS = 'a21026:ug/m3;a21004:ug/m3;a34002:ug/m3;a34004:ug/m3;a05024:ug/m3;a21005:mg/m3';
// Plan §2.1.6: the four national air quality stations.
(
  [
    ['运城中学', near('中城街道', 0.5, 0.3)],
    ['水利职院', near('东城街道', 1.5, 1)],
    ['地区技校', near('北城街道', -1, 0.5)],
    ['禹都公园', near('南城街道', 0.5, -0.5)],
  ] as Array<[string, [number, number]]>
).forEach(([name, at], index) => deviceRows.push([`140802AQ${String(index + 1).padStart(2, '0')}${hex(14)}`, `${name}国控空气站`, 'national_air_station', at[0], at[1], '', '', AIR_FACTORS, password(), 2017, false, true, '22']));
// Micro air stations every 5 km, mixed protocols (2005 devices send 14-character MNs and are tolerant).
let micro = 0;
for (const cell of cells) {
  if (cell.square.i % 5 !== 2 || cell.square.j % 5 !== 2) continue;
  micro += 1;
  const protocol = micro % 5 === 0 ? 2005 : micro % 7 === 0 ? 2025 : 2017;
  const mn = protocol === 2005 ? `3508${String(micro).padStart(6, '0')}${hex(4)}` : `140802WZ${String(micro).padStart(4, '0')}${hex(12)}`;
  deviceRows.push([mn, `${cell.unit.name}微站${micro}`, 'micro_air_station', round6(cell.square.lon + 0.002), round6(cell.square.lat - 0.001), '', '', 'a34002:ug/m3;a34004:ug/m3;a21026:ug/m3;a21004:ug/m3;a05024:ug/m3;a21005:mg/m3;a01001:C;a01002:%', password(), protocol, protocol === 2005 || micro % 4 === 0, true, '22']);
}
// Plan §2.2.2: the 姚暹渠 曾家营 provincial section; limits = the 2020 assessment targets (COD ≤ 40, NH3-N ≤ 2, TP ≤ 0.4 mg/L).
const zengjiaying = near('姚孟街道', -1.5, 1.2);
deviceRows.push([`140802SZ01${hex(14)}`, '姚暹渠曾家营断面水质自动站', 'water_station', zengjiaying[0], zengjiaying[1], '', '', 'w01018:mg/L:40;w21003:mg/L:2;w21011:mg/L:0.4;w01001:;w01009:mg/L;w01010:C', password(), 2017, false, true, '21']);
// Outlet devices: CEMS on flue-gas outlets, online monitors on wastewater outlets, power-usage monitors.
enterprises.forEach((enterprise, index) => {
  enterprise.outlets.forEach((outlet, at) => {
    const [lon, lat] = outletAt(enterprise.at, at);
    const protocol = index % 6 === 5 ? 2005 : index % 9 === 4 ? 2025 : 2017;
    const mn = protocol === 2005 ? `1408${String(index + 1).padStart(3, '0')}${outlet.id}${hex(2)}` : `91140802${String(index + 1).padStart(3, '0')}${outlet.id}${hex(8)}`;
    const factors =
      outlet.kind === 'flue_gas'
        ? [...Object.entries(outlet.limits).map(([code, limit]) => `${code}:mg/m3:${limit}:zs`), 'a19001:%', 'a01011:m/s', 'a01012:C', 'a00000:m3/s'].join(';')
        : [...Object.entries(outlet.limits).map(([code, limit]) => (code === 'w01001' ? `w01001::${limit}` : `${code}:mg/L:${limit}`)), 'w00000:L/s'].join(';');
    deviceRows.push([mn, `${enterprise.name}${outlet.name}${outlet.kind === 'flue_gas' ? 'CEMS' : '在线监测'}`, outlet.kind === 'flue_gas' ? 'flue_gas_cems' : 'wastewater_outlet', lon, lat, enterprise.uscc, outlet.id, factors, password(), protocol, protocol === 2005, true, outlet.kind === 'flue_gas' ? '31' : '32']);
    if (outlet.power) {
      deviceRows.push([`91140802${String(index + 1).padStart(3, '0')}PW${String(at + 1).padStart(2, '0')}${hex(9)}`, `${enterprise.name}${outlet.name}治污设施用电监控`, 'power_usage_monitor', lon, lat, enterprise.uscc, outlet.id, '', password(), 2017, false, true, '']);
    }
  });
});
// The emergency service's demo water-source station (emergency-demo.ts): fixed values, appended last.
deviceRows.push(...EMERGENCY_DEMO_DEVICE_ROWS);
writeFileSync(resolve(OUT, 'devices.csv'), csv(['mn', 'name', 'kind', 'lon', 'lat', 'enterprise_uscc', 'outlet_id', 'factors', 'password', 'protocol', 'tolerant', 'enabled', 'system_code'], deviceRows));

// ---------------------------------------------------------------------------------------------------------
// Targets: sensitive targets, risk sources and emergency resources (plan §5.8.1's three databases).
const circle = ([lon, lat]: [number, number], radiusM: number, sides = 24): string => {
  const coordinates: Position[] = [];
  for (let k = 0; k < sides; k++) {
    const angle = (2 * Math.PI * k) / sides;
    coordinates.push([round6(lon + (radiusM / 1000) * KM.x * Math.cos(angle)), round6(lat + (radiusM / 1000) * KM.y * Math.sin(angle))]);
  }
  coordinates.push(coordinates[0] as Position);
  return JSON.stringify({ type: 'Polygon', coordinates: [coordinates] });
};
const ellipse = ([lon, lat]: [number, number], xKm: number, yKm: number, sides = 32): string => {
  const coordinates: Position[] = [];
  for (let k = 0; k < sides; k++) {
    const angle = (2 * Math.PI * k) / sides;
    coordinates.push([round6(lon + xKm * KM.x * Math.cos(angle)), round6(lat + yKm * KM.y * Math.sin(angle))]);
  }
  coordinates.push(coordinates[0] as Position);
  return JSON.stringify({ type: 'Polygon', coordinates: [coordinates] });
};
const targetRows: Array<Array<string | number>> = [];
const point = (id: string, name: string, kind: string, at: [number, number], attributes: string): void => void targetRows.push([id, name, kind, at[0], at[1], '', '', attributes]);
const area = (id: string, name: string, kind: string, geometry: string, attributes: string): void => void targetRows.push([id, name, kind, '', '', geometry, '', attributes]);
// Plan §2.1.2: one surface-water and ten groundwater drinking-water sources; zones are approximate circles.
(
  [
    ['大渠街道东孙坞饮用水源地', '地表水', near('大渠街道', 1, -1)],
    ['上王乡垣峪村饮用水源地', '地下水', near('上王乡', -1, -2)],
    ['解州镇解州村饮用水源地', '地下水', near('解州镇', 0.5, 0.5)],
    ['三路里集中式饮用水源地', '地下水', near('三路里镇', 0, 1)],
    ['振新庄集中式饮用水源地', '地下水', near('金井乡', -2, 2)],
    ['水渠集中式饮用水源地', '地下水', near('王范乡', -2, -1)],
    ['陶村镇集中供水水源地', '地下水', near('陶村镇', 0, 1)],
    ['东郭集中供水水源地', '地下水', near('东郭镇', 1, 0)],
    ['解州集中供水水源地', '地下水', near('解州镇', -2, -1)],
    ['席张集中供水水源地', '地下水', near('席张乡', 0, 1)],
    ['上王集中供水水源地', '地下水', near('上王乡', 1, 0)],
  ] as Array<[string, string, [number, number]]>
).forEach(([name, type, at], index) => {
  const id = `DWS${String(index + 1).padStart(2, '0')}`;
  area(`${id}-1`, `${name}一级保护区`, 'drinking_water_source', circle(at, type === '地表水' ? 300 : 50, 16), `source=${name};type=${type};zone=一级;plan=§2.1.2`);
  area(`${id}-2`, `${name}二级保护区`, 'drinking_water_source', circle(at, type === '地表水' ? 1000 : 300), `source=${name};type=${type};zone=二级;plan=§2.1.2`);
});
// Plan §2.1.5: 运城湿地省级自然保护区 along the lakes south of the city, east to 东郭, west to 席张 (approximate).
const reserveCenter = inside(111.0, 34.965);
area('NR01', '山西运城湿地省级自然保护区（盐湖区段）', 'nature_reserve', ellipse(reserveCenter, 17, 3.2, 48), 'level=省级;area_mu=280000;water_mu=72000;plan=§2.1.5');
(
  [
    ['鸭子池', inside(111.1, 34.975), 2.2, 1.2],
    ['盐湖', inside(111.0, 34.97), 6, 1.6],
    ['汤里滩', inside(110.93, 34.955), 2, 1],
    ['硝池', inside(110.87, 34.95), 3, 1.1],
    ['北门滩', inside(111.05, 34.99), 1.5, 0.7],
  ] as Array<[string, [number, number], number, number]>
).forEach(([name, at, x, y], index) => area(`NR01-L${index + 1}`, `运城湿地保护区${name}`, 'nature_reserve', ellipse(at, x, y), `part_of=NR01;type=湖泊;plan=§2.1.5`));
area('ERL01', '稷王山南部水源涵养生态保护红线', 'ecological_red_line', ellipse(inside(111.06, 35.21), 6, 2.5), 'control=二级管控区;plan=§2.1.5');
area('ERL02', '硝池水源涵养生态保护红线', 'ecological_red_line', ellipse(inside(110.87, 34.95), 4, 1.8), 'control=二级管控区;plan=§2.1.5');
area('ERL03', '盐湖区南部中条山水源涵养生态保护红线', 'ecological_red_line', ellipse(inside(110.95, 34.885), 10, 2.2), 'control=二级管控区;plan=§2.1.5');
// Schools and hospitals the plan names (§2.1.6 station sites, §2.1.4 radiation-source users); residential areas invented.
point('SCH01', '运城中学', 'school', near('中城街道', 0.5, 0.3), 'plan=§2.1.6');
point('SCH02', '运城水利职业技术学院', 'school', near('东城街道', 1.5, 1), 'plan=§2.1.6');
point('SCH03', '运城地区技工学校', 'school', near('北城街道', -1, 0.5), 'plan=§2.1.6');
point('HOS01', '山西省运城市中心医院', 'hospital', near('中城街道', -0.5, -0.5), 'radioactive_sources=3;plan=§2.1.4');
point('HOS02', '运城市第一医院', 'hospital', near('西城街道', 0.5, 0.5), 'radioactive_sources=3;plan=§2.1.4');
['中城', '东城', '西城', '南城', '北城', '安邑'].forEach((name, index) =>
  area(`RES0${index + 1}`, `${name}居民集中区（示例）`, 'residential_area', circle(near(`${name}街道`, 0.3, -0.3), 600), 'invented=true'),
);
// Risk sources (plan §5.8.1): chemical stores, hazardous-waste sites, sewage plants (§2.1.2, §2.1.4).
const enterpriseAt = (name: string): [number, number] => (enterprises.find((enterprise) => enterprise.name === name) as EnterpriseSpec).at;
point('RSK01', '南风化工钡盐分公司（二部）危化品库', 'hazardous_chemical_store', inside(enterpriseAt('南风化工集团股份有限公司钡盐分公司')[0] + 0.003, enterpriseAt('南风化工集团股份有限公司钡盐分公司')[1]), 'plan=§2.1.3');
point('RSK02', '南风化工钡盐分公司（九部）危化品库', 'hazardous_chemical_store', near('姚孟街道', -1, 1), 'plan=§2.1.3');
point('RSK03', '运城市亚泰化工有限公司危化品库', 'hazardous_chemical_store', inside(enterpriseAt('运城市亚泰化工有限公司')[0] + 0.002, enterpriseAt('运城市亚泰化工有限公司')[1] + 0.001), 'plan=§2.1.4');
point('RSK04', '运城市安康医疗废物处置厂', 'hazardous_waste_site', enterpriseAt('运城市安康医疗废物处置厂'), 'annual_t=755.6;plan=§2.1.4');
point('RSK05', '运城首创城西污水处理厂', 'sewage_plant', enterpriseAt('运城首创水务有限公司（城西污水处理厂）'), 'capacity_t_per_day=80000;plan=§2.1.2');
point('RSK06', '盐湖高新区污水处理厂', 'sewage_plant', enterpriseAt('盐湖高新技术产业开发区污水处理厂'), 'capacity_t_per_day=40000;plan=§2.1.2');
(
  [
    ['东郭镇袁家村旅游集聚区污水处理站', near('东郭镇', 2, 1)],
    ['龙居镇龙居污水处理站', near('龙居镇', 0, 0.5)],
    ['上郭乡苏村污水处理站', near('上郭乡', 1, -1)],
    ['王范乡姚张村污水处理站', near('王范乡', 1, -1)],
  ] as Array<[string, [number, number]]>
).forEach(([name, at], index) => point(`RSK${String(index + 7).padStart(2, '0')}`, name, 'sewage_plant', at, 'rural=true;plan=§2.1.2'));
// Emergency resources (plan §5.8.1 asks for the database; every entry invented).
point('EMR01', '盐湖区生态环境应急队', 'emergency_team', near('中城街道', 0.8, 0.2), 'members=24;invented=true');
point('EMR02', '应急监测车（一）', 'emergency_monitoring_vehicle', near('中城街道', 0.8, 0.2), 'factors=VOCs,SO2,NOx;invented=true');
point('EMR03', '应急监测车（二）', 'emergency_monitoring_vehicle', near('安邑街道', 0, 0), 'factors=COD,NH3-N,pH;invented=true');
point('EMR04', '城区应急物资库', 'emergency_supplies', near('北城街道', 0.5, 0.5), 'stock=吸附棉,围油栏,活性炭;invented=true');
point('EMR05', '东郭镇应急物资点', 'emergency_supplies', near('东郭镇', 0, 0.5), 'stock=沙袋,中和剂;invented=true');
writeFileSync(resolve(OUT, 'targets.csv'), csv(['id', 'name', 'kind', 'lon', 'lat', 'geometry', 'township_code', 'attributes'], targetRows));

process.stdout.write(
  `yanhu: ${cells.length} cells in ${units.length} units (${units.map((unit) => `${unit.name} ${perUnit.get(unit.code)}`).join(', ')}), ${officerRows.length} officers, ${enterprises.length} enterprises, ${deviceRows.length} devices, ${targetRows.length} targets\n`,
);
