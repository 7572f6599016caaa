import { invalidArgument } from '@ecogrid/domain-errors';
import { validateUscc } from '@ecogrid/standards';
import { isWarningLevel, WARNING_LEVELS, type WarningLevel } from './warning-level';

/**
 * Performance grades of 重点行业绩效分级 (STANDARDS §6.2). Some industries also have a B- tier; A and 引领性
 * (leading) decide their own reductions (自主减排).
 */
export const GRADES = ['A', '引领性', 'B', 'B-', 'C', 'D'] as const;
export type Grade = (typeof GRADES)[number];

/** A and 引领性 enterprises are tracked, not forced, during a warning. */
export function isSelfDirected(grade: Grade): boolean {
  return grade === 'A' || grade === '引领性';
}

/** The emission level one measure implies for one factor at one outlet (mg/m³, hourly mean). */
export interface ReducedLevel {
  outletId: string;
  /** HJ 212 factor code, e.g. a21002 (NOx). */
  factorCode: string;
  limitMgM3: number;
}

/** What an enterprise must do at one warning level. */
export interface LevelMeasures {
  /** Production cut in percent of normal (0 = none). */
  productionLimitPercent: number;
  stop: boolean;
  transportRestriction: boolean;
  reducedLevels: ReducedLevel[];
}

/** One enterprise on the reduction list (减排清单) of a year. */
export interface ReductionListEntry {
  uscc: string;
  name: string;
  industry: string;
  grade: Grade;
  gradeValidUntil?: Date;
  measures: Partial<Record<WarningLevel, LevelMeasures>>;
}

const FACTOR_CODE = /^[a-z]\d{5}$|^[a-z]\d{2}[a-z0-9]{3}$/;

function checkMeasures(measures: LevelMeasures, field: string): void {
  if (!Number.isFinite(measures.productionLimitPercent) || measures.productionLimitPercent < 0 || measures.productionLimitPercent > 100) {
    throw invalidArgument(`${field}.production_limit_percent`, `减产比例须在 0–100 之间 (production limit must be 0–100 %, got ${measures.productionLimitPercent})`, 'bad_percent');
  }
  const seen = new Set<string>();
  measures.reducedLevels.forEach((level, index) => {
    const at = `${field}.reduced_levels[${index}]`;
    if (!level.outletId) throw invalidArgument(`${at}.outlet_id`, '应急减排限值须注明排口 (a reduced level needs an outlet)', 'missing_outlet');
    if (!FACTOR_CODE.test(level.factorCode)) throw invalidArgument(`${at}.factor_code`, `未知的监测因子编码 ${level.factorCode} (not an HJ 212 factor code)`, 'bad_factor');
    if (!Number.isFinite(level.limitMgM3) || level.limitMgM3 <= 0) throw invalidArgument(`${at}.limit_mg_m3`, `应急减排限值须为正数 (a reduced level must be positive, got ${level.limitMgM3})`, 'bad_limit');
    const key = `${level.outletId}/${level.factorCode}`;
    if (seen.has(key)) throw invalidArgument(at, `排口 ${level.outletId} 因子 ${level.factorCode} 重复 (listed twice)`, 'duplicate_reduced_level');
    seen.add(key);
  });
}

/**
 * Checks a whole list before anything is stored: every USCC (GB 32100-2015), grade, level and measure; one entry per
 * enterprise; B/C/D enterprises need measures at every level. The first problem is reported with the entry's position.
 */
export function validateReductionList(entries: readonly ReductionListEntry[]): void {
  if (entries.length === 0) throw invalidArgument('content', '减排清单为空 (the reduction list has no entries)', 'empty_list');
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const field = `entries[${index}]`;
    const uscc = validateUscc(entry.uscc);
    if (!uscc.valid) throw invalidArgument(`${field}.uscc`, `统一社会信用代码 ${entry.uscc} 无效 (invalid USCC: ${uscc.reason})`, 'bad_uscc');
    if (seen.has(entry.uscc)) throw invalidArgument(`${field}.uscc`, `企业 ${entry.uscc} 在清单中出现两次 (listed twice)`, 'duplicate_entry');
    seen.add(entry.uscc);
    if (!entry.name.trim()) throw invalidArgument(`${field}.name`, '企业名称不能为空 (name is required)', 'missing_name');
    if (!(GRADES as readonly string[]).includes(entry.grade)) throw invalidArgument(`${field}.grade`, `未知的绩效等级 ${entry.grade} (grade must be one of ${GRADES.join(', ')})`, 'unknown_grade');
    for (const level of Object.keys(entry.measures)) {
      if (!isWarningLevel(level)) throw invalidArgument(`${field}.measures.${level}`, `未知的预警级别 ${level} (level must be yellow, orange or red)`, 'unknown_level');
    }
    for (const level of WARNING_LEVELS) {
      const measures = entry.measures[level];
      if (measures) checkMeasures(measures, `${field}.measures.${level}`);
      else if (!isSelfDirected(entry.grade)) throw invalidArgument(`${field}.measures.${level}`, `${entry.grade} 级企业须列明 ${level} 级预警的减排措施 (a grade ${entry.grade} enterprise needs measures at ${level})`, 'missing_measures');
    }
  });
}
