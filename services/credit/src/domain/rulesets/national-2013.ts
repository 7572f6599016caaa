import type { DeductionRule, Indicator, Ruleset, SourceNote, VetoRule } from '../ruleset';

const ANNEX_3RD_PARTY: SourceNote = { certainty: 'third_party', note: '环发〔2013〕150号 annex 1 weight, from a third-party excerpt (STANDARDS.md §5.1)' };
const RECOLLECTED: SourceNote = {
  certainty: 'placeholder',
  note: 'indicator recollected (STANDARDS.md §5.1); its weight shares the 44 % the known weights leave, until the official annex is obtained',
};
const OUR_MAPPING: SourceNote = {
  certainty: 'placeholder',
  note: 'the annex bands rates (e.g. compliance ≥ 90 % → band 1); these per-record deductions are our mapping of ledger evidence onto the bands, to be replaced by the official scoring method',
};
const LIST_1_7: SourceNote = { certainty: 'third_party', note: 'national one-vote-veto list items 1–7 (Siping/Shandong/Fujian copies, STANDARDS.md §5.1)' };
const LIST_8_12: SourceNote = { certainty: 'recollection', note: 'further national veto items 8–12 (STANDARDS.md §5.1)' };
const PROVINCIAL: SourceNote = { certainty: 'third_party', note: 'added by several provincial lists (STANDARDS.md §5.1)' };

const indicator = (id: string, category: string, zh: string, en: string, weight: number, source: SourceNote): Indicator => ({ id, category, name: { zh, en }, weight, source });

/**
 * 20 of the 21 indicators (one is missing from every source we hold); the seven weights seen in an excerpt of the
 * annex, the rest placeholders that add up to 100.
 */
const INDICATORS: Indicator[] = [
  indicator('emission_compliance', '污染防治', '大气及水污染物达标排放', 'Compliant air and water emissions', 15, ANNEX_3RD_PARTY),
  indicator('solid_waste', '污染防治', '一般固体废物处理处置', 'General solid waste disposal', 5, ANNEX_3RD_PARTY),
  indicator('hazardous_waste', '污染防治', '危险废物规范化管理', 'Hazardous waste management', 5, ANNEX_3RD_PARTY),
  indicator('noise', '污染防治', '噪声污染防治', 'Noise control', 4, ANNEX_3RD_PARTY),
  indicator('siting_ecology', '生态保护', '选址布局中的生态保护', 'Ecological protection in siting', 2, ANNEX_3RD_PARTY),
  indicator('construction_ecology', '生态保护', '开发建设中的生态保护', 'Ecological protection in construction', 3, RECOLLECTED),
  indicator('discharge_permit', '环境管理', '排污许可证', 'Discharge permit', 4, RECOLLECTED),
  indicator('discharge_declaration', '环境管理', '排污申报', 'Discharge declaration', 2, RECOLLECTED),
  indicator('discharge_fees', '环境管理', '排污费缴纳', 'Discharge fees paid', 3, RECOLLECTED),
  indicator('treatment_operation', '环境管理', '污染治理设施运行', 'Operation of treatment facilities', 6, RECOLLECTED),
  indicator('outlet_standardisation', '环境管理', '排污口规范化整治', 'Standardised outlets', 2, RECOLLECTED),
  indicator('self_monitoring', '环境管理', '企业自行监测', 'Self-monitoring', 5, RECOLLECTED),
  indicator('internal_management', '环境管理', '内部环境管理制度', 'Internal environmental management', 3, RECOLLECTED),
  indicator('cleaner_production', '环境管理', '强制性清洁生产审核', 'Mandatory cleaner-production audit', 2, RECOLLECTED),
  indicator('risk_management', '环境管理', '环境风险管理', 'Environmental risk management', 10, ANNEX_3RD_PARTY),
  indicator('penalties_orders', '环境管理', '行政处罚与行政命令', 'Administrative penalties and orders', 15, ANNEX_3RD_PARTY),
  indicator('emergencies', '环境管理', '突发环境事件', 'Environmental emergencies', 5, RECOLLECTED),
  indicator('disclosure', '社会监督', '环境信息公开', 'Environmental disclosure', 3, RECOLLECTED),
  indicator('complaints', '社会监督', '群众投诉', 'Public complaints', 4, RECOLLECTED),
  indicator('media', '社会监督', '媒体监督', 'Media oversight', 2, RECOLLECTED),
];

