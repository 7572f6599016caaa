import type { Case, Evidence, HistoryEntry } from '@ecogrid/proto/dispatch/v1/dispatch';
import { type CaseChanged, casePriorityToJSON, caseSourceToJSON, CaseStatus, caseStatusToJSON } from '@ecogrid/proto/dispatch/v1/events';
import { CASE_STATUSES, type CaseStatusName, type CaseSummary, type EvidenceView, type HistoryEntryView } from '../../domain/case-view';

/** `CASE_STATUS_ON_SITE` → `on_site`; the enum's zero is no status. */
export function statusName(status: CaseStatus): CaseStatusName | null {
  const name = caseStatusToJSON(status).replace(/^CASE_STATUS_/, '').toLowerCase();
  return (CASE_STATUSES as readonly string[]).includes(name) ? (name as CaseStatusName) : null;
}

export function statusOfName(name: CaseStatusName): CaseStatus {
  return CaseStatus[`CASE_STATUS_${name.toUpperCase()}` as keyof typeof CaseStatus];
}

const lower = (text: string, prefix: string): string => text.replace(prefix, '').toLowerCase();
const iso = (date: Date | undefined): string | null => (date ? date.toISOString() : null);

export function caseSummaryOf(wire: Case): CaseSummary {
  return {
    id: wire.id,
    status: statusName(wire.status) ?? 'registered',
    source: lower(caseSourceToJSON(wire.source), 'CASE_SOURCE_'),
    priority: lower(casePriorityToJSON(wire.priority), 'CASE_PRIORITY_'),
    caseType: wire.caseType,
    title: wire.title,
    description: wire.description,
    cellId: wire.cellId,
    townshipCode: wire.townshipCode,
    assigneeOfficerId: wire.assigneeOfficerId,
    deviceMn: wire.deviceMn,
    factorCode: wire.factorCode,
    enterpriseUscc: wire.enterpriseUscc,
    alertIds: wire.alertIds,
    lon: wire.location ? wire.location.lon : null,
    lat: wire.location ? wire.location.lat : null,
    address: wire.location?.address ?? '',
    createdAt: iso(wire.createdAt),
    deadline: iso(wire.deadline),
    closedAt: iso(wire.closedAt),
    overdue: wire.overdue,
    version: wire.version,
  };
}

export function historyEntryOf(wire: HistoryEntry): HistoryEntryView {
  return {
    sequence: wire.sequence,
    action: wire.action,
    actor: wire.actor,
    occurredAt: iso(wire.occurredAt),
    note: wire.note,
    fromStatus: statusName(wire.fromStatus),
    toStatus: statusName(wire.toStatus),
    hash: wire.hash,
  };
}

export function evidenceOf(wire: Evidence): EvidenceView {
  return {
    id: wire.id,
    kind: wire.kind,
    fileName: wire.fileName,
    mediaType: wire.mediaType,
    sizeBytes: wire.sizeBytes,
    sha256: wire.sha256,
    addedBy: wire.addedBy,
    addedAt: iso(wire.addedAt),
    lon: wire.takenAt ? wire.takenAt.lon : null,
    lat: wire.takenAt ? wire.takenAt.lat : null,
    referenceId: wire.referenceId,
  };
}

/** A case event as the browser is told of it: enough to move its card on the board and to know to reload its page. */
export function caseEventView(event: CaseChanged): Record<string, unknown> {
  return {
    caseId: event.caseId,
    action: event.action,
    status: statusName(event.status),
    title: event.title,
    cellId: event.cellId,
    townshipCode: event.townshipCode,
    assigneeOfficerId: event.assigneeOfficerId,
    deviceMn: event.deviceMn,
    factorCode: event.factorCode,
    alertId: event.alertId,
    version: event.version,
    deadline: iso(event.deadline),
    occurredAt: iso(event.occurredAt),
  };
}
