import type { StaffUser } from '../domain/staff-user';
import type { CaseDetail, CaseStatusName, CaseSummary, HistoryCheck } from '../domain/case-view';
import type { LiveEvent } from '../domain/live-event';
import type { CellShape, DeviceMarker, TargetShape } from '../domain/grid-map';
import type { MetricSample } from '../domain/prometheus-text';
import type { DeviceState } from '../domain/device-states';
import type { EarlyWarningView, EpisodeEvaluationView, IncidentStatusName, IncidentView, ObligationView, PlanView, TimelineCheck, TimelineEntryView, WarningLevelName, WarningView } from '../domain/emergency-view';
import type { IncidentAction } from '../domain/emergency-actions';

/** A staff account as the users file keeps it. */
export interface StoredUser extends StaffUser {
  passwordHash: string;
}

export interface UserDirectory {
  find(username: string): StoredUser | undefined;
}

export interface PasswordHasher {
  verify(password: string, hash: string): Promise<boolean>;
}

export interface Session {
  id: string;
  user: StaffUser;
  /** The synchronizer token every state-changing request must echo in `x-csrf-token`. */
  csrfToken: string;
  expiresAt: Date;
}

/** Where sessions live: this process's memory, or Redis when several console instances serve the same users. */
export interface SessionStore {
  create(user: StaffUser): Promise<Session>;
  /** The live session with this id; undefined when unknown, ended or expired. */
  get(id: string): Promise<Session | undefined>;
  end(id: string): Promise<void>;
}

export interface CaseFilter {
  statuses?: CaseStatusName[];
  townshipCode?: string;
  cellId?: string;
  officerId?: string;
  /** Only cases created at or after this. */
  createdFrom?: Date;
  /** Follow dispatch's pages up to this many cases (one page of 200 by default). */
  limit?: number;
}

export interface ActRequest {
  caseId: string;
  action: string;
  expectedVersion: number;
  note?: string;
  targetOfficerId?: string;
}

export interface EvidenceUpload {
  caseId: string;
  fileName: string;
  mediaType: string;
  content: Buffer;
  lon?: number;
  lat?: number;
  takenTime?: Date;
}

/** Dispatch, called on the user's behalf: its own role and scope checks apply to every call. */
export interface CaseService {
  list(user: StaffUser, filter: CaseFilter): Promise<CaseSummary[]>;
  get(user: StaffUser, caseId: string): Promise<CaseDetail>;
  act(user: StaffUser, request: ActRequest): Promise<CaseSummary>;
  attachEvidence(user: StaffUser, upload: EvidenceUpload): Promise<{ evidenceId: string; sha256: string; sizeBytes: number }>;
  verifyHistory(user: StaffUser, caseId: string): Promise<HistoryCheck>;
  evidenceFile(user: StaffUser, caseId: string, evidenceId: string): Promise<{ mediaType: string; content: Buffer }>;
}

export interface AlertFilter {
  townshipCode?: string;
  openOnly?: boolean;
}

export interface AlertService {
  list(user: StaffUser, filter: AlertFilter): Promise<Array<Record<string, unknown>>>;
}

/** Where live events arrive from (Kafka); the console fans them out to the browsers allowed to see them. */
export interface LiveEventSource {
  onEvent(listener: (event: LiveEvent) => void): () => void;
}

/** Who answers for a place: the registry's cell, its unit, the officer on duty now and the unit's supervisor. */
export interface CellDuty {
  cellId: string;
  cellName: string;
  townshipCode: string;
  townshipName: string;
  onDutyOfficer: { id: string; name: string } | null;
  supervisor: { id: string; name: string } | null;
}

/** The registry's grid, called with the user's own token (every staff role may read it). */
export interface GridRegistry {
  cells(user: StaffUser): Promise<CellShape[]>;
  townshipNames(user: StaffUser): Promise<Map<string, string>>;
  devices(user: StaffUser): Promise<DeviceMarker[]>;
  targets(user: StaffUser): Promise<TargetShape[]>;
  locate(user: StaffUser, lon: number, lat: number): Promise<CellDuty>;
}

export interface StationAqiHour {
  hourStart: string | null;
  aqi: number;
  category: string;
  categoryLevel: number;
  primaryPollutants: string[];
  publishable: boolean;
}

/** Alerting's hourly AQI of a station. */
export interface AirQuality {
  stationHours(user: StaffUser, stationMn: string, from: Date, to: Date): Promise<StationAqiHour[]>;
}

export interface KpiFigures {
  onTimeRate: number;
  closed: number;
  closedOnTime: number;
  backlog: number;
  overdue: number;
  medianHandlingSeconds: number;
  p90HandlingSeconds: number;
  townships: Array<{ key: string; closed: number; closedOnTime: number; onTimeRate: number; backlog: number }>;
  officers: Array<{ key: string; closed: number; closedOnTime: number; onTimeRate: number; backlog: number }>;
  steps: Array<{ step: string; completed: number; completedLate: number; medianSeconds: number; p90Seconds: number }>;
}

/** Dispatch's KPIs over a period (its own scope rules: a supervisor gets their unit). */
export interface CaseKpis {
  kpis(user: StaffUser, from: Date, to: Date): Promise<KpiFigures>;
}