const DEDUCTIONS: DeductionRule[] = [
  {
    id: 'cn2013.exceedance.brief',
    text: { zh: '超标排放：超标倍数 < 0.5 且持续 < 24 小时，每次扣 10 分', en: 'Exceedance below 0.5× over the limit for under 24 h: 10 points each' },
    indicator: 'emission_compliance',
    evidence: 'exceedance',
    measures: [
      { measure: 'multiple', below: 0.5 },
      { measure: 'durationHours', below: 24 },
    ],
    points: 10,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.exceedance.lasting',
    text: { zh: '超标排放：超标倍数 < 0.5 且持续 ≥ 24 小时，每次扣 20 分', en: 'Exceedance below 0.5× over the limit for 24 h or more: 20 points each' },
    indicator: 'emission_compliance',
    evidence: 'exceedance',
    measures: [
      { measure: 'multiple', below: 0.5 },
      { measure: 'durationHours', atLeast: 24 },
    ],
    points: 20,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.exceedance.serious',
    text: { zh: '超标排放：超标倍数 0.5–1，每次扣 25 分', en: 'Exceedance 0.5× to 1× over the limit: 25 points each' },
    indicator: 'emission_compliance',
    evidence: 'exceedance',
    measures: [{ measure: 'multiple', atLeast: 0.5, below: 1 }],
    points: 25,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.exceedance.severe',
    text: { zh: '超标排放：超标倍数 ≥ 1，每次扣 40 分', en: 'Exceedance 1× or more over the limit: 40 points each' },
    indicator: 'emission_compliance',
    evidence: 'exceedance',
    measures: [{ measure: 'multiple', atLeast: 1 }],
    points: 40,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.penalty.ordinary',
    text: { zh: '行政处罚：罚款 < 10 万元，每项扣 40 分', en: 'Administrative penalty below ¥100,000: 40 points each' },
    indicator: 'penalties_orders',
    evidence: 'penalty',
    measures: [{ measure: 'amountYuan', below: 100_000 }],
    points: 40,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.penalty.major',
    text: { zh: '行政处罚：罚款 ≥ 10 万元，每项扣 70 分', en: 'Administrative penalty of ¥100,000 or more: 70 points each' },
    indicator: 'penalties_orders',
    evidence: 'penalty',
    measures: [{ measure: 'amountYuan', atLeast: 100_000 }],
    points: 70,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.case.late-rectification',
    text: { zh: '责令整改逾期：案件自立案至核查通过 ≥ 30 天，每件扣 20 分', en: 'Rectification late: 30 days or more from case to verification, 20 points each' },
    indicator: 'penalties_orders',
    evidence: 'case',
    labels: [{ label: 'status', in: ['verified', 'closed'] }],
    measures: [{ measure: 'rectificationDays', atLeast: 30 }],
    points: 20,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.case.verified-complaint',
    text: { zh: '群众投诉经核实：每件扣 25 分', en: 'Public complaint verified: 25 points each' },
    indicator: 'complaints',
    evidence: 'case',
    labels: [
      { label: 'source', in: ['complaint'] },
      { label: 'status', in: ['verified', 'closed'] },
    ],
    points: 25,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.complaint.verified',
    text: { zh: '群众投诉经核实（人工录入）：每件扣 25 分', en: 'Public complaint verified (entered by an officer): 25 points each' },
    indicator: 'complaints',
    evidence: 'complaint',
    points: 25,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.inspection.violation',
    text: { zh: '现场检查发现违法行为：每次扣 30 分', en: 'Violation found on inspection: 30 points each' },
    indicator: 'treatment_operation',
    evidence: 'inspection',
    labels: [{ label: 'violation', in: ['yes'] }],
    points: 30,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.monitoring.partial',
    text: { zh: '自动监测数据完整率 75%–90%：扣 20 分', en: 'Monitoring data 75–90 % complete: 20 points' },
    indicator: 'self_monitoring',
    evidence: 'monitoring_completeness',
    measures: [{ measure: 'percent', atLeast: 75, below: 90 }],
    points: 20,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.monitoring.poor',
    text: { zh: '自动监测数据完整率 50%–75%：扣 50 分', en: 'Monitoring data 50–75 % complete: 50 points' },
    indicator: 'self_monitoring',
    evidence: 'monitoring_completeness',
    measures: [{ measure: 'percent', atLeast: 50, below: 75 }],
    points: 50,
    source: OUR_MAPPING,
  },
  {
    id: 'cn2013.monitoring.failed',
    text: { zh: '自动监测数据完整率 < 50%：扣 100 分', en: 'Monitoring data under 50 % complete: 100 points' },
    indicator: 'self_monitoring',
    evidence: 'monitoring_completeness',
    measures: [{ measure: 'percent', below: 50 }],
    points: 100,
    source: OUR_MAPPING,
  },
];

