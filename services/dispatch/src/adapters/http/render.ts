import type { CaseState } from '../../domain/case';
import { isOverdue } from '../../domain/case';
import type { HistoryEntry } from '../../domain/history-chain';
import type { EvidenceRecord } from '../../app/ports';
import type { Kpis } from '../../domain/kpis';

/** A case as the REST API shows it (snake_case, ISO timestamps). */
export function caseJson(state: CaseState, now: Date): Record<string, unknown> {
  return {
    id: state.id,
    status: state.status,
    source: state.source,
    priority: state.priority,
    case_type: state.caseType,
    title: state.title,
    description: state.description,
    location: state.location ?? null,
    cell_id: state.cellId ?? null,
    township_code: state.townshipCode ?? null,
    assignee_officer_id: state.assigneeOfficerId ?? null,
    assignment_reason: state.assignmentReason ?? null,
    escalation_level: state.escalationLevel,
    supervisor_officer_id: state.supervisorOfficerId ?? null,
    enterprise_uscc: state.enterpriseUscc ?? null,
    device_mn: state.deviceMn ?? null,
    factor_code: state.factorCode ?? null,
    service_code: state.serviceCode ?? null,
    created_at: state.createdAt.toISOString(),
    updated_at: state.updatedAt.toISOString(),
    closed_at: state.closedAt?.toISOString() ?? null,
    version: state.version,
    step: state.step ?? null,
    step_deadline: state.stepDeadline?.toISOString() ?? null,
    overdue: isOverdue(state, now),
    suspended_until: state.suspendedUntil?.toISOString() ?? null,
    merged_into: state.mergedInto ?? null,
    drill: state.drill === true,
    department: state.department ?? null,
    emergency_request_id: state.emergencyRequestId ?? null,
    due_by: state.dueBy?.toISOString() ?? null,
  };
}

export function historyJson(entry: HistoryEntry): Record<string, unknown> {
  return {
    sequence: entry.sequence,
    action: entry.action,
    actor: entry.actor,
    occurred_at: entry.occurredAt.toISOString(),
    from_status: entry.fromStatus,
    to_status: entry.toStatus,
    details: entry.details,
    previous_hash: entry.previousHash,
    hash: entry.hash,
  };
}

export function evidenceJson(record: EvidenceRecord): Record<string, unknown> {
  return {
    id: record.id,
    kind: record.kind,
    file_name: record.fileName ?? null,
    media_type: record.mediaType ?? null,
    size_bytes: record.sizeBytes ?? null,
    sha256: record.sha256 ?? null,
    added_by: record.addedBy,
    added_at: record.addedAt.toISOString(),
    taken_at: record.takenAt ?? null,
    taken_time: record.takenTime?.toISOString() ?? null,
    reference_id: record.referenceId ?? null,
  };
}

export function kpisJson(kpis: Kpis): Record<string, unknown> {
  return {
    on_time_rate: kpis.onTimeRate,
    closed: kpis.closed,
    closed_on_time: kpis.closedOnTime,
    backlog: kpis.backlog,
    overdue: kpis.overdue,
    median_handling_seconds: kpis.medianHandlingSeconds,
    p90_handling_seconds: kpis.p90HandlingSeconds,
    townships: kpis.townships.map((group) => ({ township_code: group.key, closed: group.closed, closed_on_time: group.closedOnTime, on_time_rate: group.onTimeRate, backlog: group.backlog })),
    officers: kpis.officers.map((group) => ({ officer_id: group.key, closed: group.closed, closed_on_time: group.closedOnTime, on_time_rate: group.onTimeRate, backlog: group.backlog })),
    steps: kpis.steps.map((step) => ({ step: step.step, completed: step.completed, completed_late: step.completedLate, median_seconds: step.medianSeconds, p90_seconds: step.p90Seconds })),
    overdue_cases: kpis.overdueCases.map((item) => ({
      case_id: item.caseId,
      step: item.step,
      deadline: item.deadline.toISOString(),
      assignee_officer_id: item.assignee ?? null,
      township_code: item.township ?? null,
      escalation_level: item.escalationLevel,
    })),
  };
}
