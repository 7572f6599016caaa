import type { Clock } from '@ecogrid/service-kit';
import type { Breach, EnterprisePlace, Obligation, ObligationStatus } from '../../domain/warnings/obligation';
import type { EpisodeEvaluation } from '../../domain/warnings/episode-evaluation';
import type { ReductionListEntry } from '../../domain/warnings/reduction-list';
import type { Warning, WarningChangeKind } from '../../domain/warnings/warning';
import type { WarningLevel } from '../../domain/warnings/warning-level';

/** A case dispatch opens for the enterprise's cell: once per request id, whatever the redeliveries. */
export interface CaseRequest {
  requestId: string;
  warningId: string;
  uscc: string;
  title: string;
  description: string;
  place: EnterprisePlace;
  deadline: Date;
  priority: 'low' | 'normal' | 'high' | 'urgent';
}

/** What the warnings part publishes on ecogrid.emergency.v1 (through the outbox, in the writing transaction). */
export type WarningEvent =
  | { kind: 'warning_changed'; warning: Warning; change: WarningChangeKind; previousLevel?: WarningLevel; at: Date }
  | { kind: 'obligation_changed'; obligation: Obligation; change: 'activated' | 'breached' | 'carried_out' | 'ended'; drill: boolean; at: Date }
  | { kind: 'episode_evaluated'; evaluation: EpisodeEvaluation; drill: boolean; at: Date }
  | { kind: 'case_requested'; request: CaseRequest; drill: boolean; at: Date };

export interface WarningChangeRecord {
  change: WarningChangeKind;
  previousLevel?: WarningLevel;
  actor: string;
  reason: string;
  at: Date;
}

/** One version of a year's reduction list. */
export interface ReductionList {
  year: number;
  version: number;
  entries: ReductionListEntry[];
}

/** Writes that must commit together, with their events. */
export interface WarningTransaction {
  /** Serialises every change of every episode (taken first, before any row lock, so no two changes deadlock). */
  lockEpisodes(): Promise<void>;
  activeWarning(drill: boolean): Promise<Warning | undefined>;
  warningForUpdate(warningId: string): Promise<Warning | undefined>;
  saveWarning(warning: Warning, change: WarningChangeRecord): Promise<void>;
  reductionList(year: number, version?: number): Promise<ReductionList | undefined>;
  openObligations(warningId: string): Promise<Obligation[]>;
  insertObligations(obligations: readonly Obligation[]): Promise<void>;
  updateObligations(obligations: readonly Obligation[]): Promise<void>;
  /** Marks an obligation breached if it is still active; false when someone got there first. */
  markBreached(obligationId: string, breach: Breach, caseRequestId: string): Promise<boolean>;
  obligationsOf(warningId: string): Promise<Obligation[]>;
  saveEvaluation(evaluation: EpisodeEvaluation): Promise<void>;
  publish(events: readonly WarningEvent[]): Promise<void>;
}

/** Hourly means of an enterprise's monitoring, by kind. */
export interface EnterpriseHour {
  uscc: string;
  /** `emission`: a CEMS outlet factor; `activity`: production or power-use monitoring (ST 44/45). */
  source: 'emission' | 'activity';
  outletId: string;
  factorCode: string;
  hour: number;
  mean: number;
}

/** A reading of a listed enterprise's device, folded into hourly means. */
export interface EnterpriseReading {
  observationId: string;
  uscc: string;
  deviceMn: string;
  outletId: string;
  source: 'emission' | 'activity';
  dataTime: Date;
  values: Array<{ factorCode: string; value: number }>;
}

export interface ObligationFilter {
  warningId: string;
  uscc?: string;
  status?: ObligationStatus;
}

export interface WarningStore {
  inTransaction<T>(work: (tx: WarningTransaction) => Promise<T>): Promise<T>;
  saveReductionList(year: number, entries: readonly ReductionListEntry[], actor: string, at: Date): Promise<ReductionList>;
  reductionList(year: number): Promise<ReductionList | undefined>;
  getWarning(warningId: string): Promise<Warning | undefined>;
  /** Newest first; `before` is the page token (a warning id). */
  listWarnings(page: { size: number; after?: string }): Promise<{ warnings: Warning[]; next?: string }>;
  lastLifted(drill: boolean): Promise<Warning | undefined>;
  listObligations(filter: ObligationFilter): Promise<Obligation[]>;
  /** Active, mandatory obligations whose window is open (what compliance checks). */
  obligationsToCheck(): Promise<Array<Obligation & { drill: boolean }>>;
  evaluation(warningId: string): Promise<EpisodeEvaluation | undefined>;
  /** Adds readings to the hourly means; a reading already counted (same observation id) is skipped. Returns how many were new. */
  recordReadings(readings: readonly EnterpriseReading[]): Promise<number>;
  enterpriseHours(usccs: readonly string[], from: Date, to: Date): Promise<EnterpriseHour[]>;
  /** Stores a station's hourly AQI (a later revision replaces an earlier one). */
  recordAqiHour(stationMn: string, hour: Date, aqi: number): Promise<void>;
  stationAqiSince(from: Date): Promise<Array<{ hour: number; aqi: number }>>;
  saveForecast(day: string, aqi: number, actor: string, at: Date): Promise<void>;
  forecasts(days: readonly string[]): Promise<Map<string, number>>;
  /** When the earliest warning still active (real or drill) started. */
  earliestActiveStart(): Promise<Date | undefined>;
  /** Deletes inputs older than each cutoff; how many rows of each went. */
  pruneInputs(cutoffs: InputCutoffs): Promise<InputCutoffCounts>;
}

/** Inputs of the warnings part older than these are no longer read. */
export interface InputCutoffs {
  outletHoursBefore: Date;
  aqiHoursBefore: Date;
  /** Counted ids carry the database's time of counting (not a data time), so their age is measured there. */
  countedReadingsOlderThanMs: number;
}

export interface InputCutoffCounts {
  outletHours: number;
  aqiHours: number;
  countedReadings: number;
}

/** The registry as the warnings part needs it. */
export interface EnterpriseDirectory {
  /** The enterprise (and outlet) a device belongs to, and its HJ 212 system code. */
  ownerOfDevice(mn: string): { uscc: string; outletId?: string; systemCode: string } | undefined;
  placeOf(uscc: string): EnterprisePlace;
  nameOf(uscc: string): string | undefined;
}

export interface WarningDependencies {
  store: WarningStore;
  directory: EnterpriseDirectory;
  clock: Clock;
  newId: () => string;
}

/** Who acts: a staff subject, or the platform for what the AQI triggers raise. */
export interface Actor {
  subject: string;
  role: string;
}
