import type { ChainKey } from '@ecogrid/hash-chain';
import type { ImpactAnalysis } from '../../domain/incidents/impact-analysis';
import type { ZoneSettings } from '../../domain/incidents/impact-zone';
import type { AnalysisSettings } from '../../domain/incidents/impact-analysis';
import type { Incident, IncidentStatus } from '../../domain/incidents/incident';
import type { Plan, TaskCaseRequest } from '../../domain/incidents/plan';
import type { River } from '../../domain/incidents/river';
import type { Site, Station } from '../../domain/incidents/site';
import type { ClassificationRules } from '../../domain/incidents/station-classification';
import type { TimelineEntry } from '../../domain/incidents/timeline';

export type { Clock } from '@ecogrid/service-kit';

// ---------------------------------------------------------------------------------------------------------
// The registry as incidents need it, held in memory (RegistryView): nothing on the alert path calls the registry.

export interface IncidentSites {
  station(mn: string): Station | undefined;
  /** factor code → limit, from the device's registry factors. */
  stationLimits(mn: string): Readonly<Record<string, number>>;
  waterSources(): readonly Site[];
  riskSources(): readonly Site[];
  sensitiveTargets(): readonly Site[];
  resources(): readonly Site[];
  site(id: string): Site | undefined;
  /** The cell and township at a point, for an incident declared by hand. */
  locate(lon: number, lat: number): { cellId: string; townshipCode: string } | undefined;
}

/** The rivers the downstream zones follow (demo data: services/emergency/data/rivers.geojson). */
export interface RiverCatalogue {
  rivers(): readonly River[];
  river(id: string): River | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Persistence.

/** An incident with its latest impact analysis, as stored. */
export interface StoredIncident {
  incident: Incident;
  analysis: ImpactAnalysis | null;
}

/** What the incidents part puts on ecogrid.emergency.v1 (through the outbox, in the same transaction). */
export type IncidentEvent =
  | {
      kind: 'incident_changed';
      incident: Incident;
      analysis: ImpactAnalysis | null;
      plan: Pick<Plan, 'id' | 'version' | 'name'> | null;
      step: string;
      /** The timeline row this change follows: the event's identity (a task step leaves the incident's version as it is). */
      timelineSequence: number;
      at: Date;
    }
  | { kind: 'timeline_appended'; entry: TimelineEntry; drill: boolean }
  | { kind: 'case_requested'; request: TaskCaseRequest; at: Date };

export interface IncidentFilter {
  statuses: readonly IncidentStatus[];
  includeDrills: boolean;
  limit: number;
}

/** A task case as followed: which request it answers and how far it got. */
export interface TaskCase {
  requestId: string;
  incidentId: string;
  taskId: string;
  caseId: string;
  status: string;
}

/** Work inside one database transaction. */
export interface IncidentTransaction {
  /** Locks and returns an incident. */
  lockIncident(id: string): Promise<StoredIncident | undefined>;
  /** Inserts a new incident; false when one with this id exists already (a redelivered alert). */
  insertIncident(stored: StoredIncident): Promise<boolean>;
  updateIncident(stored: StoredIncident): Promise<void>;
  /** The open incident (proposed, declared, responding) whose stations include this one. */
  openIncidentForStation(mn: string): Promise<Incident | undefined>;
  lastTimelineLink(incidentId: string): Promise<{ sequence: number; hash: string } | undefined>;
  appendTimeline(entries: readonly TimelineEntry[]): Promise<void>;
  queue(events: readonly IncidentEvent[]): Promise<void>;
  /** The newest version of a plan, locked. */
  latestPlan(id: string): Promise<Plan | undefined>;
  latestPlans(): Promise<Plan[]>;
  insertPlan(plan: Plan): Promise<void>;
  /** Records the task requests of an activation (idempotent by request id). */
  insertTaskRequests(requests: readonly TaskCaseRequest[]): Promise<void>;
  /** Locks the task of a request id; undefined for a request that is not an incident task. */
  lockTask(requestId: string): Promise<TaskCase | undefined>;
  updateTask(task: TaskCase): Promise<void>;
}

export interface IncidentStore {
  transaction<T>(work: (tx: IncidentTransaction) => Promise<T>): Promise<T>;
  get(id: string): Promise<StoredIncident | undefined>;
  list(filter: IncidentFilter): Promise<StoredIncident[]>;
  timeline(incidentId: string): Promise<TimelineEntry[]>;
  latestPlans(): Promise<Plan[]>;
  /** Open incidents with stations, for the readings follower's start. */
  openWithStations(): Promise<Incident[]>;
}

/** The new incident ids of incidents declared by hand. */
export interface IdGenerator {
  incidentId(): string;
}

export interface IncidentSettings {
  classification: ClassificationRules;
  zone: ZoneSettings;
  analysis: AnalysisSettings;
  /** How long the stations must stay under their limits before an incident may close. */
  recoveryHoldMs: number;
  /** The key new timeline rows are sealed with; `retiredChainKeys` still verify older rows. */
  chainKey: ChainKey;
  retiredChainKeys: readonly ChainKey[];
}
