import { DomainError, invalidArgument } from '@ecogrid/domain-errors';
import type { Actor } from '../domain/case';
import { DRILL_TITLE_MARK, EMERGENCY_CASE_TYPES, type EmergencyCaseRequest } from '../domain/emergency-request';
import { openCase } from './open-case';
import type { DispatchRuntime } from './runtime';

/** Who registers and dispatches the cases the emergency service asks for, as the history names them. */
export const EMERGENCY_ACTOR: Actor = { subject: 'system:emergency', role: 'system' };

export type EmergencyRequestOutcome = 'opened' | 'duplicate';

/**
 * Opens the case an emergency case request asks for — exactly one per request id: the id is unique among cases in
 * PostgreSQL, looked up in the opening transaction, so a redelivery, a restart or a second dispatch instance finds
 * the case instead of opening another (two racing transactions: the loser's insert fails on the unique key and its
 * retry finds the winner's case). The case goes to the named officer, else to the officer on duty in the cell like
 * an alert's case; a cell the registry does not know, with nobody named, cannot be routed and is refused (the
 * consumer dead-letters it with the reason). A drill's case carries the drill flag, which keeps it out of every KPI.
 */
export function createHandleEmergencyCaseRequest(runtime: DispatchRuntime) {
  const checkPlace = (request: EmergencyCaseRequest): void => {
    if (request.assigneeOfficerId) {
      const officer = runtime.grid.officer(request.assigneeOfficerId);
      if (!officer) throw invalidArgument('assignee_officer_id', `request ${request.requestId}: officer ${request.assigneeOfficerId} is not in the registry`, 'unknown_officer');
      if (!officer.active) throw new DomainError('FAILED_PRECONDITION', `request ${request.requestId}: officer ${request.assigneeOfficerId} is not active`, { reason: 'inactive_officer', field: 'assignee_officer_id' });
      return;
    }
    if (request.cellId && !runtime.grid.cell(request.cellId)) {
      throw invalidArgument('cell_id', `request ${request.requestId}: cell ${request.cellId} is not in the registry and no officer is named`, 'unknown_cell');
    }
  };

  return async function handleEmergencyCaseRequest(request: EmergencyCaseRequest): Promise<EmergencyRequestOutcome> {
    checkPlace(request);
    const caseType = EMERGENCY_CASE_TYPES[request.kind];
    const label = runtime.policy.caseTypes[caseType]?.label ?? caseType;
    const title = `${request.drill ? DRILL_TITLE_MARK : ''}${request.title || `${label}: ${request.sourceId || request.requestId}`}`;
    return runtime.store.transaction(async (tx) => {
      if (await tx.findEmergencyRequestCase(request.requestId)) return 'duplicate';
      await openCase(tx, runtime, {
        source: 'emergency',
        caseType,
        title,
        description: request.description,
        ...(request.location ? { location: request.location } : {}),
        ...(request.cellId ? { cellId: request.cellId } : {}),
        ...(request.townshipCode ? { townshipCode: request.townshipCode } : {}),
        ...(request.enterpriseUscc ? { enterpriseUscc: request.enterpriseUscc } : {}),
        ...(request.priority ? { requestedPriority: request.priority } : {}),
        ...(request.assigneeOfficerId ? { chosenOfficerId: request.assigneeOfficerId } : {}),
        actor: EMERGENCY_ACTOR,
        registration: {
          emergencyRequestId: request.requestId,
          emergencyKind: request.kind,
          ...(request.sourceId ? { emergencySourceId: request.sourceId } : {}),
        },
        emergencyRequestId: request.requestId,
        ...(request.drill ? { drill: true } : {}),
        ...(request.department ? { department: request.department } : {}),
        ...(request.deadline ? { dueBy: request.deadline } : {}),
      });
      return 'opened';
    });
  };
}

export type HandleEmergencyCaseRequest = ReturnType<typeof createHandleEmergencyCaseRequest>;
