import type { EarlyWarningPolicy } from './early-warning-policy';
import type { SeriesForecast } from './forecast-series';
import type { MonitoredFactor, SeriesKind } from './monitored-series';
import { describeLimit } from './series-limit';
import type { SeriesPoint } from './series-tracker';

/** What identifies a watched series: one factor of one device at one data interval. */
export interface SeriesIdentity {
  /** "<MN>:<factor code>:<command code>", the topic key of its events. */
  readonly seriesId: string;
  readonly deviceMn: string;
  readonly commandCode: string;
  readonly seriesKind: SeriesKind;
  readonly factor: MonitoredFactor;
  readonly relatedTargetId: string | null;
  readonly stepMs: number;
}

export function seriesIdOf(deviceMn: string, factorCode: string, commandCode: string): string {
  return `${deviceMn}:${factorCode}:${commandCode}`;
}

/** A forecast as kept with a warning: inputs, model, band and the crossing it expects, in absolute time. */
export interface ForecastEvidence {
  readonly seriesId: string;
  readonly deviceMn: string;
  readonly factorCode: string;
  readonly factorName: string;
  readonly commandCode: string;
  readonly seriesKind: SeriesKind;
  readonly factor: MonitoredFactor;
  readonly relatedTargetId: string | null;
  readonly madeAt: Date;
  readonly stepSeconds: number;
  readonly horizonSteps: number;
  readonly bandLevel: number;
  readonly points: ReadonlyArray<{ readonly at: Date; readonly mean: number; readonly lower: number; readonly upper: number; readonly probabilityBeyond: number }>;
  readonly model: { readonly name: 'damped_holt'; readonly alpha: number; readonly beta: number; readonly phi: number; readonly level: number; readonly trend: number; readonly sigma: number; readonly points: number };
  readonly inputs: ReadonlyArray<{ readonly dataTime: Date; readonly value: number; readonly observationId: string }>;
  readonly maxProbability: number;
  readonly expectedCrossingAt: Date | null;
}

export function forecastEvidence(series: SeriesIdentity, forecast: SeriesForecast, window: readonly SeriesPoint[], policy: EarlyWarningPolicy): ForecastEvidence {
  const last = window.at(-1);
  const madeAtMs = last?.atMs ?? 0;
  return {
    seriesId: series.seriesId,
    deviceMn: series.deviceMn,
    factorCode: series.factor.code,
    factorName: series.factor.nameZh,
    commandCode: series.commandCode,
    seriesKind: series.seriesKind,
    factor: series.factor,
    relatedTargetId: series.relatedTargetId,
    madeAt: new Date(madeAtMs),
    stepSeconds: series.stepMs / 1_000,
    horizonSteps: policy.horizonSteps,
    bandLevel: policy.bandLevel,
    points: forecast.points.map((point) => ({ at: new Date(madeAtMs + point.step * series.stepMs), mean: point.mean, lower: point.lower, upper: point.upper, probabilityBeyond: point.probabilityBeyond })),
    model: { name: 'damped_holt', alpha: forecast.fit.alpha, beta: forecast.fit.beta, phi: forecast.fit.phi, level: forecast.fit.level, trend: forecast.fit.trend, sigma: forecast.fit.sigma, points: forecast.fit.points },
    inputs: window.map((point) => ({ dataTime: new Date(point.atMs), value: point.value, observationId: point.observationId })),
    maxProbability: forecast.maxProbability,
    expectedCrossingAt: forecast.expectedCrossingStep === null ? null : new Date(madeAtMs + forecast.expectedCrossingStep * series.stepMs),
  };
}

const KIND_ZH: Record<SeriesKind, string> = { river_section: '河流断面', water_source: '饮用水源地', toxic_gas: '有毒有害气体' };
const KIND_EN: Record<SeriesKind, string> = { river_section: 'river section', water_source: 'drinking-water source', toxic_gas: 'toxic gas' };

/** The user-facing text of a raised warning, zh-CN first, English beside it. */
export function earlyWarningMessage(evidence: ForecastEvidence): { zh: string; en: string } {
  const limit = `${describeLimit(evidence.factor.limit)}${evidence.factor.unit ? ` ${evidence.factor.unit}` : ''}`;
  const minutes = evidence.expectedCrossingAt ? Math.max(1, Math.round((evidence.expectedCrossingAt.getTime() - evidence.madeAt.getTime()) / 60_000)) : null;
  const horizonMinutes = Math.round((evidence.horizonSteps * evidence.stepSeconds) / 60);
  const probability = Math.round(evidence.maxProbability * 100);
  const when = minutes === null ? `${horizonMinutes} 分钟内` : `约 ${minutes} 分钟后`;
  const whenEn = minutes === null ? `within ${horizonMinutes} min` : `in about ${minutes} min`;
  return {
    zh: `【${KIND_ZH[evidence.seriesKind]}预警】设备 ${evidence.deviceMn} 的${evidence.factorName}预计${when}超出限值（${limit}，${evidence.factor.limitSource}），概率 ${probability}%`,
    en: `[${KIND_EN[evidence.seriesKind]} early warning] ${evidence.factorCode} at device ${evidence.deviceMn} is likely (${probability}%) to cross its limit (${limit}) ${whenEn}`,
  };
}
