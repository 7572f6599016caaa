import { describe, expect, it } from 'vitest';
import { DomainError } from '@ecogrid/domain-errors';
import { usccCheckCharacter } from '@ecogrid/standards';
import { assessTriggers, districtHours, hoursAbove, rollingDailyAqi, type DistrictAqiHour } from './aqi-triggers';
import { findActivityBreach, findEmissionBreach } from './compliance';
import { demoReductionList } from './demo-reduction-list';
import { evaluateEpisode } from './episode-evaluation';
import { activateObligations, endObligation, measuresFor, type Obligation } from './obligation';
import { validateReductionList, type ReductionListEntry } from './reduction-list';
import { parseReductionListCsv, parseReductionListJson } from './reduction-list-format';
import { changeWarningLevel, issueWarning, liftWarning, type IssueRequest } from './warning';
import { stricterLevel } from './warning-level';

const HOUR = 3_600_000;
// Pinned: every date below is derived from this instant, never from today.
const T0 = Date.parse('2026-01-10T00:00:00Z');
const uscc = (n: number): string => {
  const body = `91140802MA0${String(n).padStart(6, '0')}`;
  return `${body}${usccCheckCharacter(body)}`;
};

/** `count` consecutive hours ending at `T0 + (count - 1) h`, all at `aqi`. */
const flat = (count: number, aqi: number, from = T0): DistrictAqiHour[] => Array.from({ length: count }, (_, index) => ({ hour: from + index * HOUR, aqi }));

describe('AQI triggers (STANDARDS §6.1)', () => {
  it('needs 24 hours for a rolling daily AQI and counts hours above a threshold from the newest back', () => {
    expect(rollingDailyAqi(flat(23, 300))).toEqual([]);
    const rolling = rollingDailyAqi([...flat(24, 100), ...flat(30, 200, T0 + 24 * HOUR)]);
    expect(rolling).toHaveLength(31);
    // The rolling mean passes 150 when more than half of its 24 hours are at 200: 13 of them.
    expect(hoursAbove(rolling, 150)).toBe(30 - 12);
  });

  it('a gap in the hours breaks a run: a missing hour is not evidence that the air stayed bad', () => {
    const hours = [...flat(40, 250), ...flat(40, 250, T0 + 41 * HOUR)];
    expect(hoursAbove(rollingDailyAqi(hours), 150)).toBe(40 - 23);
  });

  it('yellow from daily AQI > 150 lasting 48 h, not 47 h', () => {
    expect(assessTriggers({ hours: flat(23 + 47, 180) })).toBeUndefined();
    expect(assessTriggers({ hours: flat(23 + 48, 180) })?.level).toBe('yellow');
  });

  it('yellow from a forecast daily AQI above 200, not at 200', () => {
    expect(assessTriggers({ hours: [], forecastDailyAqi: 200 })).toBeUndefined();
    expect(assessTriggers({ hours: [], forecastDailyAqi: 201 })).toMatchObject({ level: 'yellow', reason: { zh: '预测日均AQI 201>200' } });
  });

  it('orange from > 200 lasting 48 h or > 150 lasting 72 h', () => {
    expect(assessTriggers({ hours: flat(23 + 48, 210) })?.level).toBe('orange');
    expect(assessTriggers({ hours: flat(23 + 72, 160) })?.level).toBe('orange');
    expect(assessTriggers({ hours: flat(23 + 71, 160) })?.level).toBe('yellow');
  });

  it('red needs > 200 for 72 h and > 300 for 24 h together', () => {
    expect(assessTriggers({ hours: flat(23 + 72, 310) })?.level).toBe('red');
    expect(assessTriggers({ hours: flat(23 + 72, 290) })?.level).toBe('orange');
    expect(assessTriggers({ hours: [...flat(24 + 48, 250), ...flat(23, 400, T0 + 72 * HOUR)] })?.level).toBe('orange');
  });

  it('the district hour is the mean of its stations', () => {
    expect(districtHours([{ hour: T0, aqi: 100 }, { hour: T0, aqi: 200 }, { hour: T0 + HOUR, aqi: 50 }])).toEqual([{ hour: T0, aqi: 150 }, { hour: T0 + HOUR, aqi: 50 }]);
  });
});

