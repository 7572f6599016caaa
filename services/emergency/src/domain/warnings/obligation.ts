import { isSelfDirected, type Grade, type ReducedLevel, type ReductionListEntry } from './reduction-list';
import type { WarningLevel } from './warning-level';

/**
 * What an obligation asks. `reduced_emission` is a reduced level with no production cut or stop behind it;
 * `self_directed` is the 自主减排 of an A / 引领性 enterprise, tracked but not forced.
 */
export type Measure = 'production_limit' | 'stop' | 'transport_restriction' | 'reduced_emission' | 'self_directed';
export type ObligationStatus = 'active' | 'carried_out' | 'breached' | 'self_directed';

/** Where the enterprise is: a breach's case goes to the officer of this cell. */
export interface EnterprisePlace {
  cellId: string;
  townshipCode: string;
  lon?: number;
  lat?: number;
}

export interface Breach {
  at: Date;
  reason: { zh: string; en: string };
}

/** One measure of one listed enterprise under one level of a warning, with its window. */
export interface Obligation {
  obligationId: string;
  warningId: string;
  uscc: string;
  enterpriseName: string;
  grade: Grade;
  level: WarningLevel;
  measure: Measure;
  productionLimitPercent: number;
  reducedLevels: ReducedLevel[];
  windowStart: Date;
  /** Unset while the level it belongs to is in force. */
  windowEnd?: Date;
  status: ObligationStatus;
  breach?: Breach;
  place: EnterprisePlace;
}

/** The measures one entry takes at one level, before they get ids and windows. */
export interface MeasureDraft {
  measure: Measure;
  productionLimitPercent: number;
  reducedLevels: ReducedLevel[];
}

/**
 * The measures an enterprise's grade requires at a level (STANDARDS §6.2). A / 引领性: one self-directed obligation,
 * tracked against the reduced levels they declared. B and below: a stop or a production limit carries the reduced
 * levels it implies (a reduced level alone is its own measure), and a transport restriction is a measure of its own.
 */
export function measuresFor(entry: ReductionListEntry, level: WarningLevel): MeasureDraft[] {
  const measures = entry.measures[level];
  if (isSelfDirected(entry.grade)) return [{ measure: 'self_directed', productionLimitPercent: measures?.productionLimitPercent ?? 0, reducedLevels: measures?.reducedLevels ?? [] }];
  if (!measures) return [];
  const drafts: MeasureDraft[] = [];
  if (measures.stop) drafts.push({ measure: 'stop', productionLimitPercent: 100, reducedLevels: measures.reducedLevels });
  else if (measures.productionLimitPercent > 0) drafts.push({ measure: 'production_limit', productionLimitPercent: measures.productionLimitPercent, reducedLevels: measures.reducedLevels });
  else if (measures.reducedLevels.length > 0) drafts.push({ measure: 'reduced_emission', productionLimitPercent: 0, reducedLevels: measures.reducedLevels });
  if (measures.transportRestriction) drafts.push({ measure: 'transport_restriction', productionLimitPercent: 0, reducedLevels: [] });
  return drafts;
}

/**
 * The obligations a level activates for every listed enterprise, opening at `windowStart`. Ids are deterministic
 * (warning, activation number, enterprise, measure), so a retried activation cannot double them.
 */
export function activateObligations(input: {
  warningId: string;
  activation: number;
  level: WarningLevel;
  windowStart: Date;
  entries: readonly ReductionListEntry[];
  placeOf: (uscc: string) => EnterprisePlace;
}): Obligation[] {
  return input.entries.flatMap((entry) =>
    measuresFor(entry, input.level).map((draft) => ({
      obligationId: `${input.warningId}/${input.activation}/${entry.uscc}/${draft.measure}`,
      warningId: input.warningId,
      uscc: entry.uscc,
      enterpriseName: entry.name,
      grade: entry.grade,
      level: input.level,
      measure: draft.measure,
      productionLimitPercent: draft.productionLimitPercent,
      reducedLevels: draft.reducedLevels,
      windowStart: input.windowStart,
      status: draft.measure === 'self_directed' ? 'self_directed' : 'active',
      place: input.placeOf(entry.uscc),
    })),
  );
}

/** Closes an obligation's window: one still active without a breach was carried out. */
export function endObligation(obligation: Obligation, at: Date): Obligation {
  return { ...obligation, windowEnd: at, status: obligation.status === 'active' ? 'carried_out' : obligation.status };
}

export const MEASURE_NAME: Record<Measure, { zh: string; en: string }> = {
  production_limit: { zh: '限产', en: 'production limit' },
  stop: { zh: '停产', en: 'stop' },
  transport_restriction: { zh: '运输管控', en: 'transport restriction' },
  reduced_emission: { zh: '应急减排限值', en: 'reduced emission level' },
  self_directed: { zh: '自主减排', en: 'self-directed reduction' },
};
