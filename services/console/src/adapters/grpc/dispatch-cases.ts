import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import {
  ActOnCaseRequest,
  AttachEvidenceRequest,
  DispatchServiceClient,
  GetCaseRequest,
  GetKpisRequest,
  type GetKpisResponse,
  ListCasesRequest,
  VerifyHistoryRequest,
  type ActOnCaseResponse,
  type AttachEvidenceResponse,
  type GetCaseResponse,
  type ListCasesResponse,
  type VerifyHistoryResponse,
} from '@ecogrid/proto/dispatch/v1/dispatch';
import type { CaseKpis, CaseService } from '../../app/ports';
import { caseStepToJSON } from '@ecogrid/proto/dispatch/v1/events';
import type { StaffUser } from '../../domain/staff-user';
import type { CaseSummary } from '../../domain/case-view';
import type { UserTokens } from '../auth/user-tokens';
import { caseSummaryOf, evidenceOf, historyEntryOf, statusOfName } from '../wire/case-wire';
import { DomainError, notFound } from '@ecogrid/domain-errors';
import { upstreamError } from './upstream-error';

type Callback<Response> = (error: ServiceError | null, response: Response) => void;

/** Dispatch's gRPC API called with the user's own staff token; its refusals reach the browser as they are. */
export function createDispatchCases(options: { grpcAddress: string; httpUrl: string; tokens: UserTokens; deadlineMs?: number }): CaseService & CaseKpis & { close(): void } {
  const client = createGrpcClient(DispatchServiceClient, options.grpcAddress, { deadlineMs: options.deadlineMs ?? 5_000 });
  const call = async <Response>(user: StaffUser, invoke: (metadata: Metadata, callback: Callback<Response>) => unknown): Promise<Response> => {
    const metadata = await options.tokens.metadataFor(user);
    return new Promise<Response>((resolve, reject) => {
      invoke(metadata, (error, response) => (error ? reject(upstreamError(error)) : resolve(response)));
    });
  };
  return {
    list: async (user, filter) => {
      const limit = filter.limit ?? 200;
      const found: CaseSummary[] = [];
      let pageToken = '';
      do {
        const request = ListCasesRequest.fromPartial({
          pageSize: Math.min(200, limit - found.length),
          pageToken,
          statuses: (filter.statuses ?? []).map(statusOfName),
          townshipCode: filter.townshipCode ?? '',
          cellId: filter.cellId ?? '',
          officerId: filter.officerId ?? '',
          ...(filter.createdFrom ? { createdFrom: filter.createdFrom } : {}),
        });
        const answer = await call<ListCasesResponse>(user, (metadata, callback) => client.listCases(request, metadata, callback));
        found.push(...answer.cases.map(caseSummaryOf));
        pageToken = answer.nextPageToken;
      } while (pageToken !== '' && found.length < limit);
      return found;
    },
    get: async (user, caseId) => {
      const answer = await call<GetCaseResponse>(user, (metadata, callback) => client.getCase(GetCaseRequest.fromPartial({ caseId }), metadata, callback));
      if (!answer.case) throw notFound('case', caseId);
      return { case: caseSummaryOf(answer.case), history: answer.history.map(historyEntryOf), evidence: answer.evidence.map(evidenceOf) };
    },
    act: async (user, act) => {
      const request = ActOnCaseRequest.fromPartial({
        caseId: act.caseId,
        action: act.action,
        expectedVersion: act.expectedVersion,
        note: act.note ?? '',
        targetOfficerId: act.targetOfficerId ?? '',
      });
      const answer = await call<ActOnCaseResponse>(user, (metadata, callback) => client.actOnCase(request, metadata, callback));
      if (!answer.case) throw new DomainError('INTERNAL', 'dispatch answered without the case');
      return caseSummaryOf(answer.case);
    },
    attachEvidence: async (user, upload) => {
      const request = AttachEvidenceRequest.fromPartial({
        caseId: upload.caseId,
        fileName: upload.fileName,
        mediaType: upload.mediaType,
        content: upload.content,
        ...(upload.lon !== undefined && upload.lat !== undefined ? { takenAt: { lon: upload.lon, lat: upload.lat, address: '' } } : {}),
        ...(upload.takenTime ? { takenTime: upload.takenTime } : {}),
      });
      const answer = await call<AttachEvidenceResponse>(user, (metadata, callback) => client.attachEvidence(request, metadata, { deadline: Date.now() + 30_000 }, callback));
      return { evidenceId: answer.evidenceId, sha256: answer.sha256, sizeBytes: answer.sizeBytes };
    },
    verifyHistory: async (user, caseId) => {
      const answer = await call<VerifyHistoryResponse>(user, (metadata, callback) => client.verifyHistory(VerifyHistoryRequest.fromPartial({ caseId }), metadata, callback));
      return { intact: answer.intact, entries: answer.entries, firstBrokenSequence: answer.intact ? null : answer.firstBrokenSequence, firstBrokenReason: answer.firstBrokenReason };
    },
    // Dispatch serves evidence files on its REST API only; the same user token authorises the read.
    evidenceFile: async (user, caseId, evidenceId) => {
      const response = await fetch(`${options.httpUrl}/v1/cases/${encodeURIComponent(caseId)}/evidence/${encodeURIComponent(evidenceId)}`, {
        headers: { authorization: `Bearer ${await options.tokens.tokenFor(user)}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 404 || response.status === 403) throw notFound('evidence', evidenceId);
      if (!response.ok) throw new DomainError('INTERNAL', `dispatch answered ${response.status} for an evidence file`);
      return { mediaType: response.headers.get('content-type') ?? 'application/octet-stream', content: Buffer.from(await response.arrayBuffer()) };
    },
    kpis: async (user, from, to) => {
      const answer = await call<GetKpisResponse>(user, (metadata, callback) => client.getKpis(GetKpisRequest.fromPartial({ from, to }), metadata, callback));
      const group = (kpi: GetKpisResponse['townships'][number]) => ({ key: kpi.key, closed: kpi.closed, closedOnTime: kpi.closedOnTime, onTimeRate: kpi.onTimeRate, backlog: kpi.backlog });
      return {
        onTimeRate: answer.onTimeRate,
        closed: answer.closed,
        closedOnTime: answer.closedOnTime,
        backlog: answer.backlog,
        overdue: answer.overdue,
        medianHandlingSeconds: answer.medianHandlingSeconds,
        p90HandlingSeconds: answer.p90HandlingSeconds,
        townships: answer.townships.map(group),
        officers: answer.officers.map(group),
        steps: answer.steps.map((step) => ({
          step: caseStepToJSON(step.step).replace(/^CASE_STEP_/, '').toLowerCase(),
          completed: step.completed,
          completedLate: step.completedLate,
          medianSeconds: step.medianSeconds,
          p90Seconds: step.p90Seconds,
        })),
      };
    },
    close: () => client.close(),
  };
}
