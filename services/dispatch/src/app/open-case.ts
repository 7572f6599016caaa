import type { Actor, CaseLocation, CaseSource, CaseState, Priority } from '../domain/case';
import { SYSTEM_ACTOR } from '../domain/case';
import { applyAction } from '../domain/case-machine';
import { formatCaseId, localDay } from '../domain/case-id';
import { decidePriority, SENSITIVE_TARGET_KINDS, type AlertSeverity, type SensitiveTargetKind } from '../domain/priority';
import { snapshotOf, type JsonObject } from '../domain/history-chain';
import type { CaseTransaction } from './ports';
import { recordChanges, type ChangeStep, type DispatchRuntime } from './runtime';
import { routeCase } from './route-case';

export interface NewCase {
  source: CaseSource;
  caseType: string;
  title: string;
  description: string;
  location?: CaseLocation;
  cellId?: string;
  townshipCode?: string;
  enterpriseUscc?: string;
  deviceMn?: string;
  factorCode?: string;
  serviceCode?: string;
  severity?: AlertSeverity;
  requestedPriority?: Priority;
  /** Sensitive targets someone else already found near the source (the alerting service). */
  knownNearbyTargetIds?: readonly string[];
  chosenOfficerId?: string;
  actor: Actor;
  /** Source-specific facts for the registration entry (alert id, observation ids, Open311 service…). */
  registration: JsonObject;
  alertId?: string;
  /** A drill's case: runs the whole loop, counted in no KPI. */
  drill?: boolean;
  /** The department responsible (emergency plan tasks), kept on the case and in its registration entry. */
  department?: string;
  /** The EmergencyCaseRequested it is opened for; unique among cases. */
  emergencyRequestId?: string;
  /** The requester's deadline, which wins over the policy's for every step up to the handling. */
  dueBy?: Date;
}

/**
 * 立案 then 派遣: registers a case with its priority and reasons, routes it, and dispatches it in the same
 * transaction when somebody is responsible. Each step is its own history entry and event.
 */
export async function openCase(tx: CaseTransaction, runtime: DispatchRuntime, input: NewCase): Promise<CaseState> {
  const now = runtime.clock.now();
  const routing = routeCase(
    runtime.grid,
    {
      ...(input.location ? { location: input.location } : {}),
      ...(input.cellId ? { cellId: input.cellId } : {}),
      ...(input.townshipCode ? { townshipCode: input.townshipCode } : {}),
      ...(input.chosenOfficerId ? { chosenOfficerId: input.chosenOfficerId, chosenBy: input.actor.subject } : {}),
    },
    now,
  );
  const nearby: Array<{ id: string; kind: SensitiveTargetKind }> = input.location ? runtime.grid.sensitiveTargetsNear(input.location, runtime.sensitiveRadiusM) : [];
  const known = new Set(nearby.map((target) => target.id));
  for (const id of input.knownNearbyTargetIds ?? []) {
    // The alerting service names targets by id; the registry may know their kind, else count them as sensitive.
    if (!known.has(id)) nearby.push({ id, kind: SENSITIVE_TARGET_KINDS[0] });
  }
  const priority = decidePriority(
    {
      caseType: input.caseType,
      ...(input.severity ? { severity: input.severity } : {}),
      ...(input.requestedPriority ? { requested: input.requestedPriority } : {}),
      nearbySensitiveTargets: nearby,
    },
    runtime.policy,
  );
  const number = await tx.nextCaseNumber(localDay(now));
  const state: CaseState = {
    id: formatCaseId(runtime.caseIdPrefix, localDay(now), number),
    status: 'registered',
    source: input.source,
    priority: priority.priority,
    caseType: input.caseType,
    title: input.title,
    description: input.description,
    escalationLevel: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...(input.location ? { location: input.location } : {}),
    ...(routing.place ? { cellId: routing.place.cellId, townshipCode: routing.place.townshipCode } : input.townshipCode ? { townshipCode: input.townshipCode } : {}),
    ...(input.enterpriseUscc ? { enterpriseUscc: input.enterpriseUscc } : {}),
    ...(input.deviceMn ? { deviceMn: input.deviceMn } : {}),
    ...(input.factorCode ? { factorCode: input.factorCode } : {}),
    ...(input.serviceCode ? { serviceCode: input.serviceCode } : {}),
    ...(input.drill ? { drill: true } : {}),
    ...(input.department ? { department: input.department } : {}),
    ...(input.emergencyRequestId ? { emergencyRequestId: input.emergencyRequestId } : {}),
    ...(input.dueBy ? { dueBy: input.dueBy } : {}),
  };
  const registration: JsonObject = {
    ...input.registration,
    source: input.source,
    title: input.title,
    priorityReasons: priority.reasons,
    nearbySensitiveTargets: nearby.map((target) => target.id),
    ...(routing.unassignedReason ? { unassignedReason: routing.unassignedReason } : {}),
    ...(input.drill ? { drill: true } : {}),
    ...(input.department ? { department: input.department } : {}),
    ...(input.dueBy ? { dueBy: input.dueBy.toISOString() } : {}),
    ...(input.location ? { location: { lon: input.location.lon, lat: input.location.lat, ...(input.location.address ? { address: input.location.address } : {}) } } : {}),
    state: snapshotOf(state),
  };
  const steps: ChangeStep[] = [
    { next: state, draft: { action: 'registered', actor: input.actor.subject, occurredAt: now, fromStatus: null, toStatus: 'registered', details: registration } },
  ];
  if (routing.assignment) {
    const dispatched = applyAction(
      state,
      { action: 'dispatch', actor: input.actor.role === 'officer' || input.actor.role === 'analyst' ? SYSTEM_ACTOR : input.actor, assignment: routing.assignment },
      { now, policy: runtime.policy, timeScale: runtime.timeScale },
    );
    steps.push({ next: dispatched.next, draft: dispatched.entry });
  }
  // 立案 and 派遣 stay two history entries and two events; the row is written once, in its final state.
  await recordChanges(tx, runtime, undefined, steps, input.alertId ? { alertId: input.alertId } : {});
  return steps[steps.length - 1]?.next ?? state;
}