const entry = (n: number, grade: ReductionListEntry['grade'], overrides: Partial<ReductionListEntry> = {}): ReductionListEntry => ({
  uscc: uscc(n),
  name: `企业${n}`,
  industry: '焦化',
  grade,
  measures: {
    yellow: { productionLimitPercent: 20, stop: false, transportRestriction: true, reducedLevels: [{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 60 }] },
    orange: { productionLimitPercent: 40, stop: false, transportRestriction: true, reducedLevels: [{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 45 }] },
    red: { productionLimitPercent: 0, stop: true, transportRestriction: true, reducedLevels: [{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 20 }] },
  },
  ...overrides,
});

describe('reduction list', () => {
  it('B/C/D grades are forced: production limit with its reduced levels, transport restriction; red stops', () => {
    expect(measuresFor(entry(1, 'C'), 'yellow').map((draft) => [draft.measure, draft.productionLimitPercent, draft.reducedLevels.length])).toEqual([
      ['production_limit', 20, 1],
      ['transport_restriction', 0, 0],
    ]);
    expect(measuresFor(entry(1, 'D'), 'red').map((draft) => draft.measure)).toEqual(['stop', 'transport_restriction']);
  });

  it('A and 引领性 reduce on their own: one tracked, self-directed obligation', () => {
    for (const grade of ['A', '引领性'] as const) {
      const drafts = measuresFor(entry(1, grade, { measures: {} }), 'red');
      expect(drafts).toEqual([{ measure: 'self_directed', productionLimitPercent: 0, reducedLevels: [] }]);
    }
    const [obligation] = activateObligations({ warningId: 'W1', activation: 1, level: 'yellow', windowStart: new Date(T0), entries: [entry(2, 'A')], placeOf: () => ({ cellId: 'c', townshipCode: 't' }) });
    expect(obligation).toMatchObject({ status: 'self_directed', obligationId: `W1/1/${uscc(2)}/self_directed` });
  });

  it('refuses a list with a bad USCC, an unknown grade, a missing level or a percent out of range, naming the field', () => {
    const reasonOf = (entries: ReductionListEntry[]): string | undefined => {
      try {
        validateReductionList(entries);
        return undefined;
      } catch (error) {
        return error instanceof DomainError ? `${error.reason} ${error.field}` : 'other';
      }
    };
    expect(reasonOf([entry(1, 'B')])).toBeUndefined();
    expect(reasonOf([])).toBe('empty_list content');
    expect(reasonOf([{ ...entry(1, 'B'), uscc: '91140802MA0000001X' }])).toBe('bad_uscc entries[0].uscc');
    expect(reasonOf([entry(1, 'E' as 'B')])).toBe('unknown_grade entries[0].grade');
    expect(reasonOf([entry(1, 'B'), entry(1, 'C')])).toBe('duplicate_entry entries[1].uscc');
    expect(reasonOf([entry(1, 'C', { measures: { yellow: entry(1, 'C').measures.yellow } })])).toBe('missing_measures entries[0].measures.orange');
    const bad = entry(1, 'C');
    bad.measures.orange = { productionLimitPercent: 120, stop: false, transportRestriction: false, reducedLevels: [] };
    expect(reasonOf([bad])).toBe('bad_percent entries[0].measures.orange.production_limit_percent');
  });

  it('reads the CSV form (one row per enterprise and level, BOM, quotes) and the JSON form to the same entries', () => {
    const csv = [
      '\uFEFFuscc,name,industry,grade,grade_valid_until,level,production_limit_percent,stop,transport_restriction,reduced_levels',
      `${uscc(1)},"盐湖焦化, 一厂",焦化,C,2026-12-31,yellow,20,否,是,DA001:a21002=60`,
      `${uscc(1)},"盐湖焦化, 一厂",焦化,C,2026-12-31,orange,40,0,1,DA001:a21002=45`,
      `${uscc(1)},"盐湖焦化, 一厂",焦化,C,2026-12-31,red,0,是,是,DA001:a21002=20;DA001:a34013=5`,
      `${uscc(2)},盐湖电厂,火电,A,,,,,,`,
    ].join('\r\n');
    const entries = parseReductionListCsv(csv);
    validateReductionList(entries);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ name: '盐湖焦化, 一厂', grade: 'C', gradeValidUntil: new Date('2026-12-31T15:59:59Z') });
    expect(entries[0]?.measures.red?.reducedLevels).toEqual([{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 20 }, { outletId: 'DA001', factorCode: 'a34013', limitMgM3: 5 }]);
    expect(entries[1]).toMatchObject({ grade: 'A', measures: {} });
    const json = parseReductionListJson(JSON.stringify(entries));
    expect(json).toEqual(entries);
    expect(() => parseReductionListCsv('uscc,name\nx,y')).toThrow(/missing columns/);
    expect(() => parseReductionListJson('{')).toThrow(/not JSON/);
  });
});

