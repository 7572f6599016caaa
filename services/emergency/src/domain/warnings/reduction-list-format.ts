import { invalidArgument } from '@ecogrid/domain-errors';
import { isWarningLevel, type WarningLevel } from './warning-level';
import type { Grade, LevelMeasures, ReducedLevel, ReductionListEntry } from './reduction-list';

/**
 * The CSV form of a reduction list: one row per enterprise and level, UTF-8 (a BOM is ignored), header first.
 * `reduced_levels` lists `outlet:factor=limit` separated by `;`, e.g. `DA001:a21002=60;DA001:a34013=10`.
 * A and 引领性 enterprises may leave `level` empty: they are listed, and tracked as 自主减排.
 */
export const CSV_COLUMNS = ['uscc', 'name', 'industry', 'grade', 'grade_valid_until', 'level', 'production_limit_percent', 'stop', 'transport_restriction', 'reduced_levels'] as const;

/** Splits one CSV line (RFC 4180 quoting: "a,b" and "" inside quotes). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index];
    if (quoted) {
      if (character === '"' && line[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      cells.push(cell);
      cell = '';
    } else cell += character;
  }
  cells.push(cell);
  return cells.map((value) => value.trim());
}

function flag(value: string, field: string): boolean {
  const normal = value.toLowerCase();
  if (['', '0', 'false', 'no', '否'].includes(normal)) return false;
  if (['1', 'true', 'yes', '是'].includes(normal)) return true;
  throw invalidArgument(field, `无法识别的是/否值 "${value}" (expected true/false, 是/否)`, 'bad_flag');
}

function date(value: string, field: string): Date | undefined {
  if (!value) return undefined;
  const parsed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59+08:00` : value);
  if (Number.isNaN(parsed.getTime())) throw invalidArgument(field, `无法识别的日期 "${value}" (expected YYYY-MM-DD)`, 'bad_date');
  return parsed;
}

function number(value: string, field: string): number {
  const parsed = value === '' ? 0 : Number(value);
  if (!Number.isFinite(parsed)) throw invalidArgument(field, `无法识别的数值 "${value}" (not a number)`, 'bad_number');
  return parsed;
}

function reducedLevels(value: string, field: string): ReducedLevel[] {
  if (!value) return [];
  return value.split(';').filter(Boolean).map((item, index) => {
    const match = /^\s*([^:=]+):([^:=]+)=\s*([^:=]+)\s*$/.exec(item);
    if (!match) throw invalidArgument(`${field}[${index}]`, `应急减排限值格式应为 排口:因子=限值 (expected outlet:factor=limit, got "${item}")`, 'bad_reduced_level');
    return { outletId: (match[1] as string).trim(), factorCode: (match[2] as string).trim(), limitMgM3: number((match[3] as string).trim(), `${field}[${index}]`) };
  });
}

/** Parses the CSV form; structure only (validateReductionList checks the values). */
export function parseReductionListCsv(content: string): ReductionListEntry[] {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = splitCsvLine(lines[0] ?? '');
  const missing = CSV_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) throw invalidArgument('content', `CSV 表头缺少列 ${missing.join(', ')} (missing columns)`, 'bad_csv_header');
  const at = (cells: string[], column: (typeof CSV_COLUMNS)[number]): string => cells[header.indexOf(column)] ?? '';
  const entries = new Map<string, ReductionListEntry>();
  lines.slice(1).forEach((line, index) => {
    const row = `rows[${index + 2}]`;
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) throw invalidArgument(row, `第 ${index + 2} 行有 ${cells.length} 列，表头有 ${header.length} 列 (row has the wrong number of columns)`, 'bad_csv_row');
    const uscc = at(cells, 'uscc');
    const entry = entries.get(uscc) ?? { uscc, name: at(cells, 'name'), industry: at(cells, 'industry'), grade: at(cells, 'grade') as Grade, measures: {} };
    const validUntil = date(at(cells, 'grade_valid_until'), `${row}.grade_valid_until`);
    if (validUntil) entry.gradeValidUntil = validUntil;
    entries.set(uscc, entry);
    const level = at(cells, 'level');
    if (!level) return;
    if (!isWarningLevel(level)) throw invalidArgument(`${row}.level`, `未知的预警级别 ${level} (level must be yellow, orange or red)`, 'unknown_level');
    if (entry.measures[level]) throw invalidArgument(`${row}.level`, `企业 ${uscc} 的 ${level} 级措施出现两次 (listed twice)`, 'duplicate_level');
    entry.measures[level] = {
      productionLimitPercent: number(at(cells, 'production_limit_percent'), `${row}.production_limit_percent`),
      stop: flag(at(cells, 'stop'), `${row}.stop`),
      transportRestriction: flag(at(cells, 'transport_restriction'), `${row}.transport_restriction`),
      reducedLevels: reducedLevels(at(cells, 'reduced_levels'), `${row}.reduced_levels`),
    };
  });
  return [...entries.values()];
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/**
 * Parses the JSON form: an array of `{ uscc, name, industry, grade, gradeValidUntil?, measures: { yellow?: {
 * productionLimitPercent, stop, transportRestriction, reducedLevels: [{ outletId, factorCode, limitMgM3 }] }, … } }`.
 */
export function parseReductionListJson(content: string): ReductionListEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    throw invalidArgument('content', `JSON 无法解析 (not JSON: ${(error as Error).message})`, 'bad_json');
  }
  if (!Array.isArray(parsed)) throw invalidArgument('content', 'JSON 须为企业条目数组 (expected an array of entries)', 'bad_json');
  return parsed.map((item: unknown, index) => {
    const field = `entries[${index}]`;
    if (!isObject(item)) throw invalidArgument(field, '条目须为对象 (an entry must be an object)', 'bad_json');
    const measures: Partial<Record<WarningLevel, LevelMeasures>> = {};
    const given = isObject(item.measures) ? item.measures : {};
    for (const [level, value] of Object.entries(given)) {
      if (!isWarningLevel(level)) throw invalidArgument(`${field}.measures.${level}`, `未知的预警级别 ${level} (level must be yellow, orange or red)`, 'unknown_level');
      if (!isObject(value)) throw invalidArgument(`${field}.measures.${level}`, '措施须为对象 (measures must be an object)', 'bad_json');
      const levels = Array.isArray(value.reducedLevels) ? value.reducedLevels : [];
      measures[level] = {
        productionLimitPercent: typeof value.productionLimitPercent === 'number' ? value.productionLimitPercent : 0,
        stop: value.stop === true,
        transportRestriction: value.transportRestriction === true,
        reducedLevels: levels.map((reduced: unknown) => {
          const object = isObject(reduced) ? reduced : {};
          return { outletId: text(object.outletId), factorCode: text(object.factorCode), limitMgM3: typeof object.limitMgM3 === 'number' ? object.limitMgM3 : Number.NaN };
        }),
      };
    }
    const validUntil = date(text(item.gradeValidUntil), `${field}.grade_valid_until`);
    return { uscc: text(item.uscc), name: text(item.name), industry: text(item.industry), grade: text(item.grade) as Grade, ...(validUntil ? { gradeValidUntil: validUntil } : {}), measures };
  });
}
