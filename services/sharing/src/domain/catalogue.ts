import type { SharingClass } from './sharing-class';

/** The scope dimensions a dataset's records carry, so a grant can narrow them. */
export type ScopeDimension = 'township' | 'bbox' | 'enterprise' | 'factor';

export interface DatasetField {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'timestamp' | 'string[]';
  description: string;
  /** A field that never leaves, whatever a grant lists (a complainant's contact): masked for every partner. */
  neverShared?: boolean;
}

export interface Dataset {
  id: string;
  title: { zh: string; en: string };
  sharingClass: SharingClass;
  /** 共享依据: the rule that allows (or forbids) the sharing. */
  legalBasis: string;
  /** 数源部门: the unit answerable for the data. */
  owner: string;
  /** The topic key (packages/kafka catalogue) the records come from; undefined while nothing feeds the dataset. */
  source: string | undefined;
  /** False for datasets declared for partners to plan with, whose feed does not exist yet. */
  fed: boolean;
  scopeDimensions: readonly ScopeDimension[];
  fields: readonly DatasetField[];
}

const PLAN = '《运城市盐湖区“十四五”生态环境保护规划》§5.9.2';
const REGULATION = '《政务信息资源共享管理暂行办法》(国发〔2016〕51号)';
const BUREAU = '运城市生态环境局盐湖分局';

const readingFields: DatasetField[] = [
  { name: 'device_mn', type: 'string', description: 'HJ 212 device MN' },
  { name: 'factor_code', type: 'string', description: 'HJ 212-2017 factor code' },
  { name: 'value', type: 'number', description: 'measured value' },
  { name: 'unit', type: 'string', description: 'unit of the value' },
  { name: 'flag', type: 'string', description: 'HJ 212 data flag' },
  { name: 'data_time', type: 'timestamp', description: 'HJ 212 DataTime' },
  { name: 'enterprise_uscc', type: 'string', description: 'the enterprise the device belongs to' },
  { name: 'township_code', type: 'string', description: 'township unit' },
  { name: 'cell_id', type: 'string', description: 'grid cell' },
];

/**
 * The catalogue (共享目录): every dataset a partner may ask for, with its class, fields, legal basis and owner.
 * Datasets of class `not_shareable` are listed so a partner learns they exist and why they are refused.
 */