export interface ServiceStatus {
  service: string;
  ready: boolean;
  /** The readiness report's checks that are not ready, with their reason codes. */
  problems: Array<{ name: string; reason: string }>;
  samples: MetricSample[];
  /** Set when the admin listener did not answer at all. */
  unreachable?: boolean;
}

/** The services' admin listeners (/readyz, /metrics). */
export interface ServiceProbes {
  statuses(): Promise<ServiceStatus[]>;
}

export interface Clock {
  now(): Date;
}

export interface CreditRating {
  enterpriseUscc: string;
  enterpriseName: string;
  /** green, blue, yellow, red or black (the national colours). */
  colour: string;
  level: string;
  score: number;
  vetoed: boolean;
  reason: string;
  reasonEn: string;
  period: string;
  ratedAt: string | null;
  jointPunishment: boolean;
}

export interface CreditExplanation {
  rating: CreditRating | null;
  indicators: Array<{ indicator: string; name: string; nameEn: string; points: number; weight: number; deductions: Array<{ ruleId: string; ruleText: string; ruleTextEn: string; points: number }> }>;
  vetoes: Array<{ ruleId: string; ruleText: string; ruleTextEn: string }>;
}

/** Credit's ratings and their explanation (every staff role may read them). */
export interface EnterpriseCredit {
  list(user: StaffUser): Promise<CreditRating[]>;
  explain(user: StaffUser, enterpriseUscc: string): Promise<CreditExplanation>;
}

/** What Kafka itself says about the flow: how far each consumer group is behind, and what waits in dead-letter topics. */
export interface KafkaOperations {
  /** Records not yet consumed per group of this deployment (its topic prefix); groups without committed offsets are left out. */
  consumerLag(): Promise<Array<{ group: string; lag: number }>>;
  /** Records held in each dead-letter topic of the catalogue; null for a topic Kafka would not describe. */
  deadLetters(): Promise<Array<{ topic: string; records: number | null }>>;
}

/** Devices' online state (from the start of the compacted status topic) and newest values, kept by this instance. */
export interface DeviceStateView {
  states(): DeviceState[];
  onlineRate(registered: readonly string[]): { online: number; registered: number; rate: number | null };
}

export interface IssueWarningRequest {
  level: WarningLevelName;
  startsAt: Date;
  expectedEndAt?: Date;
  /** The city's notice (document number) the warning follows. */
  reason: string;
}

/** The emergency service's heavy-pollution warnings, called on the user's behalf (its own role checks apply). */
export interface WarningDesk {
  list(user: StaffUser): Promise<WarningView[]>;
  get(user: StaffUser, warningId: string): Promise<WarningView>;
  obligations(user: StaffUser, warningId: string): Promise<ObligationView[]>;
  /** The episode's evaluation; null while there is none (not lifted yet). */
  evaluation(user: StaffUser, warningId: string): Promise<EpisodeEvaluationView | null>;
  issue(user: StaffUser, request: IssueWarningRequest): Promise<WarningView>;
  lift(user: StaffUser, warningId: string, reason: string): Promise<WarningView>;
}

export interface IncidentFilter {
  statuses?: IncidentStatusName[];
  includeDrills?: boolean;
  limit?: number;
}

export interface IncidentActRequest {
  incidentId: string;
  action: IncidentAction;
  /** Declaring: the level the dispatcher sets ('i' … 'iv'); the proposal's own when absent. */
  level?: 'i' | 'ii' | 'iii' | 'iv';
  /** Declaring: the version the page showed. */
  expectedVersion?: number;
  /** Dismissing: why; closing: the note. */
  note?: string;
}

/** The emergency service's incidents, called on the user's behalf. */
export interface IncidentDesk {
  list(user: StaffUser, filter: IncidentFilter): Promise<IncidentView[]>;
  get(user: StaffUser, incidentId: string): Promise<IncidentView>;
  timeline(user: StaffUser, incidentId: string): Promise<TimelineEntryView[]>;
  verifyTimeline(user: StaffUser, incidentId: string): Promise<TimelineCheck>;
  plans(user: StaffUser): Promise<PlanView[]>;
  act(user: StaffUser, request: IncidentActRequest): Promise<IncidentView>;
}

/** The emergency service's early warnings (forecast before a limit is crossed). */
export interface EarlyWarningDesk {
  list(user: StaffUser, options: { activeOnly: boolean }): Promise<EarlyWarningView[]>;
}

/**
 * Slows password guessing: after `maxFailures` failed logins for one username from one address within `windowMs` of
 * the first, that pair is refused until the window has passed. Keyed by username and address together, so a
 * stranger cannot lock a colleague out from elsewhere. Shared by every instance when sessions are (Redis), so n
 * instances behind a balancer do not allow n times the attempts.
 */
export interface LoginThrottle {
  /** Milliseconds until this pair may try again, or 0. */
  retryAfterMs(username: string, address: string): Promise<number>;
  failed(username: string, address: string): Promise<void>;
  succeeded(username: string, address: string): Promise<void>;
}

export interface LoginThrottleLimits {
  maxFailures: number;
  windowMs: number;
}
