import type { Grade, LevelMeasures, ReductionListEntry } from './reduction-list';
import { WARNING_LEVELS, type WarningLevel } from './warning-level';

/** What the demo list is built from: an enterprise of the registry with its flue-gas outlets and permit limits. */
export interface DemoEnterprise {
  uscc: string;
  name: string;
  industry: string;
  outlets: Array<{ id: string; kind: string; permitLimits: Array<{ factorCode: string; limit?: number }> }>;
}

/** Reduced level per warning level, as a share of the permit limit (illustrative: the real list states them). */
const LIMIT_SHARE: Record<WarningLevel, number> = { yellow: 0.8, orange: 0.65, red: 0.5 };
/** Production cut per grade and level, in percent (100: stop). Illustrative values of the 2020 technical guide's shape. */
const CUT: Record<'B' | 'B-' | 'C' | 'D', Record<WarningLevel, number>> = {
  B: { yellow: 10, orange: 20, red: 30 },
  'B-': { yellow: 15, orange: 25, red: 40 },
  C: { yellow: 20, orange: 30, red: 50 },
  D: { yellow: 30, orange: 50, red: 100 },
};
/** Grades in turn for the demo's industrial enterprises; power and heat plants (ultra-low emission) are A. */
const GRADE_CYCLE: readonly Grade[] = ['C', 'B', 'D', '引领性', 'C', 'B-', 'D', 'B'];

/**
 * The Yanhu demo's reduction list for a year: every enterprise with a flue-gas outlet, graded (power and heat
 * plants A, the rest in turn from GRADE_CYCLE by USCC order), with each level's production cut, transport
 * restriction (orange and red; D also yellow) and the reduced levels of its outlets' permit limits. Demo data,
 * marked so in the README: the district's real list comes from the bureau's annual 减排清单.
 */
export function demoReductionList(enterprises: readonly DemoEnterprise[], year: number): ReductionListEntry[] {
  const listed = enterprises.filter((enterprise) => enterprise.outlets.some((outlet) => outlet.kind === 'flue_gas')).sort((a, b) => a.uscc.localeCompare(b.uscc));
  let turn = 0;
  return listed.map((enterprise) => {
    const grade: Grade = /火力发电|热力生产/.test(enterprise.industry) ? 'A' : (GRADE_CYCLE[turn++ % GRADE_CYCLE.length] as Grade);
    const reduced = (level: WarningLevel) =>
      enterprise.outlets
        .filter((outlet) => outlet.kind === 'flue_gas')
        .flatMap((outlet) => outlet.permitLimits.filter((limit) => limit.limit !== undefined && limit.limit > 0).map((limit) => ({ outletId: outlet.id, factorCode: limit.factorCode, limitMgM3: Math.round((limit.limit as number) * LIMIT_SHARE[level] * 10) / 10 })));
    const measures: Partial<Record<WarningLevel, LevelMeasures>> = {};
    for (const level of WARNING_LEVELS) {
      if (grade === 'A' || grade === '引领性') {
        measures[level] = { productionLimitPercent: 0, stop: false, transportRestriction: false, reducedLevels: reduced(level) };
        continue;
      }
      const cut = CUT[grade][level];
      measures[level] = { productionLimitPercent: cut === 100 ? 0 : cut, stop: cut === 100, transportRestriction: level !== 'yellow' || grade === 'D', reducedLevels: reduced(level) };
    }
    return { uscc: enterprise.uscc, name: enterprise.name, industry: enterprise.industry, grade, gradeValidUntil: new Date(`${year}-12-31T23:59:59+08:00`), measures };
  });
}
