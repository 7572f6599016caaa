import { invalidArgument, type DomainError } from '@ecogrid/domain-errors';
import { PRIORITIES, type CaseLocation, type Priority } from './case';

/**
 * A case the emergency service asks for (`ecogrid.emergency.v1` EmergencyCaseRequested), in dispatch's words.
 * Pure data and checks: no I/O, no transport types.
 */
export const EMERGENCY_CASE_KINDS = ['reduction_breach', 'plan_task'] as const;
export type EmergencyCaseKind = (typeof EMERGENCY_CASE_KINDS)[number];

/** The case type of each kind; both are in the deadline policy (deadline-policy.v1.ts). */
export const EMERGENCY_CASE_TYPES: Record<EmergencyCaseKind, string> = {
  reduction_breach: 'emergency_reduction_breach',
  plan_task: 'emergency_plan_task',
};

/** Shown before a drill case's title, so nobody in the field mistakes it for a real one. */
export const DRILL_TITLE_MARK = '【演练】';

export interface EmergencyCaseRequest {
  /** The event's `ce_id` (logged; the request id is what makes the case unique). */
  eventId: string;
  requestId: string;
  kind: EmergencyCaseKind;
  /** Set on the wrapper: the request belongs to a drill (演练). */
  drill: boolean;
  /** The warning or incident the case belongs to. */
  sourceId: string;
  title: string;
  description: string;
  cellId?: string;
  townshipCode?: string;
  location?: CaseLocation;
  enterpriseUscc?: string;
  assigneeOfficerId?: string;
  department?: string;
  deadline?: Date;
  priority?: Priority;
}

/** The request as it came off the wire, already decoded but not yet checked. */
export type RawEmergencyCaseRequest = Omit<EmergencyCaseRequest, 'kind' | 'priority' | 'location'> & {
  kind?: EmergencyCaseKind;
  priority: string;
  lon: number;
  lat: number;
};

const MAX_TITLE = 200;

/**
 * Checks what a request must carry by itself (the registry is asked later): a request id, a kind, a priority dispatch
 * knows, a location that is a place on Earth (0/0 is "none"), a title that fits. Each problem has its own stable code,
 * which becomes the dead letter's reason.
 */
export function checkEmergencyCaseRequest(raw: RawEmergencyCaseRequest): EmergencyCaseRequest | DomainError {
  const requestId = raw.requestId.trim();
  if (!requestId) return invalidArgument('request_id', 'an emergency case request needs a request_id', 'missing_request_id');
  if (requestId.length > 200) return invalidArgument('request_id', 'a request_id has at most 200 characters', 'bad_request_id');
  if (!raw.kind) return invalidArgument('kind', `request ${requestId} has no kind (reduction breach or plan task)`, 'unknown_kind');
  let priority: Priority | undefined;
  if (raw.priority) {
    if (!(PRIORITIES as readonly string[]).includes(raw.priority)) return invalidArgument('priority', `request ${requestId}: priority "${raw.priority}" is not one of ${PRIORITIES.join(', ')}`, 'bad_priority');
    priority = raw.priority as Priority;
  }
  let location: CaseLocation | undefined;
  if (raw.lon !== 0 || raw.lat !== 0) {
    if (!(Number.isFinite(raw.lon) && Math.abs(raw.lon) <= 180 && Number.isFinite(raw.lat) && Math.abs(raw.lat) <= 90)) {
      return invalidArgument('lon', `request ${requestId}: ${raw.lon},${raw.lat} is not a longitude and latitude`, 'bad_location');
    }
    location = { lon: raw.lon, lat: raw.lat };
  }
  const title = raw.title.trim();
  if (title.length > MAX_TITLE) return invalidArgument('title', `request ${requestId}: a title has at most ${MAX_TITLE} characters`, 'bad_title');
  if (!raw.cellId && !location && !raw.assigneeOfficerId && !raw.townshipCode) {
    return invalidArgument('cell_id', `request ${requestId} names no cell, location, township or officer: nobody could be sent`, 'no_place');
  }
  const { kind, lon: _lon, lat: _lat, priority: _priority, ...rest } = raw;
  return { ...rest, requestId, kind, title, ...(priority ? { priority } : {}), ...(location ? { location } : {}) };
}
