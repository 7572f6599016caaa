import { AIR_STATION_KINDS, type DeviceKindName } from '../kinds';
import type { RulesetInput } from './ruleset';

const AIR_STATIONS: DeviceKindName[] = [...AIR_STATION_KINDS];
const EMISSION_POINTS: DeviceKindName[] = ['FLUE_GAS_CEMS', 'WASTEWATER_OUTLET'];

/**
 * The rules alerting runs unless `ALERT_RULESET` names another file. The numbers are policy, not standard text:
 * limits come from the registry (permit limits) and GB 3095; durations, distances and severities below are
 * starting values to confirm with the bureau (services/alerting/README.md lists them).
 */
export const DEFAULT_RULESET: RulesetInput = {
  id: 'yanhu-default',
  version: '2026.12.3',
  description: 'Yanhu District default alerting rules',
  suppressFlags: ['M', 'C'],
  limitFlags: ['N', 'T'],
  maxEvidence: 10,
  updateOnPeakIncrease: 0.2,
  sensitiveTargets: {
    radiusM: { DRINKING_WATER_SOURCE: 2000, NATURE_RESERVE: 1000, SCHOOL: 500 },
    escalateBy: 1,
  },
  aqi: { enabled: true, deviceKinds: AIR_STATIONS, minCoveredMinutes: 45, closeAfterMinutes: 10 },
  rules: [
    {
      id: 'emission-limit-realtime',
      version: '1',
      kind: 'emission_limit',
      description: '实时数据超过排污许可限值 (converted Zs value where the permit limit is on converted concentration)',
      deviceKinds: EMISSION_POINTS,
      commands: ['2011'],
      // Back-filled minute means after an outage are judged against the same permit limit, reading by reading.
      lateCommands: ['2051'],
      severity: 'minor',
      raiseAfter: { readings: 1 },
      clearAfterReadings: 3,
      escalations: [
        { afterMinutes: 15, severity: 'major' },
        { atMultiple: 1, severity: 'critical' },
      ],
      escalateNearTargets: true,
    },
    {
      id: 'emission-limit-hourly',
      version: '1',
      kind: 'emission_limit',
      description: '小时均值超过排污许可限值',
      deviceKinds: EMISSION_POINTS,
      commands: ['2061'],
      severity: 'major',
      raiseAfter: { readings: 1 },
      clearAfterReadings: 1,
      escalations: [{ atMultiple: 1, severity: 'critical' }],
      escalateNearTargets: true,
    },
    {
      // Surface-water and drinking-water-source stations against the limits the registry gives their factors (GB 3838
      // class or the section's assessment target): the emergency service proposes an incident from these alerts.
      id: 'water-quality-limit',
      version: '1',
      kind: 'emission_limit',
      description: '水质自动站监测值超过断面/水源地水质目标',
      deviceKinds: ['WATER_STATION'],
      commands: ['2011', '2061'],
      lateCommands: ['2051'],
      severity: 'major',
      raiseAfter: { readings: 1 },
      clearAfterReadings: 2,
      escalations: [{ atMultiple: 1, severity: 'critical' }],
      escalateNearTargets: true,
    },
    {
      // Air stations against limits the registry gives their factors — in practice a toxic-gas monitor beside a
      // chemical store or waste site (H2S, NH3, Cl2, NMHC): no ambient standard limits these gases, so the bureau
      // registers the level to watch; the emergency service proposes a toxic-gas incident from these alerts. Air
      // stations without registered limits (the AQI pollutants) are judged by the ambient rules only.
      id: 'toxic-gas-limit',
      version: '1',
      kind: 'emission_limit',
      description: '有毒有害气体监测点监测值超过登记限值',
      deviceKinds: AIR_STATIONS,
      commands: ['2011', '2061'],
      lateCommands: ['2051'],
      severity: 'major',
      raiseAfter: { readings: 1 },
      clearAfterReadings: 2,
      escalations: [{ atMultiple: 1, severity: 'critical' }],
      escalateNearTargets: true,
    },
    {
      id: 'ambient-1h',
      version: '1',
      kind: 'ambient_limit',
      description: '空气站小时均值超过 GB 3095 1 小时平均限值',
      deviceKinds: AIR_STATIONS,
      period: '1h',
      zoneClass: 2,
      severity: 'minor',
      raiseAfter: { readings: 1 },
      clearAfterReadings: 1,
      escalations: [{ afterReadings: 3, severity: 'major' }],
    },
    {
      id: 'ambient-8h',
      version: '1',
      kind: 'ambient_limit',
      description: '臭氧 8 小时滑动平均超过 GB 3095 限值',
      deviceKinds: AIR_STATIONS,
      period: '8h',
      zoneClass: 2,
      severity: 'minor',
      raiseAfter: { readings: 1 },
      clearAfterReadings: 1,
    },
    {
      id: 'ambient-24h',
      version: '1',
      kind: 'ambient_limit',
      description: '空气站日均值超过 GB 3095 24 小时平均限值',
      deviceKinds: AIR_STATIONS,
      period: '24h',
      zoneClass: 2,
      severity: 'major',
      raiseAfter: { readings: 1 },
      clearAfterReadings: 1,
    },
    {
      id: 'data-quality',
      version: '1',
      kind: 'data_quality',
      description: '数据标记异常：D 故障、F 停运、B 通讯异常、T 超测量上限',
      flags: ['D', 'F', 'B', 'T'],
      severity: 'minor',
      raiseAfter: { readings: 3, minutes: 10 },
      clearAfterReadings: 2,
    },
    {
      id: 'device-offline',
      version: '1',
      kind: 'device_offline',
      description: '设备超过规定时间无数据（离线）',
      minutes: 30,
      minutesByDeviceKind: { WATER_STATION: 360 },
      severity: 'major',
      clearAfterReadings: 1,
    },
    {
      id: 'sudden-jump',
      version: '1',
      kind: 'sudden_jump',
      description: '实时数据突变',
      valueKinds: ['Rtd'],
      relativeChange: 3,
      minAbsoluteChange: 50,
      minAbsoluteChangeByFactor: { a21005: 5, w01001: 2 },
      maxGapMinutes: 10,
      severity: 'info',
      clearAfterReadings: 3,
    },
  ],
};