const request = (overrides: Partial<IssueRequest> = {}): IssueRequest => ({ warningId: 'W1', level: 'yellow', startsAt: new Date(T0), reason: '市级预警', issuedBy: 'dispatcher-1', origin: 'city', drill: false, list: { year: 2026, version: 1 }, ...overrides });

describe('warning episodes', () => {
  it('a second warning while one is active is the same episode: stricter level upgrades, milder extends', () => {
    const issued = issueWarning(undefined, request({ expectedEndAt: new Date(T0 + 48 * HOUR) }));
    expect(issued).toMatchObject({ change: 'issued', activate: 'yellow', warning: { sequence: 1, peakLevel: 'yellow' } });
    const upgraded = issueWarning(issued.warning, request({ warningId: 'W2', level: 'orange', expectedEndAt: new Date(T0 + 24 * HOUR) }));
    expect(upgraded).toMatchObject({ change: 'upgraded', previousLevel: 'yellow', activate: 'orange', warning: { warningId: 'W1', level: 'orange', peakLevel: 'orange', sequence: 2, expectedEndAt: new Date(T0 + 48 * HOUR) } });
    const extended = issueWarning(upgraded.warning, request({ warningId: 'W3', level: 'yellow', expectedEndAt: new Date(T0 + 72 * HOUR) }));
    expect(extended).toMatchObject({ change: 'extended', warning: { level: 'orange', expectedEndAt: new Date(T0 + 72 * HOUR) } });
    expect(extended.activate).toBeUndefined();
    expect(stricterLevel('red', 'yellow')).toBe('red');
  });

  it('downgrades keep the peak level; lifting twice or changing a lifted warning is refused', () => {
    const issued = issueWarning(undefined, request({ level: 'red' }));
    const down = changeWarningLevel(issued.warning, 'yellow', '空气质量改善');
    expect(down).toMatchObject({ change: 'downgraded', activate: 'yellow', warning: { level: 'yellow', peakLevel: 'red' } });
    expect(() => changeWarningLevel(down.warning, 'yellow', '')).toThrow(/already yellow/);
    const lifted = liftWarning(down.warning, new Date(T0 + 10 * HOUR));
    expect(lifted.warning).toMatchObject({ status: 'lifted', liftedAt: new Date(T0 + 10 * HOUR) });
    expect(() => liftWarning(lifted.warning, new Date(T0 + 11 * HOUR))).toThrow(/already lifted/);
    expect(() => changeWarningLevel(lifted.warning, 'red', '')).toThrow(/lifted/);
    expect(() => issueWarning(undefined, request({ expectedEndAt: new Date(T0) }))).toThrow(/after the start/);
  });
});

const obligation = (overrides: Partial<Obligation> = {}): Obligation => ({
  obligationId: 'W1/1/x/production_limit',
  warningId: 'W1',
  uscc: uscc(1),
  enterpriseName: '企业1',
  grade: 'C',
  level: 'yellow',
  measure: 'production_limit',
  productionLimitPercent: 30,
  reducedLevels: [{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 60 }],
  windowStart: new Date(T0),
  status: 'active',
  place: { cellId: 'c1', townshipCode: 't1' },
  ...overrides,
});

