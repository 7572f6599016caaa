import type { Obligation } from './obligation';
import type { Grade } from './reduction-list';
import type { WarningLevel } from './warning-level';

/** Emissions of one factor in the warning hours against the same number of hours just before the warning. */
export interface FactorReduction {
  factorCode: string;
  /** Mean of the hourly means (mg/m³) before the warning; for the total, the sum of the enterprises' means. */
  baseline: number;
  during: number;
  /** (baseline − during) / baseline × 100, one decimal; 0 without a baseline. */
  reductionPercent: number;
  hoursCompared: number;
}

export interface EnterpriseEvaluation {
  uscc: string;
  name: string;
  grade: Grade;
  measuresOrdered: number;
  measuresCarriedOut: number;
  measuresBreached: number;
  reductions: FactorReduction[];
}

export interface EpisodeEvaluation {
  warningId: string;
  peakLevel: WarningLevel;
  startsAt: Date;
  liftedAt: Date;
  measuresOrdered: number;
  measuresCarriedOut: number;
  measuresBreached: number;
  measuresSelfDirected: number;
  total: FactorReduction[];
  enterprises: EnterpriseEvaluation[];
  evaluatedAt: Date;
}

/** An enterprise's hourly means of one factor (all its outlets) before and during the warning. */
export interface FactorHours {
  uscc: string;
  factorCode: string;
  baseline: readonly number[];
  during: readonly number[];
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;
const percent = (baseline: number, during: number): number => (baseline > 0 ? round(((baseline - during) / baseline) * 100, 1) : 0);

/**
 * What an episode achieved. Measures: ordered (mandatory ones), carried out, breached, self-directed. Reduction:
 * per enterprise and factor, the mean hourly concentration during the warning against the same number of hours
 * just before it (a concentration proxy: the platform has no flow for every outlet); the total adds up the
 * enterprises' means per factor, counting only enterprises with hours on both sides.
 */
export function evaluateEpisode(input: {
  warningId: string;
  peakLevel: WarningLevel;
  startsAt: Date;
  liftedAt: Date;
  obligations: readonly Obligation[];
  hours: readonly FactorHours[];
  evaluatedAt: Date;
}): EpisodeEvaluation {
  const byEnterprise = new Map<string, Obligation[]>();
  for (const obligation of input.obligations) byEnterprise.set(obligation.uscc, [...(byEnterprise.get(obligation.uscc) ?? []), obligation]);
  const totals = new Map<string, { baseline: number; during: number; hours: number }>();
  const enterprises: EnterpriseEvaluation[] = [...byEnterprise.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([uscc, obligations]) => {
      const first = obligations[0] as Obligation;
      const mandatory = obligations.filter((obligation) => obligation.measure !== 'self_directed');
      const reductions = input.hours
        .filter((hours) => hours.uscc === uscc && hours.baseline.length > 0 && hours.during.length > 0)
        .sort((a, b) => a.factorCode.localeCompare(b.factorCode))
        .map((hours) => {
          const baseline = mean(hours.baseline);
          const during = mean(hours.during);
          const total = totals.get(hours.factorCode) ?? { baseline: 0, during: 0, hours: 0 };
          totals.set(hours.factorCode, { baseline: total.baseline + baseline, during: total.during + during, hours: total.hours + hours.during.length });
          return { factorCode: hours.factorCode, baseline: round(baseline, 2), during: round(during, 2), reductionPercent: percent(baseline, during), hoursCompared: hours.during.length };
        });
      return {
        uscc,
        name: first.enterpriseName,
        grade: first.grade,
        measuresOrdered: mandatory.length,
        measuresCarriedOut: mandatory.filter((obligation) => obligation.status === 'carried_out').length,
        measuresBreached: mandatory.filter((obligation) => obligation.status === 'breached').length,
        reductions,
      };
    });
  const total = [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([factorCode, sums]) => ({ factorCode, baseline: round(sums.baseline, 2), during: round(sums.during, 2), reductionPercent: percent(sums.baseline, sums.during), hoursCompared: sums.hours }));
  const sum = (pick: (enterprise: EnterpriseEvaluation) => number): number => enterprises.reduce((count, enterprise) => count + pick(enterprise), 0);
  return {
    warningId: input.warningId,
    peakLevel: input.peakLevel,
    startsAt: input.startsAt,
    liftedAt: input.liftedAt,
    measuresOrdered: sum((enterprise) => enterprise.measuresOrdered),
    measuresCarriedOut: sum((enterprise) => enterprise.measuresCarriedOut),
    measuresBreached: sum((enterprise) => enterprise.measuresBreached),
    measuresSelfDirected: input.obligations.filter((obligation) => obligation.measure === 'self_directed').length,
    total,
    enterprises,
    evaluatedAt: input.evaluatedAt,
  };
}
