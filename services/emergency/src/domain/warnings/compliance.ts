import type { Breach, Obligation } from './obligation';

const HOUR_MS = 3_600_000;

/** The mean of one factor at one outlet over one clock hour (epoch ms of its start), from the CEMS readings. */
export interface OutletHour {
  outletId: string;
  factorCode: string;
  hour: number;
  mean: number;
}

/** The hourly mean of an enterprise's production or power-use monitoring (HJ 212-2025 ST 44/45). */
export interface ActivityHour {
  hour: number;
  mean: number;
}

/**
 * Share of the baseline activity a measure allows, plus what is tolerated on top for measurement noise and
 * auxiliary loads that keep running in a stop (lighting, environmental protection equipment).
 */
const ACTIVITY_TOLERANCE = 0.1;

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Whole clock hours of the window that have ended by `now`. */
function inWindow(hour: number, obligation: Obligation, now: Date): boolean {
  const end = Math.min(now.getTime(), obligation.windowEnd?.getTime() ?? Number.POSITIVE_INFINITY);
  return hour >= obligation.windowStart.getTime() && hour + HOUR_MS <= end;
}

const hourText = (hour: number): string => new Date(hour + 8 * HOUR_MS).toISOString().slice(0, 16).replace('T', ' ');

/**
 * The first whole hour in the obligation's window whose hourly mean at an outlet is above the reduced level the
 * measure implies (hourly means of the outlet's CEMS; an hour starting before the window does not count).
 */
export function findEmissionBreach(obligation: Obligation, hours: readonly OutletHour[], now: Date): Breach | undefined {
  if (obligation.reducedLevels.length === 0) return undefined;
  const limits = new Map(obligation.reducedLevels.map((level) => [`${level.outletId}/${level.factorCode}`, level.limitMgM3]));
  const over = hours
    .filter((hour) => inWindow(hour.hour, obligation, now))
    .map((hour) => ({ hour, limit: limits.get(`${hour.outletId}/${hour.factorCode}`) }))
    .filter((candidate): candidate is { hour: OutletHour; limit: number } => candidate.limit !== undefined && candidate.hour.mean > candidate.limit)
    .sort((a, b) => a.hour.hour - b.hour.hour || a.hour.outletId.localeCompare(b.hour.outletId) || a.hour.factorCode.localeCompare(b.hour.factorCode));
  const first = over[0];
  if (!first) return undefined;
  const { hour, limit } = first;
  return {
    at: new Date(hour.hour + HOUR_MS),
    reason: {
      zh: `排口 ${hour.outletId} 因子 ${hour.factorCode} ${hourText(hour.hour)} 时段小时均值 ${round(hour.mean)} mg/m³ 高于应急减排限值 ${limit} mg/m³`,
      en: `outlet ${hour.outletId} ${hour.factorCode} hourly mean ${round(hour.mean)} mg/m³ at ${hourText(hour.hour)} (UTC+8) is above the reduced level ${limit} mg/m³`,
    },
  };
}

/**
 * A production limit or stop not carried out, seen in production or power-use monitoring: an hour in the window
 * whose mean is above the share of the baseline (the same enterprise's mean before the warning) the measure allows.
 * No baseline, no judgement: an enterprise without such monitoring is judged on its emissions only.
 */
export function findActivityBreach(obligation: Obligation, baselineMean: number | undefined, hours: readonly ActivityHour[], now: Date): Breach | undefined {
  if (obligation.measure !== 'stop' && obligation.measure !== 'production_limit') return undefined;
  if (baselineMean === undefined || !(baselineMean > 0)) return undefined;
  const allowedShare = obligation.measure === 'stop' ? 0 : 1 - obligation.productionLimitPercent / 100;
  const ceiling = baselineMean * (allowedShare + ACTIVITY_TOLERANCE);
  const first = hours.filter((hour) => inWindow(hour.hour, obligation, now) && hour.mean > ceiling).sort((a, b) => a.hour - b.hour)[0];
  if (!first) return undefined;
  const percent = round((first.mean / baselineMean) * 100, 0);
  const what = obligation.measure === 'stop' ? { zh: '停产', en: 'stop' } : { zh: `限产 ${obligation.productionLimitPercent}%`, en: `production limit ${obligation.productionLimitPercent} %` };
  return {
    at: new Date(first.hour + HOUR_MS),
    reason: {
      zh: `${hourText(first.hour)} 时段生产/用电监控为预警前的 ${percent}%，未落实${what.zh}`,
      en: `production/power use at ${hourText(first.hour)} (UTC+8) was ${percent} % of before the warning: ${what.en} not carried out`,
    },
  };
}
