import type { CaseLocation, CaseSource, CaseState, CaseStatus, Priority, Step } from '../domain/case';
import type { HistoryEntry } from '../domain/history-chain';
import type { KpiFilter, Kpis } from '../domain/kpis';
import type { SensitiveTargetKind } from '../domain/priority';

export type { Clock } from '@ecogrid/service-kit';

// ---------------------------------------------------------------------------------------------------------
// Routing: who is responsible for a place now, and who supervises the unit.

export interface GridPlace {
  cellId: string;
  townshipCode: string;
}

export interface OnDuty {
  officerId: string;
  /** A duty-roster shift covers the time, or the cell's responsible officer by default. */
  source: 'roster_shift' | 'responsible_officer';
}

export interface OfficerInfo {
  id: string;
  role: 'grid_officer' | 'supervisor' | 'command_center' | 'unknown';
  townshipCode: string;
  cellIds: readonly string[];
  active: boolean;
}

export interface DeviceInfo {
  location?: { lon: number; lat: number };
  cellId?: string;
  townshipCode?: string;
  enterpriseUscc?: string;
}

/** The grid as dispatch needs it. Implemented over the RegistryView; an in-memory twin serves unit tests. */
export interface GridDirectory {
  locate(point: { lon: number; lat: number }, at: Date): GridPlace | undefined;
  cell(cellId: string): GridPlace | undefined;
  onDutyOfficer(cellId: string, at: Date): OnDuty | undefined;
  /** Officer id of the township unit's supervisor. */
  supervisorOf(townshipCode: string): string | undefined;
  officer(id: string): OfficerInfo | undefined;
  device(mn: string): DeviceInfo | undefined;
  sensitiveTargetsNear(point: { lon: number; lat: number }, radiusM: number): Array<{ id: string; kind: SensitiveTargetKind }>;
}

// ---------------------------------------------------------------------------------------------------------
// Persistence.

/** A change to publish on ecogrid.cases.v1 (through the outbox, in the change's transaction). */
export interface CaseChangeRecord {
  state: CaseState;
  entry: HistoryEntry;
  alertId?: string;
  evidenceSha256?: string;
}

export type TimerKind = 'remind' | 'overdue' | 'escalate_again' | 'resume';

export interface TimerDraft {
  kind: TimerKind;
  dueAt: Date;
  step?: Step;
}

export interface DueTimer extends TimerDraft {
  id: string;
  caseId: string;
}

export interface EvidenceRecord {
  id: string;
  caseId: string;
  kind: 'attachment' | 'alert' | 'observation';
  fileName?: string;
  mediaType?: string;
  sizeBytes?: number;
  sha256?: string;
  addedBy: string;
  addedAt: Date;
  takenAt?: CaseLocation;
  takenTime?: Date;
  referenceId?: string;
}

export interface Complainant {
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  deviceId?: string;
  accountId?: string;
}

export interface CaseFilter {
  statuses?: CaseStatus[];
  townshipCode?: string;
  cellId?: string;
  officerId?: string;
  overdueAt?: Date;
  createdFrom?: Date;
  createdTo?: Date;
  query?: string;
  priority?: Priority;
  source?: CaseSource;
  serviceCode?: string;
  ids?: string[];
  /** Cursor: cases created before this (created_at, id), newest first. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** Work done inside one database transaction; the case row is locked by `lockCase` until it ends. */
export interface CaseTransaction {
  /**
   * Records an incoming alert event id and reads the case the alert is on, in one go; `fresh` is false when
   * the event was already processed (redelivery).
   */
  markAlertEventProcessed(eventId: string, alertId: string): Promise<{ fresh: boolean; linked?: { caseId: string; severity: string } }>;
  lockCase(caseId: string): Promise<CaseState | undefined>;
  nextCaseNumber(day: string): Promise<number>;
  insertCase(state: CaseState): Promise<void>;
  /** Writes the new state if the stored version is still `expectedVersion`; false otherwise. */
  updateCase(state: CaseState, expectedVersion: number): Promise<boolean>;
  /**
   * Appends entries after the case's last one, hash-chained, each with its ecogrid.cases.v1 event in the
   * outbox (the case as it stands after that entry), and returns them sealed.
   */
  appendHistory(
    caseId: string,
    items: ReadonlyArray<{ draft: Omit<HistoryEntry, 'caseId' | 'sequence' | 'previousHash' | 'hash'>; event: Omit<CaseChangeRecord, 'entry'> }>,
  ): Promise<HistoryEntry[]>;
  replaceTimers(caseId: string, timers: TimerDraft[]): Promise<void>;
  /** Locks and returns a due timer whose case nobody else holds, with the case locked too. */
  claimDueTimer(now: Date): Promise<DueTimer | undefined>;
  deleteTimer(id: string): Promise<boolean>;
  /** Links an alert to its case and keeps it as evidence of the case. */
  linkAlert(alertId: string, caseId: string, severity: string, evidence: EvidenceRecord): Promise<void>;
  updateAlertSeverity(alertId: string, severity: string): Promise<void>;
  /** The case opened for an emergency case request, if there is one. */
  findEmergencyRequestCase(requestId: string): Promise<{ caseId: string } | undefined>;
  /** The open alert case for a device and factor, locked. */
  findOpenAlertCase(deviceMn: string, factorCode: string): Promise<CaseState | undefined>;
  insertEvidence(record: EvidenceRecord, content?: Buffer): Promise<void>;
  saveComplainant(caseId: string, complainant: Complainant): Promise<void>;
  /** Records, in the creating transaction, the case the claimed key's request created. */
  completeIdempotencyKey(claim: Pick<IdempotencyClaim, 'principal' | 'key'>, caseId: string): Promise<void>;
}

/** An `Idempotency-Key` as a use case sees it: whose, which, and the fingerprint of what was asked. */
export interface IdempotencyClaim {
  principal: string;
  key: string;
  requestSha256: string;
}

export interface CaseStore {
  transaction<T>(work: (tx: CaseTransaction) => Promise<T>): Promise<T>;
  get(caseId: string): Promise<CaseState | undefined>;
  list(filter: CaseFilter): Promise<CaseState[]>;
  history(caseId: string): Promise<HistoryEntry[]>;
  /** The KPIs of the period, aggregated where the histories are (the database), of the cases the filter selects. */
  kpis(filter: KpiFilter): Promise<Kpis>;
  alertIds(caseId: string): Promise<string[]>;
  evidence(caseId: string): Promise<EvidenceRecord[]>;
  evidenceContent(caseId: string, evidenceId: string): Promise<{ record: EvidenceRecord; content: Buffer } | undefined>;
  /**
   * Claims an idempotency key at once (its own short statement, not the creating transaction), or returns what an
   * earlier live claim holds; an expired claim, or one left unfinished before `staleBefore` (a crash), is taken over.
   */
  claimIdempotencyKey(claim: IdempotencyClaim & { now: Date; expiresAt: Date; staleBefore: Date }): Promise<{ requestSha256: string; caseId?: string } | undefined>;
  /** Gives up an unfinished claim (its request failed), so a retry can try again at once. */
  releaseIdempotencyKey(claim: Pick<IdempotencyClaim, 'principal' | 'key'>): Promise<void>;
}

/** Open311 partner keys, kept as SHA-256 hashes. */
export interface ApiKeyStore {
  partnerOfKey(apiKey: string): Promise<string | undefined>;
}
