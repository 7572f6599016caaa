import { CaseChanged, CasePriority, CaseSource, CaseStatus, CaseStep } from '@ecogrid/proto/dispatch/v1/events';
import type { CaseSource as Source, CaseStatus as Status, Priority, Step } from '../../domain/case';
import type { CaseChangeRecord } from '../../app/ports';

export const STATUS_TO_PROTO: Record<Status, CaseStatus> = {
  registered: CaseStatus.CASE_STATUS_REGISTERED,
  dispatched: CaseStatus.CASE_STATUS_DISPATCHED,
  accepted: CaseStatus.CASE_STATUS_ACCEPTED,
  on_site: CaseStatus.CASE_STATUS_ON_SITE,
  handled: CaseStatus.CASE_STATUS_HANDLED,
  verified: CaseStatus.CASE_STATUS_VERIFIED,
  closed: CaseStatus.CASE_STATUS_CLOSED,
  returned: CaseStatus.CASE_STATUS_RETURNED,
  suspended: CaseStatus.CASE_STATUS_SUSPENDED,
  merged: CaseStatus.CASE_STATUS_MERGED,
};

export const SOURCE_TO_PROTO: Record<Source, CaseSource> = {
  alert: CaseSource.CASE_SOURCE_ALERT,
  complaint: CaseSource.CASE_SOURCE_COMPLAINT,
  patrol: CaseSource.CASE_SOURCE_PATROL,
  manual: CaseSource.CASE_SOURCE_MANUAL,
  emergency: CaseSource.CASE_SOURCE_EMERGENCY,
};

export const PRIORITY_TO_PROTO: Record<Priority, CasePriority> = {
  low: CasePriority.CASE_PRIORITY_LOW,
  normal: CasePriority.CASE_PRIORITY_NORMAL,
  high: CasePriority.CASE_PRIORITY_HIGH,
  urgent: CasePriority.CASE_PRIORITY_URGENT,
};

export const STEP_TO_PROTO: Record<Step, CaseStep> = {
  accept: CaseStep.CASE_STEP_ACCEPT,
  arrive: CaseStep.CASE_STEP_ARRIVE,
  handle: CaseStep.CASE_STEP_HANDLE,
  verify: CaseStep.CASE_STEP_VERIFY,
};

const invert = <K extends string, V extends number>(record: Record<K, V>): Map<V, K> => new Map(Object.entries(record).map(([key, value]) => [value as V, key as K]));
export const STATUS_FROM_PROTO = invert(STATUS_TO_PROTO);
export const SOURCE_FROM_PROTO = invert(SOURCE_TO_PROTO);
export const PRIORITY_FROM_PROTO = invert(PRIORITY_TO_PROTO);

/** The ecogrid.cases.v1 value of one history entry: the entry plus the case as it stands after it. */
export function toCaseChanged(change: CaseChangeRecord): CaseChanged {
  const { state, entry } = change;
  const note = typeof entry.details.note === 'string' ? entry.details.note : '';
  return CaseChanged.create({
    caseId: state.id,
    action: entry.action,
    sequence: entry.sequence,
    status: STATUS_TO_PROTO[state.status],
    source: SOURCE_TO_PROTO[state.source],
    priority: PRIORITY_TO_PROTO[state.priority],
    caseType: state.caseType,
    cellId: state.cellId ?? '',
    townshipCode: state.townshipCode ?? '',
    assigneeOfficerId: state.assigneeOfficerId ?? '',
    enterpriseUscc: state.enterpriseUscc ?? '',
    alertId: change.alertId ?? '',
    occurredAt: entry.occurredAt,
    ...(state.stepDeadline ? { deadline: state.stepDeadline } : {}),
    actor: entry.actor,
    note,
    escalationLevel: state.escalationLevel,
    version: state.version,
    step: state.step ? STEP_TO_PROTO[state.step] : CaseStep.CASE_STEP_UNSPECIFIED,
    previousStatus: entry.fromStatus ? STATUS_TO_PROTO[entry.fromStatus] : CaseStatus.CASE_STATUS_UNSPECIFIED,
    assignmentReason: state.assignmentReason ?? '',
    supervisorOfficerId: state.supervisorOfficerId ?? '',
    mergedIntoCaseId: state.mergedInto ?? '',
    evidenceSha256: change.evidenceSha256 ?? '',
    historyHash: entry.hash,
    deviceMn: state.deviceMn ?? '',
    factorCode: state.factorCode ?? '',
    title: state.title,
    lon: state.location?.lon ?? 0,
    lat: state.location?.lat ?? 0,
    createdAt: state.createdAt,
    drill: state.drill === true,
    department: state.department ?? '',
    emergencyRequestId: state.emergencyRequestId ?? '',
  });
}

export function encodeCaseChanged(change: CaseChangeRecord): Buffer {
  return Buffer.from(CaseChanged.encode(toCaseChanged(change)).finish());
}
