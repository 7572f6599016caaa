import type { DeductionRule, Ruleset, SourceNote } from '../ruleset';
import { NATIONAL_2013 } from './national-2013';

const UNKNOWN_TABLE: SourceNote = {
  certainty: 'placeholder',
  note: "Shanxi's points table is not public in our sources (STANDARDS.md §5.2); these deductions are placeholders to replace from the provincial document",
};
const UNKNOWN_EDGES: SourceNote = { certainty: 'placeholder', note: 'A/B/C/D thresholds unknown (STANDARDS.md §5.2); placeholders' };

const deduction = (id: string, zh: string, en: string, rule: Omit<DeductionRule, 'id' | 'text' | 'source'>): DeductionRule => ({ id, text: { zh, en }, source: UNKNOWN_TABLE, ...rule });

/**
 * Shanxi's pilot (试点, 2023-07 in 太原/忻州, from 2024-04-01 also 晋中/吕梁/阳泉): start at 100 points and deduct;
 * A/B/C/D with D a black plate; B may be restored after 3 months. Only the model, the levels and the B
 * restoration are sourced (Shanxi Evening News, 2024-05-07); everything else is a marked placeholder.
 */
export const SHANXI_PILOT_2023: Ruleset = {
  id: 'sx-pilot',
  version: 'sx-pilot-2023.1',
  jurisdiction: 'CN-SX',
  name: { zh: '山西省企业环境信用评价试点（记分制）', en: 'Shanxi enterprise environmental credit pilot (points)' },
  model: 'points',
  initialScore: 100,
  effective: { from: '2023-07-01' },
  source: { certainty: 'third_party', note: 'Shanxi Evening News 2024-05-07 citing the provincial department (STANDARDS.md §5.2)' },
  levelEdges: UNKNOWN_EDGES,
  levels: [
    { code: 'A', colour: 'green', name: { zh: 'A 级（绿牌）', en: 'A (green)' }, minScore: 90, jointMeasures: [] },
    { code: 'B', colour: 'blue', name: { zh: 'B 级（蓝牌）', en: 'B (blue)' }, minScore: 75, jointMeasures: [] },
    {
      code: 'C',
      colour: 'yellow',
      name: { zh: 'C 级（黄牌）', en: 'C (yellow)' },
      minScore: 60,
      jointMeasures: [
        { zh: '限制性措施：提高检查频次', en: 'Restrictive: more frequent inspections' },
        { zh: '从严审批财政资金支持', en: 'Strict review of public funding' },
      ],
    },
    {
      code: 'D',
      colour: 'black',
      name: { zh: 'D 级（黑牌）', en: 'D (black)' },
      minScore: 0,
      jointMeasures: [
        { zh: '惩戒性措施：列为重点监管对象', en: 'Punitive: placed under key supervision' },
        { zh: '限制申请财政资金和评优评先', en: 'Barred from public funding and awards' },
        { zh: '通报金融机构', en: 'Reported to financial institutions' },
      ],
    },
  ],
  indicators: [
    { id: 'emissions', category: '污染防治', name: { zh: '污染物排放', en: 'Emissions' }, weight: 0, source: UNKNOWN_TABLE },
    { id: 'penalties', category: '环境管理', name: { zh: '行政处罚', en: 'Administrative penalties' }, weight: 0, source: UNKNOWN_TABLE },
    { id: 'rectification', category: '环境管理', name: { zh: '整改落实', en: 'Rectification' }, weight: 0, source: UNKNOWN_TABLE },
    { id: 'supervision', category: '环境管理', name: { zh: '监督检查', en: 'Inspections' }, weight: 0, source: UNKNOWN_TABLE },
    { id: 'monitoring', category: '环境管理', name: { zh: '自动监测', en: 'Automatic monitoring' }, weight: 0, source: UNKNOWN_TABLE },
    { id: 'complaints', category: '社会监督', name: { zh: '群众投诉', en: 'Public complaints' }, weight: 0, source: UNKNOWN_TABLE },
  ],
  deductions: [
    deduction('sx.exceedance.minor', '超标排放（超标倍数 < 0.5）：每次扣 2 分', 'Exceedance below 0.5× over: 2 points', {
      indicator: 'emissions',
      evidence: 'exceedance',
      measures: [{ measure: 'multiple', below: 0.5 }],
      points: 2,
    }),
    deduction('sx.exceedance.serious', '超标排放（超标倍数 0.5–1）：每次扣 5 分', 'Exceedance 0.5× to 1× over: 5 points', {
      indicator: 'emissions',
      evidence: 'exceedance',
      measures: [{ measure: 'multiple', atLeast: 0.5, below: 1 }],
      points: 5,
    }),
    deduction('sx.exceedance.severe', '超标排放（超标倍数 ≥ 1）：每次扣 10 分', 'Exceedance 1× or more over: 10 points', {
      indicator: 'emissions',
      evidence: 'exceedance',
      measures: [{ measure: 'multiple', atLeast: 1 }],
      points: 10,
    }),
    deduction('sx.penalty.ordinary', '行政处罚（罚款 < 10 万元）：每项扣 10 分', 'Penalty below ¥100,000: 10 points', {
      indicator: 'penalties',
      evidence: 'penalty',
      measures: [{ measure: 'amountYuan', below: 100_000 }],
      points: 10,
    }),
    deduction('sx.penalty.major', '行政处罚（罚款 ≥ 10 万元）：每项扣 20 分', 'Penalty of ¥100,000 or more: 20 points', {
      indicator: 'penalties',
      evidence: 'penalty',
      measures: [{ measure: 'amountYuan', atLeast: 100_000 }],
      points: 20,
    }),
    deduction('sx.case.late-rectification', '整改逾期（≥ 30 天）：每件扣 5 分', 'Rectification 30 days late or more: 5 points', {
      indicator: 'rectification',
      evidence: 'case',
      labels: [{ label: 'status', in: ['verified', 'closed'] }],
      measures: [{ measure: 'rectificationDays', atLeast: 30 }],
      points: 5,
    }),
    deduction('sx.case.verified-complaint', '群众投诉经核实：每件扣 2 分', 'Public complaint verified: 2 points', {
      indicator: 'complaints',
      evidence: 'case',
      labels: [
        { label: 'source', in: ['complaint'] },
        { label: 'status', in: ['verified', 'closed'] },
      ],
      points: 2,
    }),
    deduction('sx.complaint.verified', '群众投诉经核实（人工录入）：每件扣 2 分', 'Public complaint verified (entered): 2 points', {
      indicator: 'complaints',
      evidence: 'complaint',
      points: 2,
    }),
    deduction('sx.inspection.violation', '检查发现违法行为：每次扣 5 分', 'Violation found on inspection: 5 points', {
      indicator: 'supervision',
      evidence: 'inspection',
      labels: [{ label: 'violation', in: ['yes'] }],
      points: 5,
    }),
    deduction('sx.monitoring.incomplete', '自动监测数据完整率 < 90%：扣 5 分', 'Monitoring data under 90 % complete: 5 points', {
      indicator: 'monitoring',
      evidence: 'monitoring_completeness',
      measures: [{ measure: 'percent', below: 90 }],
      points: 5,
    }),
  ],
  // Shanxi's direct-D triggers are unknown: the national list is assumed until the provincial document says otherwise.
  vetoes: NATIONAL_2013.vetoes
    .filter((rule) => rule.effect === 'worst_level')
    .map((rule) => ({ ...rule, id: rule.id.replace('cn2013.veto.', 'sx.direct-d.'), source: { certainty: 'placeholder', note: `assumed from the national list (${rule.source.note})` } })),
  restoration: [
    {
      id: 'sx.restore.b',
      text: {
        zh: 'B 级（蓝牌）自等级生成满 3 个月、问题已整改且无新的违法行为，可向市局申请修复；10 个工作日内核实，确认后核销扣分并即时调整等级',
        en: 'B (blue): 3 months after the level, rectified and no new violation, apply to the city bureau; verified within 10 working days, points cancelled and the level changed at once',
      },
      fromLevels: ['B'],
      minMonthsSinceDeduction: 3,
      requiresVerifiedCase: true,
      requiresNoRepeat: true,
      vetoRestorable: false,
      reviewWorkingDays: 10,
      approverRoles: ['credit_officer', 'admin'],
      source: { certainty: 'third_party', note: 'Shanxi Evening News 2024-05-07 (STANDARDS.md §5.2); C/D restoration periods unknown, so none is shipped' },
    },
  ],
};
