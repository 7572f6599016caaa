import type { DeadlinePolicy } from './deadline-policy';

/**
 * Deadline policy v1 (minutes). Why these numbers:
 * - urgent (critical exceedance, or a serious one next to a drinking-water source, school, hospital or the
 *   reserve): sign for it within 15 min and be there within the hour, like an emergency duty roster;
 *   handled in 4 h; verified next day (24 h), when the verifier can see that it stayed fixed.
 * - high: twice the urgent limits for signing and arriving, a working day (8 h) to handle.
 * - normal (most complaints and minor exceedances): sign within 2 h, arrive the same working day (8 h),
 *   handle within 2 days, verify within 3 days.
 * - low: sign within a working day, arrive within a day, handle within 5 days, verify within 5 days.
 * Reminders at 80 % of a step's time; overdue escalates to the unit supervisor at the deadline and to the
 * district command center when half the step's time again has passed.
 * Case types whose harm spreads fast (straw burning, hazardous waste) never rank below high, and straw
 * burning must be reached within 30 min because a fire does not wait.
 * Emergency cases (asked for by the emergency service) never rank below high: a reduction breach during a
 * heavy-pollution warning undoes the reduction the warning is for while it lasts (a warning lasts days, the breach
 * counts by the hour), so at high it gets the urgent clock — sign in 15 min, on site within the hour, handled in
 * 4 h; a plan task of a sudden incident keeps the high defaults, and its own deadline, when the plan gives one,
 * wins over every step up to the handling (stepDeadlineOf).
 */
export const DEADLINE_POLICY_V1: DeadlinePolicy = {
  version: 'v1',
  remindAtFraction: 0.8,
  secondEscalationAfterFraction: 0.5,
  defaults: {
    urgent: { accept: 15, arrive: 60, handle: 240, verify: 1_440 },
    high: { accept: 30, arrive: 120, handle: 480, verify: 1_440 },
    normal: { accept: 120, arrive: 480, handle: 2_880, verify: 4_320 },
    low: { accept: 480, arrive: 1_440, handle: 7_200, verify: 7_200 },
  },
  caseTypes: {
    air_emission_exceedance: { label: '废气排放超标' },
    water_discharge_exceedance: { label: '废水排放超标' },
    ambient_air_anomaly: { label: '环境空气质量异常' },
    surface_water_anomaly: { label: '地表水质异常' },
    monitoring_exceedance: { label: '在线监测超标' },
    air_pollution: { label: '大气污染' },
    water_pollution: { label: '水污染' },
    noise: { label: '噪声扰民' },
    dust: { label: '扬尘' },
    odour: { label: '恶臭异味' },
    solid_waste: { label: '固体废物' },
    hazardous_waste: { label: '危险废物', minPriority: 'high' },
    straw_burning: { label: '秸秆焚烧', minPriority: 'high', limits: { high: { accept: 15, arrive: 30 }, urgent: { accept: 10, arrive: 30 } } },
    other: { label: '其他环境问题' },
    emergency_reduction_breach: { label: '重污染天气减排措施未落实', minPriority: 'high', limits: { high: { accept: 15, arrive: 60, handle: 240 } } },
    emergency_plan_task: { label: '应急预案任务', minPriority: 'high' },
  },
};