const veto = (id: string, zh: string, en: string, codes: string[], source: SourceNote, effect: VetoRule['effect'] = 'worst_level'): VetoRule => ({ id, text: { zh, en }, codes, effect, source });

const VETOES: VetoRule[] = [
  veto('cn2013.veto.crime', '环境违法构成环境犯罪', 'An environmental violation constituting a crime', ['environmental_crime'], LIST_1_7),
  veto('cn2013.veto.no-eia', '未批先建', 'Construction without an approved EIA', ['no_eia_construction'], LIST_1_7),
  veto('cn2013.veto.no-acceptance', '配套环保设施未建成、未验收或验收不合格即投产', 'Production without accepted pollution-control facilities', ['no_acceptance_production'], LIST_1_7),
  veto('cn2013.veto.major-change', '重大变动未重新报批环评', 'Major change without a new EIA approval', ['major_change_without_eia'], LIST_1_7),
  veto('cn2013.veto.quota', '主要污染物排放总量超过控制指标', 'Total emissions above the control quota', ['total_quota_exceeded'], LIST_1_7),
  veto('cn2013.veto.bypass', '通过暗管、渗井、渗坑、裂隙、溶洞或私设旁路排放污染物', 'Discharge through hidden pipes, seepage pits or a private bypass', ['bypass_discharge'], LIST_1_7),
  veto('cn2013.veto.hazardous-waste', '非法排放、倾倒、处置危险废物或交无资质单位处置', 'Illegal dumping of hazardous waste or handing it to unlicensed operators', ['illegal_hazardous_waste'], LIST_1_7),
  veto('cn2013.veto.drinking-water', '违法行为导致集中式饮用水水源取水中断', 'A violation interrupted a drinking-water intake', ['drinking_water_interruption'], LIST_8_12),
  veto('cn2013.veto.protected-area', '对自然保护区等生态敏感区造成重大破坏', 'Significant damage to protected or sensitive areas', ['protected_area_damage'], LIST_8_12),
  veto('cn2013.veto.major-emergency', '发生较大及以上突发环境事件', 'A larger-or-above environmental emergency', ['major_emergency'], LIST_8_12),
  veto('cn2013.veto.supervised-overdue', '挂牌督办整改逾期未完成', 'Supervised (挂牌督办) rectification not finished on time', ['supervised_rectification_overdue'], LIST_8_12),
  veto('cn2013.veto.obstruction', '以暴力、威胁等方式拒绝、阻挠现场检查', 'Obstructing an inspection with violence or threats', ['obstructing_inspection'], LIST_8_12),
  veto('cn2013.veto.detention', '相关人员被行政拘留', 'Personnel placed in administrative detention', ['administrative_detention'], PROVINCIAL),
  veto('cn2013.veto.permit-revoked', '排污许可证被吊销', 'Discharge permit revoked', ['permit_revoked'], PROVINCIAL),
  veto('cn2013.veto.falsified-monitoring', '篡改、伪造自动监测数据', 'Falsified automatic-monitoring data', ['falsified_monitoring'], PROVINCIAL),
  veto(
    'cn2013.downgrade.general-emergency',
    '发生一般突发环境事件：降一级',
    'A general environmental emergency: one level down',
    ['general_emergency'],
    { certainty: 'third_party', note: 'Guangdong and other provinces downgrade one level (STANDARDS.md §5.1)' },
    'downgrade_one',
  ),
];

