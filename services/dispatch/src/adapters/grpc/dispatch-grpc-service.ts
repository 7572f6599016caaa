import type { ServerUnaryCall } from '@grpc/grpc-js';
import { principalOf, unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import {
  Case,
  CaseLocation,
  DispatchServiceService,
  GetKpisResponse,
  type DispatchServiceServer,
} from '@ecogrid/proto/dispatch/v1/dispatch';
import { CaseStep } from '@ecogrid/proto/dispatch/v1/events';
import type { Logger } from '@ecogrid/telemetry';
import { DomainError } from '@ecogrid/domain-errors';
import type { DispatchApp } from '../../app';
import type { EvidenceRecord } from '../../app/ports';
import { isOverdue, type Actor, type CaseState, type CaseStatus } from '../../domain/case';
import type { Kpis } from '../../domain/kpis';
import { actorOfPrincipal } from '../auth/staff-actor';
import { PRIORITY_FROM_PROTO, PRIORITY_TO_PROTO, SOURCE_FROM_PROTO, SOURCE_TO_PROTO, STATUS_FROM_PROTO, STATUS_TO_PROTO, STEP_TO_PROTO } from '../kafka/case-changed';

export function toProtoCase(state: CaseState, now: Date, alertIds: string[] = []): Case {
  return Case.create({
    id: state.id,
    status: STATUS_TO_PROTO[state.status],
    source: SOURCE_TO_PROTO[state.source],
    priority: PRIORITY_TO_PROTO[state.priority],
    caseType: state.caseType,
    title: state.title,
    description: state.description,
    ...(state.location ? { location: CaseLocation.create({ lon: state.location.lon, lat: state.location.lat, address: state.location.address ?? '' }) } : {}),
    cellId: state.cellId ?? '',
    townshipCode: state.townshipCode ?? '',
    assigneeOfficerId: state.assigneeOfficerId ?? '',
    assignmentReason: state.assignmentReason ?? '',
    createdAt: state.createdAt,
    ...(state.stepDeadline ? { deadline: state.stepDeadline } : {}),
    version: state.version,
    escalationLevel: state.escalationLevel,
    enterpriseUscc: state.enterpriseUscc ?? '',
    alertIds,
    step: state.step ? STEP_TO_PROTO[state.step] : CaseStep.CASE_STEP_UNSPECIFIED,
    supervisorOfficerId: state.supervisorOfficerId ?? '',
    mergedIntoCaseId: state.mergedInto ?? '',
    deviceMn: state.deviceMn ?? '',
    factorCode: state.factorCode ?? '',
    updatedAt: state.updatedAt,
    ...(state.closedAt ? { closedAt: state.closedAt } : {}),
    ...(state.suspendedUntil ? { suspendedUntil: state.suspendedUntil } : {}),
    overdue: isOverdue(state, now),
    serviceCode: state.serviceCode ?? '',
    drill: state.drill === true,
    department: state.department ?? '',
    emergencyRequestId: state.emergencyRequestId ?? '',
    ...(state.dueBy ? { dueBy: state.dueBy } : {}),
  });
}

const evidenceProto = (record: EvidenceRecord) => ({
  id: record.id,
  kind: record.kind,
  fileName: record.fileName ?? '',
  mediaType: record.mediaType ?? '',
  sizeBytes: record.sizeBytes ?? 0,
  sha256: record.sha256 ?? '',
  addedBy: record.addedBy,
  addedAt: record.addedAt,
  ...(record.takenAt ? { takenAt: { lon: record.takenAt.lon, lat: record.takenAt.lat, address: '' } } : {}),
  referenceId: record.referenceId ?? '',
});

const STEP_PROTO = (step: string): CaseStep => STEP_TO_PROTO[step as keyof typeof STEP_TO_PROTO] ?? CaseStep.CASE_STEP_UNSPECIFIED;

export function toKpisResponse(kpis: Kpis): GetKpisResponse {
  return GetKpisResponse.create({
    // No closed case in the period: the rate is undefined; 0 with closed = 0 says so.
    onTimeRate: kpis.onTimeRate ?? 0,
    closed: kpis.closed,
    backlog: kpis.backlog,
    overdue: kpis.overdue,
    medianHandlingSeconds: kpis.medianHandlingSeconds ?? 0,
    p90HandlingSeconds: kpis.p90HandlingSeconds ?? 0,
    closedOnTime: kpis.closedOnTime,
    townships: kpis.townships.map((group) => ({ key: group.key, closed: group.closed, closedOnTime: group.closedOnTime, onTimeRate: group.onTimeRate ?? 0, backlog: group.backlog })),
    officers: kpis.officers.map((group) => ({ key: group.key, closed: group.closed, closedOnTime: group.closedOnTime, onTimeRate: group.onTimeRate ?? 0, backlog: group.backlog })),
    steps: kpis.steps.map((step) => ({ step: STEP_PROTO(step.step), completed: step.completed, completedLate: step.completedLate, medianSeconds: step.medianSeconds ?? 0, p90Seconds: step.p90Seconds ?? 0 })),
    overdueCases: kpis.overdueCases.map((item) => ({
      caseId: item.caseId,
      step: STEP_PROTO(item.step),
      deadline: item.deadline,
      assigneeOfficerId: item.assignee ?? '',
      townshipCode: item.township ?? '',
      escalationLevel: item.escalationLevel,
    })),
  });
}

/**
 * ecogrid.dispatch.v1.DispatchService. Callers send the staff member's bearer token as `authorization`
 * metadata (the console BFF forwards its user's token); the server's auth interceptor admits them by
 * DISPATCH_GRPC_ACCESS, the same roles as over REST.
 */
export function createDispatchGrpcService(app: DispatchApp, logger: Logger): GrpcServiceBinding {
  // The auth interceptor (DISPATCH_GRPC_ACCESS) verified the token and the role before the handler runs, and
  // the shared unaryHandler refused requests carrying a NUL character.
  const actorOf = async (call: ServerUnaryCall<unknown, unknown>): Promise<Actor> => {
    const principal = principalOf(call);
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'send authorization: Bearer <token>', { reason: 'no_token' });
    return actorOfPrincipal(principal);
  };
  const date = (value: Date | undefined): Date | undefined => (value && value.getTime() > 0 ? value : undefined);

  const implementation: DispatchServiceServer = {
    createCase: unaryHandler('CreateCase', logger, async (request, call) => {
      const actor = await actorOf(call);
      const priority = PRIORITY_FROM_PROTO.get(request.priority);
      const { state } = await app.createCase({
        actor,
        caseType: request.caseType,
        title: request.title,
        description: request.description,
        ...(request.location ? { location: { lon: request.location.lon, lat: request.location.lat, ...(request.location.address ? { address: request.location.address } : {}) } } : {}),
        ...(priority ? { priority } : {}),
        ...(request.enterpriseUscc ? { enterpriseUscc: request.enterpriseUscc } : {}),
        ...(request.assigneeOfficerId ? { assigneeOfficerId: request.assigneeOfficerId } : {}),
      });
      // A case just changed is shown as of that change (its updatedAt).
      return { case: toProtoCase(state, state.updatedAt) };
    }),
    getCase: unaryHandler('GetCase', logger, async (request, call) => {
      const view = await app.getCase(request.caseId, await actorOf(call));
      return {
        case: toProtoCase(view.state, view.asOf, view.alertIds),
        history: view.history.map((entry) => ({
          sequence: entry.sequence,
          action: entry.action,
          actor: entry.actor,
          occurredAt: entry.occurredAt,
          note: typeof entry.details.note === 'string' ? entry.details.note : '',
          hash: entry.hash,
          previousHash: entry.previousHash,
          fromStatus: entry.fromStatus ? STATUS_TO_PROTO[entry.fromStatus] : 0,
          toStatus: STATUS_TO_PROTO[entry.toStatus],
          detailsJson: JSON.stringify(entry.details),
        })),
        evidence: view.evidence.map(evidenceProto),
      };
    }),
    listCases: unaryHandler('ListCases', logger, async (request, call) => {
      const statuses = request.statuses.map((status) => STATUS_FROM_PROTO.get(status)).filter((status): status is CaseStatus => status !== undefined);
      const priority = PRIORITY_FROM_PROTO.get(request.priority);
      const source = SOURCE_FROM_PROTO.get(request.source);
      const createdFrom = date(request.createdFrom);
      const createdTo = date(request.createdTo);
      const result = await app.listCases(
        {
          ...(statuses.length > 0 ? { statuses } : {}),
          ...(request.townshipCode ? { townshipCode: request.townshipCode } : {}),
          ...(request.cellId ? { cellId: request.cellId } : {}),
          ...(request.officerId ? { officerId: request.officerId } : {}),
          ...(request.overdueOnly ? { overdueOnly: true } : {}),
          ...(createdFrom ? { createdFrom } : {}),
          ...(createdTo ? { createdTo } : {}),
          ...(request.query ? { query: request.query } : {}),
          ...(priority ? { priority } : {}),
          ...(source ? { source } : {}),
          ...(request.pageSize > 0 ? { pageSize: request.pageSize } : {}),
          ...(request.pageToken ? { pageToken: request.pageToken } : {}),
        },
        await actorOf(call),
      );
      return { cases: result.cases.map((state) => toProtoCase(state, result.asOf)), nextPageToken: result.nextPageToken ?? '' };
    }),
    actOnCase: unaryHandler('ActOnCase', logger, async (request, call) => {
      const actor = await actorOf(call);
      const extendUntil = date(request.extendUntil);
      const state = await app.actOnCase({
        caseId: request.caseId,
        action: request.action,
        expectedVersion: request.expectedVersion,
        actor,
        ...(request.note ? { note: request.note } : {}),
        ...(request.targetOfficerId ? { targetOfficerId: request.targetOfficerId } : {}),
        ...(request.mergeIntoCaseId ? { mergeIntoCaseId: request.mergeIntoCaseId } : {}),
        ...(extendUntil ? { extendUntil } : {}),
      });
      return { case: toProtoCase(state, state.updatedAt) };
    }),
    attachEvidence: unaryHandler('AttachEvidence', logger, async (request, call) => {
      const takenTime = date(request.takenTime);
      const record = await app.attachEvidence({
        caseId: request.caseId,
        actor: await actorOf(call),
        fileName: request.fileName,
        mediaType: request.mediaType,
        content: request.content,
        ...(request.takenAt ? { takenAt: { lon: request.takenAt.lon, lat: request.takenAt.lat } } : {}),
        ...(takenTime ? { takenTime } : {}),
      });
      return { evidenceId: record.id, sha256: record.sha256 ?? '', sizeBytes: record.sizeBytes ?? 0 };
    }),
    linkEvidence: unaryHandler('LinkEvidence', logger, async (request, call) => {
      const record = await app.linkEvidence({
        caseId: request.caseId,
        actor: await actorOf(call),
        kind: request.kind,
        referenceId: request.referenceId,
        ...(request.note ? { note: request.note } : {}),
      });
      return { evidenceId: record.id };
    }),
    verifyHistory: unaryHandler('VerifyHistory', logger, async (request, call) => {
      const verdict = await app.verifyHistory(request.caseId, await actorOf(call));
      return {
        intact: verdict.intact,
        firstBrokenSequence: verdict.firstBroken?.sequence ?? 0,
        entries: verdict.entries,
        firstBrokenReason: verdict.firstBroken?.reason ?? '',
        storedHash: verdict.firstBroken?.storedHash ?? '',
        recomputedHash: verdict.firstBroken?.recomputedHash ?? '',
      };
    }),
    getKpis: unaryHandler('GetKpis', logger, async (request, call) => {
      const from = date(request.from);
      const to = date(request.to);
      const kpis = await app.kpis(
        {
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(request.townshipCode ? { townshipCode: request.townshipCode } : {}),
          ...(request.officerId ? { officerId: request.officerId } : {}),
        },
        await actorOf(call),
      );
      return toKpisResponse(kpis);
    }),
  };
  return { definition: DispatchServiceService, implementation, name: 'ecogrid.dispatch.v1.DispatchService' };
}
