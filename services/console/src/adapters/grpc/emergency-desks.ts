import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { DomainError, notFound } from '@ecogrid/domain-errors';
import {
  GetEpisodeEvaluationRequest,
  GetWarningRequest,
  IssueWarningRequest,
  LiftWarningRequest,
  ListObligationsRequest,
  ListWarningsRequest,
  WarningServiceClient,
  type GetEpisodeEvaluationResponse,
  type GetWarningResponse,
  type IssueWarningResponse,
  type LiftWarningResponse,
  type ListObligationsResponse,
  type ListWarningsResponse,
} from '@ecogrid/proto/emergency/v1/warnings';
import {
  ActivatePlanRequest,
  CloseIncidentRequest,
  DeclareIncidentRequest,
  DismissIncidentRequest,
  GetIncidentRequest,
  GetTimelineRequest,
  IncidentLevel,
  IncidentServiceClient,
  ListIncidentsRequest,
  ListPlansRequest,
  VerifyTimelineRequest,
  type ActivatePlanResponse,
  type CloseIncidentResponse,
  type DeclareIncidentResponse,
  type DismissIncidentResponse,
  type GetIncidentResponse,
  type GetTimelineResponse,
  type Incident,
  type ListIncidentsResponse,
  type ListPlansResponse,
  type VerifyTimelineResponse,
} from '@ecogrid/proto/emergency/v1/incidents';
import { EarlyWarningServiceClient, ListEarlyWarningsRequest, type ListEarlyWarningsResponse } from '@ecogrid/proto/emergency/v1/early_warning';
import type { EarlyWarningDesk, IncidentActRequest, IncidentDesk, WarningDesk } from '../../app/ports';
import type { StaffUser } from '../../domain/staff-user';
import type { EarlyWarningView, WarningView } from '../../domain/emergency-view';
import type { UserTokens } from '../auth/user-tokens';
import { earlyWarningView, evaluationView, incidentStatusOf, incidentView, obligationView, planView, timelineEntryView, warningLevelOf, warningView } from '../wire/emergency-wire';
import { upstreamError } from './upstream-error';

type Callback<Response> = (error: ServiceError | null, response: Response) => void;

const LEVELS: Record<NonNullable<IncidentActRequest['level']>, IncidentLevel> = {
  i: IncidentLevel.INCIDENT_LEVEL_I,
  ii: IncidentLevel.INCIDENT_LEVEL_II,
  iii: IncidentLevel.INCIDENT_LEVEL_III,
  iv: IncidentLevel.INCIDENT_LEVEL_IV,
};

/** Warnings the console shows: every active one and the recent lifted ones, newest first. */
const WARNINGS_SHOWN = 50;
const EARLY_WARNINGS_SHOWN = 200;

/**
 * The emergency service's WarningService, IncidentService and EarlyWarningService (one gRPC port) called with the
 * user's own staff token, so its role checks decide; its refusals reach the browser as they are (upstream-error.ts).
 */