describe('breach detection', () => {
  const now = new Date(T0 + 5 * HOUR);
  it('an hourly mean above the reduced level in the window is a breach; at the level, before the window or an unfinished hour is not', () => {
    const hours = [
      { outletId: 'DA001', factorCode: 'a21002', hour: T0 - HOUR, mean: 200 },
      { outletId: 'DA001', factorCode: 'a21002', hour: T0, mean: 60 },
      { outletId: 'DA001', factorCode: 'a21026', hour: T0, mean: 500 },
      { outletId: 'DA001', factorCode: 'a21002', hour: T0 + 5 * HOUR, mean: 90 },
    ];
    expect(findEmissionBreach(obligation(), hours, now)).toBeUndefined();
    const breach = findEmissionBreach(obligation(), [...hours, { outletId: 'DA001', factorCode: 'a21002', hour: T0 + 2 * HOUR, mean: 85.24 }], now);
    expect(breach?.at).toEqual(new Date(T0 + 3 * HOUR));
    expect(breach?.reason.zh).toBe('排口 DA001 因子 a21002 2026-01-10 10:00 时段小时均值 85.2 mg/m³ 高于应急减排限值 60 mg/m³');
  });

  it('production monitoring above the allowed share of the baseline (+10 %) breaches a production limit or a stop', () => {
    const limit = obligation({ productionLimitPercent: 30 });
    expect(findActivityBreach(limit, 100, [{ hour: T0, mean: 80 }], now)).toBeUndefined();
    expect(findActivityBreach(limit, 100, [{ hour: T0, mean: 81 }], now)?.reason.en).toMatch(/81 % of before the warning: production limit 30 %/);
    const stop = obligation({ measure: 'stop', productionLimitPercent: 100 });
    expect(findActivityBreach(stop, 100, [{ hour: T0, mean: 10 }], now)).toBeUndefined();
    expect(findActivityBreach(stop, 100, [{ hour: T0, mean: 11 }], now)).toBeDefined();
    expect(findActivityBreach(stop, undefined, [{ hour: T0, mean: 500 }], now)).toBeUndefined();
    expect(findActivityBreach(obligation({ measure: 'transport_restriction' }), 100, [{ hour: T0, mean: 500 }], now)).toBeUndefined();
  });

  it('ending a window carries out what was not breached and keeps breaches and self-direction', () => {
    const at = new Date(T0 + 9 * HOUR);
    expect(endObligation(obligation(), at)).toMatchObject({ status: 'carried_out', windowEnd: at });
    expect(endObligation(obligation({ status: 'breached' }), at).status).toBe('breached');
    expect(endObligation(obligation({ measure: 'self_directed', status: 'self_directed' }), at).status).toBe('self_directed');
  });
});

describe('episode evaluation', () => {
  it('counts measures and compares each factor with the same hours before the warning, per enterprise and in total', () => {
    const evaluation = evaluateEpisode({
      warningId: 'W1',
      peakLevel: 'orange',
      startsAt: new Date(T0),
      liftedAt: new Date(T0 + 4 * HOUR),
      evaluatedAt: new Date(T0 + 4 * HOUR),
      obligations: [
        obligation({ uscc: uscc(1), status: 'carried_out' }),
        obligation({ uscc: uscc(1), measure: 'transport_restriction', status: 'carried_out' }),
        obligation({ uscc: uscc(2), status: 'breached' }),
        obligation({ uscc: uscc(3), measure: 'self_directed', status: 'self_directed', grade: 'A' }),
      ],
      hours: [
        { uscc: uscc(1), factorCode: 'a21002', baseline: [100, 100, 100, 100], during: [50, 50, 50, 50] },
        { uscc: uscc(2), factorCode: 'a21002', baseline: [100, 100], during: [90, 110, 100, 100] },
        { uscc: uscc(3), factorCode: 'a21002', baseline: [], during: [10] },
      ],
    });
    expect(evaluation).toMatchObject({ measuresOrdered: 3, measuresCarriedOut: 2, measuresBreached: 1, measuresSelfDirected: 1 });
    expect(evaluation.enterprises.map((enterprise) => enterprise.reductions.map((reduction) => reduction.reductionPercent))).toEqual([[50], [0], []]);
    expect(evaluation.total).toEqual([{ factorCode: 'a21002', baseline: 200, during: 150, reductionPercent: 25, hoursCompared: 8 }]);
  });
});

describe('the Yanhu demo list', () => {
  it('lists every enterprise with a flue-gas outlet, power plants as A, reduced levels from the permit limits, and passes validation', () => {
    const demo = [
      { uscc: uscc(1), name: '热电', industry: '火力发电', outlets: [{ id: 'DA001', kind: 'flue_gas', permitLimits: [{ factorCode: 'a21002', limit: 50 }] }] },
      { uscc: uscc(2), name: '水泥', industry: '水泥制造', outlets: [{ id: 'DA001', kind: 'flue_gas', permitLimits: [{ factorCode: 'a21002', limit: 320 }, { factorCode: 'a21026' }] }] },
      { uscc: uscc(3), name: '果汁', industry: '果蔬汁加工', outlets: [{ id: 'DW001', kind: 'wastewater', permitLimits: [{ factorCode: 'w01018', limit: 100 }] }] },
    ];
    const list = demoReductionList(demo, 2026);
    validateReductionList(list);
    expect(list.map((entry) => [entry.name, entry.grade])).toEqual([['热电', 'A'], ['水泥', 'C']]);
    expect(list[1]?.measures.yellow).toEqual({ productionLimitPercent: 20, stop: false, transportRestriction: false, reducedLevels: [{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 256 }] });
    expect(list[1]?.measures.red).toMatchObject({ productionLimitPercent: 50, transportRestriction: true, reducedLevels: [{ limitMgM3: 160 }] });
  });
});