/** 《企业环境信用评价办法（试行）》环发〔2013〕150号, as a ruleset. Level edges follow Anhui's until the national mapping is confirmed. */
export const NATIONAL_2013: Ruleset = {
  id: 'cn-2013',
  version: 'cn-2013.1',
  jurisdiction: 'CN',
  name: { zh: '企业环境信用评价办法（试行）环发〔2013〕150号', en: 'Enterprise environmental credit evaluation (trial), MEP 2013 No. 150' },
  model: 'weighted',
  initialScore: 100,
  effective: { from: '2014-03-01' },
  source: { certainty: 'recollection', note: 'in force from 2014-03-01 (recollection); four levels, categories and veto from third-party copies' },
  levelEdges: { certainty: 'third_party', note: 'the national score-to-level mapping is not confirmed; Anhui uses 95/80/60 (Sichuan 2019: 100/80/60), STANDARDS.md §5.1' },
  levels: [
    {
      code: 'green',
      colour: 'green',
      name: { zh: '环保诚信企业', en: 'Environmentally trustworthy' },
      minScore: 95,
      jointMeasures: [],
    },
    {
      code: 'blue',
      colour: 'blue',
      name: { zh: '环保良好企业', en: 'Environmentally good' },
      minScore: 80,
      jointMeasures: [],
    },
    {
      code: 'yellow',
      colour: 'yellow',
      name: { zh: '环保警示企业', en: 'Environmental warning' },
      minScore: 60,
      jointMeasures: [
        { zh: '加大执法监察频次', en: 'More frequent inspections' },
        { zh: '从严审查新增建设项目和财政补助申请', en: 'Strict review of new projects and subsidy applications' },
        { zh: '建议金融机构审慎授信', en: 'Banks advised to lend with caution' },
      ],
    },
    {
      code: 'red',
      colour: 'red',
      name: { zh: '环保不良企业', en: 'Environmentally untrustworthy' },
      minScore: 0,
      jointMeasures: [
        { zh: '责令公开整改并加大执法监察频次', en: 'Public rectification order and more frequent inspections' },
        { zh: '暂停财政补助和各类环保专项资金', en: 'Subsidies and environmental funds suspended' },
        { zh: '建议金融机构不予新增授信', en: 'Banks advised to grant no new credit' },
        { zh: '不予评优评先', en: 'Excluded from awards' },
      ],
    },
  ],
  indicators: INDICATORS,
  deductions: DEDUCTIONS,
  vetoes: VETOES,
  restoration: [
    {
      id: 'cn2013.restore.yellow',
      text: {
        zh: '警示企业整改完成、核查通过、3 个月内无新的违法行为，可申请信用修复，核销扣分',
        en: 'A yellow enterprise that rectified, was verified and had no new violation for 3 months may apply; the points are cancelled',
      },
      fromLevels: ['yellow', 'blue'],
      minMonthsSinceDeduction: 3,
      requiresVerifiedCase: true,
      requiresNoRepeat: true,
      vetoRestorable: false,
      reviewWorkingDays: 10,
      approverRoles: ['credit_officer', 'admin'],
      source: { certainty: 'placeholder', note: 'the 2013 method has review but no restoration; this follows the typical provincial pattern (STANDARDS.md §5.1), values configurable' },
    },
    {
      id: 'cn2013.restore.red',
      text: {
        zh: '不良企业（非一票否决）整改完成、核查通过、12 个月内无新的违法行为，可申请信用修复',
        en: 'A red enterprise (not vetoed) that rectified, was verified and had no new violation for 12 months may apply',
      },
      fromLevels: ['red'],
      minMonthsSinceDeduction: 12,
      requiresVerifiedCase: true,
      requiresNoRepeat: true,
      vetoRestorable: false,
      reviewWorkingDays: 10,
      approverRoles: ['admin'],
      source: { certainty: 'placeholder', note: 'typical provincial pattern; a veto stays for the evaluation cycle (STANDARDS.md §5.1)' },
    },
  ],
};