export function createEmergencyDesks(options: { grpcAddress: string; tokens: UserTokens; deadlineMs?: number }): { warnings: WarningDesk; incidents: IncidentDesk; earlyWarnings: EarlyWarningDesk; close(): void } {
  const clientOptions = { deadlineMs: options.deadlineMs ?? 5_000 };
  const warningClient = createGrpcClient(WarningServiceClient, options.grpcAddress, clientOptions);
  const incidentClient = createGrpcClient(IncidentServiceClient, options.grpcAddress, clientOptions);
  const earlyClient = createGrpcClient(EarlyWarningServiceClient, options.grpcAddress, clientOptions);
  const call = async <Response>(user: StaffUser, invoke: (metadata: Metadata, callback: Callback<Response>) => unknown): Promise<Response> => {
    const metadata = await options.tokens.metadataFor(user);
    return new Promise<Response>((resolve, reject) => invoke(metadata, (error, response) => (error ? reject(upstreamError(error)) : resolve(response))));
  };
  const warningOf = (answer: { warning?: Parameters<typeof warningView>[0] | undefined }, warningId: string): WarningView => {
    if (!answer.warning) throw notFound('warning', warningId);
    return warningView(answer.warning);
  };
  const incidentOf = (answer: { incident?: Incident | undefined }, incidentId: string) => {
    if (!answer.incident) throw notFound('incident', incidentId);
    return incidentView(answer.incident);
  };

  const warnings: WarningDesk = {
    list: async (user) => {
      const answer = await call<ListWarningsResponse>(user, (metadata, callback) => warningClient.listWarnings(ListWarningsRequest.fromPartial({ pageSize: WARNINGS_SHOWN }), metadata, callback));
      return answer.warnings.map(warningView);
    },
    get: async (user, warningId) => warningOf(await call<GetWarningResponse>(user, (metadata, callback) => warningClient.getWarning(GetWarningRequest.fromPartial({ warningId }), metadata, callback)), warningId),
    obligations: async (user, warningId) => {
      const answer = await call<ListObligationsResponse>(user, (metadata, callback) => warningClient.listObligations(ListObligationsRequest.fromPartial({ warningId }), metadata, callback));
      return answer.obligations.map(obligationView);
    },
    evaluation: async (user, warningId) => {
      try {
        const answer = await call<GetEpisodeEvaluationResponse>(user, (metadata, callback) => warningClient.getEpisodeEvaluation(GetEpisodeEvaluationRequest.fromPartial({ warningId }), metadata, callback));
        return answer.evaluation ? evaluationView(answer.evaluation) : null;
      } catch (error) {
        // An episode is evaluated when it is lifted; before that the service has none to give.
        if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    },
    issue: async (user, request) => {
      const message = IssueWarningRequest.fromPartial({ level: warningLevelOf(request.level), startsAt: request.startsAt, reason: request.reason, ...(request.expectedEndAt ? { expectedEndAt: request.expectedEndAt } : {}) });
      return warningOf(await call<IssueWarningResponse>(user, (metadata, callback) => warningClient.issueWarning(message, metadata, callback)), '');
    },
    lift: async (user, warningId, reason) =>
      warningOf(await call<LiftWarningResponse>(user, (metadata, callback) => warningClient.liftWarning(LiftWarningRequest.fromPartial({ warningId, reason }), metadata, callback)), warningId),
  };

  const incidents: IncidentDesk = {
    list: async (user, filter) => {
      const request = ListIncidentsRequest.fromPartial({ statuses: (filter.statuses ?? []).map(incidentStatusOf), includeDrills: filter.includeDrills ?? false, limit: filter.limit ?? 200 });
      const answer = await call<ListIncidentsResponse>(user, (metadata, callback) => incidentClient.listIncidents(request, metadata, callback));
      return answer.incidents.map(incidentView);
    },
    get: async (user, incidentId) => incidentOf(await call<GetIncidentResponse>(user, (metadata, callback) => incidentClient.getIncident(GetIncidentRequest.fromPartial({ incidentId }), metadata, callback)), incidentId),
    timeline: async (user, incidentId) => {
      const answer = await call<GetTimelineResponse>(user, (metadata, callback) => incidentClient.getTimeline(GetTimelineRequest.fromPartial({ incidentId }), metadata, callback));
      return answer.entries.map(timelineEntryView);
    },
    verifyTimeline: async (user, incidentId) => {
      const answer = await call<VerifyTimelineResponse>(user, (metadata, callback) => incidentClient.verifyTimeline(VerifyTimelineRequest.fromPartial({ incidentId }), metadata, callback));
      return { intact: answer.intact, entries: answer.entries, brokenSequence: answer.intact ? null : Number(answer.brokenSequence), reason: answer.reason };
    },
    plans: async (user) => {
      const answer = await call<ListPlansResponse>(user, (metadata, callback) => incidentClient.listPlans(ListPlansRequest.fromPartial({}), metadata, callback));
      return answer.plans.map(planView);
    },
    act: async (user, request) => {
      const { incidentId } = request;
      switch (request.action) {
        case 'declare': {
          const message = DeclareIncidentRequest.fromPartial({ incidentId, expectedVersion: request.expectedVersion ?? 0, ...(request.level ? { level: LEVELS[request.level] } : {}) });
          return incidentOf(await call<DeclareIncidentResponse>(user, (metadata, callback) => incidentClient.declareIncident(message, metadata, callback)), incidentId);
        }
        case 'dismiss':
          return incidentOf(await call<DismissIncidentResponse>(user, (metadata, callback) => incidentClient.dismissIncident(DismissIncidentRequest.fromPartial({ incidentId, reason: request.note ?? '' }), metadata, callback)), incidentId);
        case 'activate_plan':
          return incidentOf(await call<ActivatePlanResponse>(user, (metadata, callback) => incidentClient.activatePlan(ActivatePlanRequest.fromPartial({ incidentId }), metadata, callback)), incidentId);
        case 'close':
          return incidentOf(await call<CloseIncidentResponse>(user, (metadata, callback) => incidentClient.closeIncident(CloseIncidentRequest.fromPartial({ incidentId, note: request.note ?? '' }), metadata, callback)), incidentId);
      }
    },
  };

  const earlyWarnings: EarlyWarningDesk = {
    list: async (user, { activeOnly }) => {
      const answer = await call<ListEarlyWarningsResponse>(user, (metadata, callback) => earlyClient.listEarlyWarnings(ListEarlyWarningsRequest.fromPartial({ activeOnly, pageSize: EARLY_WARNINGS_SHOWN }), metadata, callback));
      return answer.warnings.map((warning): EarlyWarningView => earlyWarningView(warning));
    },
  };

  return {
    warnings,
    incidents,
    earlyWarnings,
    close: () => {
      warningClient.close();
      incidentClient.close();
      earlyClient.close();
    },
  };
}