export const CATALOGUE: readonly Dataset[] = [
  {
    id: 'readings-latest',
    title: { zh: '在线监测最新数据', en: 'Latest online-monitoring readings' },
    sharingClass: 'unconditional',
    legalBasis: `${PLAN}; 《环境信息依法披露制度改革方案》`,
    owner: BUREAU,
    source: 'readings',
    fed: true,
    scopeDimensions: ['township', 'enterprise', 'factor'],
    fields: readingFields,
  },
  {
    id: 'readings-history',
    title: { zh: '在线监测历史数据', en: 'Historical online-monitoring readings' },
    sharingClass: 'conditional',
    legalBasis: `${PLAN}; ${REGULATION} 第九条`,
    owner: BUREAU,
    source: 'readings',
    fed: true,
    scopeDimensions: ['township', 'enterprise', 'factor'],
    fields: readingFields,
  },
  {
    id: 'alerts',
    title: { zh: '超标与异常告警', en: 'Exceedance and anomaly alerts' },
    sharingClass: 'conditional',
    legalBasis: `${PLAN}; ${REGULATION} 第九条`,
    owner: BUREAU,
    source: 'alerts',
    fed: true,
    scopeDimensions: ['township', 'enterprise', 'factor'],
    fields: [
      { name: 'alert_id', type: 'string', description: 'alert id' },
      { name: 'state', type: 'string', description: 'raised, updated or cleared' },
      { name: 'severity', type: 'string', description: 'info, minor, major, critical' },
      { name: 'device_mn', type: 'string', description: 'device MN' },
      { name: 'enterprise_uscc', type: 'string', description: 'enterprise USCC' },
      { name: 'township_code', type: 'string', description: 'township unit' },
      { name: 'factor_code', type: 'string', description: 'factor code' },
      { name: 'value', type: 'number', description: 'value compared with the limit' },
      { name: 'limit', type: 'number', description: 'the limit' },
      { name: 'summary', type: 'string', description: 'summary in Chinese' },
      { name: 'changed_at', type: 'timestamp', description: 'time of this change' },
    ],
  },
  {
    id: 'aqi-hourly',
    title: { zh: '空气质量小时指数', en: 'Hourly air quality index' },
    sharingClass: 'unconditional',
    legalBasis: 'HJ 633-2012 《环境空气质量指数(AQI)技术规定》 发布要求',
    owner: BUREAU,
    source: 'aqiHourly',
    fed: true,
    scopeDimensions: ['township'],
    fields: [
      { name: 'station_mn', type: 'string', description: 'station MN' },
      { name: 'hour_start', type: 'timestamp', description: 'hour' },
      { name: 'aqi', type: 'integer', description: 'AQI' },
      { name: 'category', type: 'string', description: 'category' },
      { name: 'primary_pollutants', type: 'string[]', description: 'primary pollutants' },
      { name: 'township_code', type: 'string', description: 'township unit' },
    ],
  },
  {
    id: 'cases-public',
    title: { zh: '网格案件(公开字段)', en: 'Grid cases (public fields)' },
    sharingClass: 'conditional',
    legalBasis: `${PLAN}; 《生态环境信访工作办法》第三十条 (保护信访人信息)`,
    owner: '盐湖区网格化指挥中心',
    source: 'cases',
    fed: true,
    scopeDimensions: ['township', 'bbox', 'enterprise'],
    fields: [
      { name: 'case_id', type: 'string', description: 'case id' },
      { name: 'status', type: 'string', description: 'case status' },
      { name: 'case_type', type: 'string', description: 'case type' },
      { name: 'title', type: 'string', description: 'title, 【演练】 first for a drill' },
      { name: 'drill', type: 'boolean', description: 'true for a drill’s case (演练), which no real figure counts' },
      { name: 'township_code', type: 'string', description: 'township unit' },
      { name: 'enterprise_uscc', type: 'string', description: 'enterprise concerned' },
      { name: 'lon', type: 'number', description: 'longitude (WGS 84)' },
      { name: 'lat', type: 'number', description: 'latitude (WGS 84)' },
      { name: 'occurred_at', type: 'timestamp', description: 'time of the last change' },
      { name: 'complainant_contact', type: 'string', description: 'the complainant’s contact: never shared', neverShared: true },
    ],
  },
  {
    id: 'credit-ratings',
    title: { zh: '企业环境信用评价结果', en: 'Enterprise environmental credit ratings' },
    sharingClass: 'unconditional',
    legalBasis: '《企业环境信用评价办法(试行)》(环发〔2013〕150号) 第二十条',
    owner: BUREAU,
    source: 'credit',
    fed: true,
    scopeDimensions: ['enterprise'],
    fields: [
      { name: 'enterprise_uscc', type: 'string', description: 'USCC' },
      { name: 'colour', type: 'string', description: 'green, blue, yellow, red' },
      { name: 'ruleset_version', type: 'string', description: 'ruleset version' },
      { name: 'rated_at', type: 'timestamp', description: 'time of rating' },
    ],
  },
  {
    id: 'credit-joint-punishment',
    title: { zh: '联合惩戒名单', en: 'Joint-punishment feed' },
    sharingClass: 'conditional',
    legalBasis: '《关于对环境保护领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》(发改财金〔2016〕1580号)',
    owner: BUREAU,
    source: 'credit',
    fed: true,
    scopeDimensions: ['enterprise'],
    fields: [
      { name: 'enterprise_uscc', type: 'string', description: 'USCC' },
      { name: 'colour', type: 'string', description: 'red' },
      { name: 'vetoed', type: 'boolean', description: 'one-vote veto' },
      { name: 'reason', type: 'string', description: 'reason' },
      { name: 'rated_at', type: 'timestamp', description: 'time of rating' },
    ],
  },
  {
    id: 'devices-status',
    title: { zh: '监测设备状态与传输有效率', en: 'Device status and transmission rates' },
    sharingClass: 'conditional',
    legalBasis: '《污染源自动监控设施运行管理办法》',
    owner: BUREAU,
    source: undefined,
    fed: false,
    scopeDimensions: ['township', 'enterprise'],
    fields: [
      { name: 'device_mn', type: 'string', description: 'device MN' },
      { name: 'online', type: 'boolean', description: 'online' },
      { name: 'transmission_rate', type: 'number', description: 'share of expected uploads received' },
    ],
  },
  {
    id: 'registry-enterprises-public',
    title: { zh: '重点排污单位名录(公开部分)', en: 'Key polluters (public subset)' },
    sharingClass: 'unconditional',
    legalBasis: '《企业事业单位环境信息公开办法》第八条',
    owner: BUREAU,
    source: 'registryEnterprises',
    fed: true,
    scopeDimensions: ['township', 'enterprise'],
    fields: [
      { name: 'enterprise_uscc', type: 'string', description: 'USCC' },
      { name: 'name', type: 'string', description: 'name' },
      { name: 'industry', type: 'string', description: 'industry' },
      { name: 'township_code', type: 'string', description: 'township unit' },
    ],
  },
  {
    id: 'emergency-incidents',
    title: { zh: '突发环境事件', en: 'Sudden environmental incidents' },
    sharingClass: 'conditional',
    legalBasis: '《突发环境事件应急管理办法》(环境保护部令第34号) 第二十四条 (通报有关部门); ' + PLAN,
    owner: '盐湖区网格化指挥中心',
    source: 'emergency',
    fed: true,
    scopeDimensions: ['township', 'bbox'],
    fields: [
      { name: 'incident_id', type: 'string', description: 'incident id' },
      { name: 'drill', type: 'boolean', description: 'true for a drill (演练): the title says so too' },
      { name: 'status', type: 'string', description: 'proposed, declared, responding, closed, dismissed' },
      { name: 'kind', type: 'string', description: 'water_source, river_section, toxic_gas, other' },
      { name: 'level', type: 'string', description: 'I (特别重大), II (重大), III (较大), IV (一般)' },
      { name: 'title', type: 'string', description: 'title, 【演练】 first for a drill' },
      { name: 'step', type: 'string', description: 'the step this change records, e.g. declared, plan_activated, closed' },
      { name: 'township_code', type: 'string', description: 'township unit' },
      { name: 'lon', type: 'number', description: 'longitude (WGS 84)' },
      { name: 'lat', type: 'number', description: 'latitude (WGS 84)' },
      { name: 'affected_targets', type: 'string[]', description: 'names of the sensitive targets in the impact zone' },
      { name: 'occurred_at', type: 'timestamp', description: 'time of this change' },
    ],
  },
  {
    id: 'complainants',
    title: { zh: '信访举报人信息', en: 'Complainants' },
    sharingClass: 'not_shareable',
    legalBasis: '《信访工作条例》第三十四条; 《个人信息保护法》第十三条',
    owner: '盐湖区网格化指挥中心',
    source: undefined,
    fed: false,
    scopeDimensions: [],
    fields: [
      { name: 'complainant_name', type: 'string', description: 'name', neverShared: true },
      { name: 'complainant_contact', type: 'string', description: 'contact', neverShared: true },
    ],
  },
];

const BY_ID = new Map(CATALOGUE.map((dataset) => [dataset.id, dataset]));

export function datasetById(id: string): Dataset | undefined {
  return BY_ID.get(id);
}

/** The fields of a dataset that may leave under some grant. */
export function shareableFields(dataset: Dataset): string[] {
  return dataset.fields.filter((field) => !field.neverShared).map((field) => field.name);
}
