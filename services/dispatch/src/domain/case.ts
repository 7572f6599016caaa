/**
 * A grid case and the words of its closed loop (立案 → 派遣 → 处置 → 反馈 → 核查 → 结案).
 * Pure data: no I/O, no transport types.
 */
export const CASE_STATUSES = [
  'registered', // 立案
  'dispatched', // 派遣
  'accepted', // 处置: signed for
  'on_site', // 处置: arrived
  'handled', // 反馈: reported back
  'verified', // 核查
  'closed', // 结案
  'returned', // back with the dispatcher (wrong cell / not ours)
  'suspended', // clocks paused for an approved extension
  'merged', // duplicate, folded into another case
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const OPEN_STATUSES: ReadonlySet<CaseStatus> = new Set(['registered', 'dispatched', 'accepted', 'on_site', 'handled', 'verified', 'returned', 'suspended']);

/** `emergency`: asked for by the emergency service (a reduction breach of a heavy-pollution warning, a plan task). */
export type CaseSource = 'alert' | 'complaint' | 'patrol' | 'manual' | 'emergency';

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The timed steps; each has a time limit per case type and priority. */
export const STEPS = ['accept', 'arrive', 'handle', 'verify'] as const;
export type Step = (typeof STEPS)[number];

/** Which step a case in this status is timed on. */
export const STEP_OF_STATUS: Partial<Record<CaseStatus, Step>> = {
  dispatched: 'accept',
  accepted: 'arrive',
  on_site: 'handle',
  handled: 'verify',
};

/**
 * Who acts on cases. `command_center` is the district's command center: it sees the whole district and has the
 * dispatcher's powers; a `supervisor` answers for one township unit, an `officer` for the cases assigned to them.
 */
export type Role = 'dispatcher' | 'command_center' | 'supervisor' | 'officer' | 'analyst' | 'system';

/** Who does something: staff from a bearer token, or the system (alerts, timers). */
export interface Actor {
  subject: string;
  role: Role;
  /** An officer's (or supervisor's) id in the registry. */
  officerId?: string;
  /** A supervisor's township unit: their scope. */
  townshipCode?: string;
}

export const SYSTEM_ACTOR: Actor = { subject: 'system:dispatch', role: 'system' };

export interface CaseLocation {
  lon: number;
  lat: number;
  address?: string;
}

/** The escalation target above a township supervisor (督办 level 2). */
export const DISTRICT_COMMAND_CENTER = 'district-command-center';

export interface CaseState {
  id: string;
  status: CaseStatus;
  source: CaseSource;
  priority: Priority;
  caseType: string;
  title: string;
  description: string;
  location?: CaseLocation;
  cellId?: string;
  townshipCode?: string;
  assigneeOfficerId?: string;
  assignmentReason?: string;
  /** 0 none, 1 unit supervisor, 2 district command center. */
  escalationLevel: number;
  supervisorOfficerId?: string;
  enterpriseUscc?: string;
  deviceMn?: string;
  factorCode?: string;
  serviceCode?: string;
  createdAt: Date;
  updatedAt: Date;
  closedAt?: Date;
  version: number;
  step?: Step;
  stepStartedAt?: Date;
  stepDeadline?: Date;
  /** While suspended: the status to go back to, when the pause began and the approved end. */
  suspendedFrom?: CaseStatus;
  suspendedAt?: Date;
  suspendedUntil?: Date;
  mergedInto?: string;
  /** A drill's case (演练): it runs the whole loop, but no KPI counts it. Absent on real cases. */
  drill?: boolean;
  /** The department responsible, when the requester named one (emergency plan tasks). */
  department?: string;
  /** The EmergencyCaseRequested this case was opened for: one case per request id. */
  emergencyRequestId?: string;
  /** The requester's deadline: no step up to the handling is due after it (verification is the command center's own). */
  dueBy?: Date;
}

export function isOpen(status: CaseStatus): boolean {
  return OPEN_STATUSES.has(status);
}

/**
 * Whether a person may see a case at all: officers only the cases assigned to them, supervisors only their
 * township unit's, everyone else (district roles, the system) every case.
 */
export function inScope(actor: Actor, state: Pick<CaseState, 'assigneeOfficerId' | 'townshipCode'>): boolean {
  if (actor.role === 'officer') return actor.officerId !== undefined && actor.officerId === state.assigneeOfficerId;
  if (actor.role === 'supervisor') return actor.townshipCode !== undefined && actor.townshipCode === state.townshipCode;
  return true;
}

export function isOverdue(state: CaseState, now: Date): boolean {
  return state.status !== 'suspended' && state.stepDeadline !== undefined && state.stepDeadline.getTime() < now.getTime();
}
