/**
 * The Yanhu demo's partner departments and what each is granted. `pnpm start` registers them through the API
 * (cli/seed-demo.ts), and the leak test drives the very same grants, so the demo is what is proven.
 */
export interface DemoGrant {
  dataset: string;
  fields: string[];
  scope?: { townships?: string[]; enterprises?: string[]; factors?: string[]; bbox?: [number, number, number, number] };
  purpose: string;
  /** Conditional grants are approved by the demo's data steward unless this says otherwise. */
  leavePending?: boolean;
}

export interface DemoPartner {
  id: string;
  name: string;
  grants: DemoGrant[];
}

/** 北城街道 and 中城街道, the city centre. */
export const CENTRE_TOWNSHIPS = ['140802001', '140802005'];
/** Around the 盐池 (salt lake) south of the centre. */
export const SALT_LAKE_BBOX: [number, number, number, number] = [110.95, 34.98, 111.05, 35.05];
/** COD and ammonia nitrogen: what the water bureau follows. */
export const WATER_FACTORS = ['w01018', 'w21003'];

export const YANHU_PARTNERS: readonly DemoPartner[] = [
  {
    id: 'yc-eeb',
    name: '运城市生态环境局',
    grants: [
      { dataset: 'readings-latest', fields: ['device_mn', 'factor_code', 'value', 'unit', 'flag', 'data_time', 'enterprise_uscc', 'township_code', 'cell_id'], purpose: '市级监管调度' },
      { dataset: 'alerts', fields: ['alert_id', 'state', 'severity', 'device_mn', 'enterprise_uscc', 'township_code', 'factor_code', 'value', 'limit', 'summary', 'changed_at'], purpose: '超标督办' },
      { dataset: 'aqi-hourly', fields: ['station_mn', 'hour_start', 'aqi', 'category', 'primary_pollutants', 'township_code'], purpose: '空气质量考核' },
      { dataset: 'credit-ratings', fields: ['enterprise_uscc', 'colour', 'ruleset_version', 'rated_at'], purpose: '信用评价汇总' },
      { dataset: 'credit-joint-punishment', fields: ['enterprise_uscc', 'colour', 'vetoed', 'reason', 'rated_at'], purpose: '联合惩戒' },
      { dataset: 'cases-public', fields: ['case_id', 'status', 'case_type', 'title', 'township_code', 'enterprise_uscc', 'occurred_at'], purpose: '案件督查' },
    ],
  },
  {
    id: 'yh-water',
    name: '盐湖区水务局',
    grants: [
      { dataset: 'readings-history', fields: ['device_mn', 'factor_code', 'value', 'unit', 'data_time'], scope: { factors: WATER_FACTORS }, purpose: '水质联防联控' },
      { dataset: 'alerts', fields: ['alert_id', 'state', 'severity', 'factor_code', 'value', 'limit', 'changed_at'], scope: { factors: WATER_FACTORS }, purpose: '水质超标联动' },
      {
        dataset: 'emergency-incidents',
        fields: ['incident_id', 'drill', 'status', 'kind', 'level', 'title', 'step', 'township_code', 'lon', 'lat', 'affected_targets', 'occurred_at'],
        purpose: '突发环境事件通报与联动处置',
      },
    ],
  },
  {
    id: 'hotline-12369',
    name: '12369 环保举报热线',
    grants: [
      { dataset: 'cases-public', fields: ['case_id', 'status', 'title', 'occurred_at'], scope: { townships: CENTRE_TOWNSHIPS, bbox: SALT_LAKE_BBOX }, purpose: '举报办理进度答复' },
      { dataset: 'aqi-hourly', fields: ['station_mn', 'hour_start', 'aqi', 'category'], scope: { townships: CENTRE_TOWNSHIPS }, purpose: '答复群众空气质量咨询' },
      { dataset: 'alerts', fields: ['alert_id', 'summary'], purpose: '告警知悉 (待审批)', leavePending: true },
    ],
  },
];
