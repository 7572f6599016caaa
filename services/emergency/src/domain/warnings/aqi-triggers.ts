import type { WarningLevel } from './warning-level';

/** The district's AQI for one hour: the mean of its stations' hourly AQI (epoch ms of the hour's start). */
export interface DistrictAqiHour {
  hour: number;
  aqi: number;
}

export interface TriggerAssessment {
  level: WarningLevel;
  /** Why, zh-CN and English, e.g. "日均AQI>150 已持续 48 小时". */
  reason: { zh: string; en: string };
}

const HOUR_MS = 3_600_000;

/**
 * The rolling daily AQI at each hour: the mean of the 24 hourly values ending with it (STANDARDS §6.1: the 24 h
 * average may be rolling and may cross calendar days). Only hours with a full 24 h behind them are given; a gap
 * in the hours breaks the run (a missing hour is not evidence that the air stayed bad).
 */
export function rollingDailyAqi(hours: readonly DistrictAqiHour[]): DistrictAqiHour[] {
  const sorted = [...hours].sort((a, b) => a.hour - b.hour);
  const result: DistrictAqiHour[] = [];
  for (let end = 23; end < sorted.length; end += 1) {
    const first = sorted[end - 23] as DistrictAqiHour;
    const last = sorted[end] as DistrictAqiHour;
    if (last.hour - first.hour !== 23 * HOUR_MS) continue;
    let sum = 0;
    for (let index = end - 23; index <= end; index += 1) sum += (sorted[index] as DistrictAqiHour).aqi;
    result.push({ hour: last.hour, aqi: sum / 24 });
  }
  return result;
}

/** How many consecutive hours, ending with the newest, the rolling daily AQI has been above `threshold`. */
export function hoursAbove(rolling: readonly DistrictAqiHour[], threshold: number): number {
  let count = 0;
  for (let index = rolling.length - 1; index >= 0; index -= 1) {
    const current = rolling[index] as DistrictAqiHour;
    const next = rolling[index + 1];
    if (next && next.hour - current.hour !== HOUR_MS) break;
    if (!(current.aqi > threshold)) break;
    count += 1;
  }
  return count;
}

/**
 * The highest level the observed and forecast AQI meet (STANDARDS §6.1), or undefined:
 * yellow — forecast daily AQI > 200, or daily AQI > 150 for ≥ 48 h;
 * orange — daily AQI > 200 for ≥ 48 h, or > 150 for ≥ 72 h;
 * red — daily AQI > 200 for ≥ 72 h and > 300 for ≥ 24 h.
 * "Lasting" counts hours of the rolling daily AQI: the first rolling value above 150 marks hour 1.
 */
export function assessTriggers(input: { hours: readonly DistrictAqiHour[]; forecastDailyAqi?: number }): TriggerAssessment | undefined {
  const rolling = rollingDailyAqi(input.hours);
  const above150 = hoursAbove(rolling, 150);
  const above200 = hoursAbove(rolling, 200);
  const above300 = hoursAbove(rolling, 300);
  if (above200 >= 72 && above300 >= 24) {
    return { level: 'red', reason: { zh: `日均AQI>200 已持续 ${above200} 小时且>300 已持续 ${above300} 小时`, en: `daily AQI > 200 for ${above200} h and > 300 for ${above300} h` } };
  }
  if (above200 >= 48) return { level: 'orange', reason: { zh: `日均AQI>200 已持续 ${above200} 小时`, en: `daily AQI > 200 for ${above200} h` } };
  if (above150 >= 72) return { level: 'orange', reason: { zh: `日均AQI>150 已持续 ${above150} 小时`, en: `daily AQI > 150 for ${above150} h` } };
  if (input.forecastDailyAqi !== undefined && input.forecastDailyAqi > 200) {
    return { level: 'yellow', reason: { zh: `预测日均AQI ${input.forecastDailyAqi}>200`, en: `forecast daily AQI ${input.forecastDailyAqi} > 200` } };
  }
  if (above150 >= 48) return { level: 'yellow', reason: { zh: `日均AQI>150 已持续 ${above150} 小时`, en: `daily AQI > 150 for ${above150} h` } };
  return undefined;
}

/** The district's hourly AQI from its stations' values: the mean per hour. */
export function districtHours(stationHours: ReadonlyArray<{ hour: number; aqi: number }>): DistrictAqiHour[] {
  const byHour = new Map<number, { sum: number; count: number }>();
  for (const entry of stationHours) {
    const bucket = byHour.get(entry.hour) ?? { sum: 0, count: 0 };
    bucket.sum += entry.aqi;
    bucket.count += 1;
    byHour.set(entry.hour, bucket);
  }
  return [...byHour.entries()].map(([hour, bucket]) => ({ hour, aqi: bucket.sum / bucket.count })).sort((a, b) => a.hour - b.hour);
}
