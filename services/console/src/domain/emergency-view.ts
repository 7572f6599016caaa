/** Heavy-pollution warnings, incidents and early warnings as the web app shows them (the emergency service's records, mapped at the adapter). */

export const WARNING_LEVELS = ['yellow', 'orange', 'red'] as const;
export type WarningLevelName = (typeof WARNING_LEVELS)[number];

export interface WarningView {
  warningId: string;
  /** '' when the service sent none. */
  level: WarningLevelName | '';
  peakLevel: WarningLevelName | '';
  status: 'active' | 'lifted' | '';
  /** 'city' (issued by the city, entered by a dispatcher) or 'aqi_trigger' (raised by the platform). */
  origin: string;
  startsAt: string | null;
  expectedEndAt: string | null;
  liftedAt: string | null;
  reason: string;
  issuedBy: string;
  listYear: number;
  listVersion: number;
  obligationCount: number;
  /** A drill (演练), shown as one everywhere. */
  drill: boolean;
}

export interface ObligationView {
  obligationId: string;
  warningId: string;
  enterpriseUscc: string;
  enterpriseName: string;
  level: WarningLevelName | '';
  grade: string;
  measure: string;
  productionLimitPercent: number;
  reducedLevels: Array<{ outletId: string; factorCode: string; limitMgM3: number }>;
  windowStart: string | null;
  windowEnd: string | null;
  /** 'active', 'carried_out', 'breached' or 'self_directed'. */
  status: string;
  breachReason: string;
  breachReasonEn: string;
  breachedAt: string | null;
}

export interface FactorReductionView {
  factorCode: string;
  baseline: number;
  during: number;
  reductionPercent: number;
  hoursCompared: number;
}

export interface EpisodeEvaluationView {
  warningId: string;
  peakLevel: WarningLevelName | '';
  startsAt: string | null;
  liftedAt: string | null;
  measuresOrdered: number;
  measuresCarriedOut: number;
  measuresBreached: number;
  measuresSelfDirected: number;
  total: FactorReductionView[];
  enterprises: Array<{ enterpriseUscc: string; enterpriseName: string; grade: string; measuresOrdered: number; measuresCarriedOut: number; measuresBreached: number; reductions: FactorReductionView[] }>;
  evaluatedAt: string | null;
}

export const INCIDENT_STATUSES = ['proposed', 'declared', 'responding', 'closed', 'dismissed'] as const;
export type IncidentStatusName = (typeof INCIDENT_STATUSES)[number];

export interface AffectedTargetView {
  targetId: string;
  name: string;
  kind: string;
  distanceM: number;
  downstreamM: number;
}

export interface NearbyResourceView {
  targetId: string;
  name: string;
  kind: string;
  distanceM: number;
  travelM: number;
  attributes: Record<string, string>;
}

export interface ImpactAnalysisView {
  zone: { radiusM: number; riverId: string; riverName: string; downstreamM: number; corridorM: number } | null;
  affectedTargets: AffectedTargetView[];
  nearestResources: NearbyResourceView[];
  planId: string;
  planVersion: number;
  planName: string;
  computedAt: string | null;
  roadFactor: number;
}

export interface IncidentView {
  id: string;
  status: IncidentStatusName | '';
  /** 'water_source', 'river_section', 'toxic_gas' or 'other'. */
  kind: string;
  /** 'i' … 'iv' (特别重大 … 一般), '' before a level is set. */
  level: string;
  title: string;
  summary: string;
  location: { lon: number; lat: number } | null;
  cellId: string;
  townshipCode: string;
  stationMns: string[];
  alertId: string;
  factorCode: string;
  drill: boolean;
  analysis: ImpactAnalysisView | null;
  proposedAt: string | null;
  declaredAt: string | null;
  planActivatedAt: string | null;
  closedAt: string | null;
  recoveredSince: string | null;
  declaredBy: string;
  version: number;
}

export interface TimelineEntryView {
  sequence: number;
  step: string;
  actor: string;
  occurredAt: string | null;
  /** The step's details as the service hashed them (canonical JSON), parsed; {} when they do not parse. */
  details: Record<string, unknown>;
  hash: string;
}

export interface TimelineCheck {
  intact: boolean;
  entries: number;
  /** The first row that does not hold; null when intact. */
  brokenSequence: number | null;
  /** 'hash_mismatch', 'previous_hash_mismatch' or 'sequence_gap'; '' when intact. */
  reason: string;
}

export interface PlanTaskView {
  taskId: string;
  department: string;
  officerId: string;
  title: string;
  description: string;
  deadlineMinutes: number;
  priority: string;
}

export interface PlanView {
  id: string;
  version: number;
  name: string;
  tasks: PlanTaskView[];
}

export interface EarlyWarningView {
  warningId: string;
  status: 'active' | 'cleared' | '';
  seriesId: string;
  deviceMn: string;
  factorCode: string;
  factorName: string;
  /** 'river_section', 'water_source' or 'toxic_gas'. */
  seriesKind: string;
  limit: { kind: string; value: number; low: number; high: number; unit: string; source: string } | null;
  madeAt: string | null;
  bandLevel: number;
  maxProbability: number;
  expectedCrossingAt: string | null;
  points: Array<{ at: string | null; mean: number; lower: number; upper: number; probabilityBeyond: number }>;
  /** The newest input the forecast was made from; null without inputs. */
  lastValue: number | null;
  raisedAt: string | null;
  clearedAt: string | null;
  clearReason: string;
  cellId: string;
  townshipCode: string;
  messageZh: string;
  messageEn: string;
}
