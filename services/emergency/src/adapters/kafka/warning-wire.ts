import {
  ObligationStatus as WireObligationStatus,
  WarningLevel as WireLevel,
  WarningOrigin as WireOrigin,
  WarningStatus as WireStatus,
  type EpisodeEvaluation as WireEvaluation,
  type Obligation as WireObligation,
  type ReductionListEntry as WireEntry,
  type Warning as WireWarning,
} from '@ecogrid/proto/emergency/v1/warnings';
import type { EpisodeEvaluation } from '../../domain/warnings/episode-evaluation';
import type { Obligation, ObligationStatus } from '../../domain/warnings/obligation';
import type { ReductionListEntry } from '../../domain/warnings/reduction-list';
import type { Warning } from '../../domain/warnings/warning';
import { WARNING_LEVELS, type WarningLevel } from '../../domain/warnings/warning-level';

/** Domain ↔ wire for the warnings part: one mapping, used by the events and the gRPC answers alike. */
export const LEVEL: Record<WarningLevel, WireLevel> = { yellow: WireLevel.WARNING_LEVEL_YELLOW, orange: WireLevel.WARNING_LEVEL_ORANGE, red: WireLevel.WARNING_LEVEL_RED };
export const LEVEL_OF_WIRE: Partial<Record<WireLevel, WarningLevel>> = Object.fromEntries(WARNING_LEVELS.map((level) => [LEVEL[level], level]));

export const OBLIGATION_STATUS: Record<ObligationStatus, WireObligationStatus> = {
  active: WireObligationStatus.OBLIGATION_STATUS_ACTIVE,
  carried_out: WireObligationStatus.OBLIGATION_STATUS_CARRIED_OUT,
  breached: WireObligationStatus.OBLIGATION_STATUS_BREACHED,
  self_directed: WireObligationStatus.OBLIGATION_STATUS_SELF_DIRECTED,
};
export const OBLIGATION_STATUS_OF_WIRE: Partial<Record<WireObligationStatus, ObligationStatus>> = Object.fromEntries(Object.entries(OBLIGATION_STATUS).map(([status, wire]) => [wire, status as ObligationStatus]));

export function warningMessage(warning: Warning): WireWarning {
  return {
    warningId: warning.warningId,
    level: LEVEL[warning.level],
    status: warning.status === 'active' ? WireStatus.WARNING_STATUS_ACTIVE : WireStatus.WARNING_STATUS_LIFTED,
    origin: warning.origin === 'city' ? WireOrigin.WARNING_ORIGIN_CITY : WireOrigin.WARNING_ORIGIN_AQI_TRIGGER,
    startsAt: warning.startsAt,
    expectedEndAt: warning.expectedEndAt,
    liftedAt: warning.liftedAt,
    reason: warning.reason,
    issuedBy: warning.issuedBy,
    listYear: warning.listYear,
    listVersion: warning.listVersion,
    peakLevel: LEVEL[warning.peakLevel],
    obligationCount: warning.obligationCount,
    drill: warning.drill,
  };
}

export function obligationMessage(obligation: Obligation): WireObligation {
  return {
    obligationId: obligation.obligationId,
    warningId: obligation.warningId,
    enterpriseUscc: obligation.uscc,
    enterpriseName: obligation.enterpriseName,
    level: LEVEL[obligation.level],
    grade: obligation.grade,
    measure: obligation.measure,
    productionLimitPercent: obligation.productionLimitPercent,
    reducedLevels: obligation.reducedLevels.map((level) => ({ ...level })),
    windowStart: obligation.windowStart,
    windowEnd: obligation.windowEnd,
    status: OBLIGATION_STATUS[obligation.status],
    breachReason: obligation.breach?.reason.zh ?? '',
    breachReasonEn: obligation.breach?.reason.en ?? '',
    breachedAt: obligation.breach?.at,
  };
}

export function evaluationMessage(evaluation: EpisodeEvaluation): WireEvaluation {
  return {
    warningId: evaluation.warningId,
    peakLevel: LEVEL[evaluation.peakLevel],
    startsAt: evaluation.startsAt,
    liftedAt: evaluation.liftedAt,
    measuresOrdered: evaluation.measuresOrdered,
    measuresCarriedOut: evaluation.measuresCarriedOut,
    measuresBreached: evaluation.measuresBreached,
    measuresSelfDirected: evaluation.measuresSelfDirected,
    total: evaluation.total.map((reduction) => ({ ...reduction })),
    enterprises: evaluation.enterprises.map((enterprise) => ({
      enterpriseUscc: enterprise.uscc,
      enterpriseName: enterprise.name,
      grade: enterprise.grade,
      measuresOrdered: enterprise.measuresOrdered,
      measuresCarriedOut: enterprise.measuresCarriedOut,
      measuresBreached: enterprise.measuresBreached,
      reductions: enterprise.reductions.map((reduction) => ({ ...reduction })),
    })),
    evaluatedAt: evaluation.evaluatedAt,
  };
}

export function entryMessage(entry: ReductionListEntry): WireEntry {
  return {
    enterpriseUscc: entry.uscc,
    enterpriseName: entry.name,
    industry: entry.industry,
    grade: entry.grade,
    gradeValidUntil: entry.gradeValidUntil,
    measures: WARNING_LEVELS.flatMap((level) => {
      const measures = entry.measures[level];
      return measures ? [{ level: LEVEL[level], productionLimitPercent: measures.productionLimitPercent, stop: measures.stop, transportRestriction: measures.transportRestriction, reducedLevels: measures.reducedLevels.map((reduced) => ({ ...reduced })) }] : [];
    }),
  };
}
