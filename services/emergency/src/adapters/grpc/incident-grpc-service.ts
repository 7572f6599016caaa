import type { ServerUnaryCall } from '@grpc/grpc-js';
import { DomainError, invalidArgument } from '@ecogrid/domain-errors';
import { principalOf, unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import {
  IncidentServiceService,
  IncidentStatus,
  Plan as PlanMessage,
  type IncidentServiceServer,
} from '@ecogrid/proto/emergency/v1/incidents';
import type { Logger } from '@ecogrid/telemetry';
import type { IncidentLevel, IncidentStatus as Status } from '../../domain/incidents/incident';
import type { Plan, TaskPriority } from '../../domain/incidents/plan';
import type { Actor, IncidentsApp, StoredIncident } from '../../app/incidents';
import { incidentMessage, KIND_FROM_WIRE, KIND_TO_WIRE, LEVEL_FROM_WIRE, LEVEL_TO_WIRE, STATUS_FROM_WIRE, timelineMessage } from '../kafka/incident-event';

const actorOf = (call: ServerUnaryCall<unknown, unknown>): Actor => {
  const principal = principalOf(call);
  if (!principal) throw new DomainError('UNAUTHENTICATED', 'a staff token is required', { reason: 'no_principal' });
  return { id: principal.subject, role: principal.role };
};

const requireId = (value: string, field: string): string => {
  const id = value.trim();
  if (!id) throw invalidArgument(field, `${field} is required`, 'missing_id');
  return id;
};

const message = ({ incident, analysis }: StoredIncident) =>
  incidentMessage(incident, analysis, incident.planId ? { id: incident.planId, version: incident.planVersion, name: '' } : null);

function planMessage(plan: Plan): PlanMessage {
  return PlanMessage.fromPartial({
    id: plan.id,
    version: plan.version,
    name: plan.name,
    triggerKind: KIND_TO_WIRE[plan.triggerKind],
    triggerLevels: plan.triggerLevels.map((level) => LEVEL_TO_WIRE[level]),
    targetId: plan.targetId,
    tasks: plan.tasks.map((task) => ({ ...task })),
    createdAt: plan.createdAt,
    createdBy: plan.createdBy,
  });
}

/** IncidentService over the incident use cases: maps the wire to the app's inputs and back, nothing else. */
export function incidentGrpcService(app: IncidentsApp, logger: Logger): GrpcServiceBinding {
  const log = logger.child({ module: 'grpc-incidents' });
  const implementation: IncidentServiceServer = {
    declareIncident: unaryHandler('DeclareIncident', log, async (request, call) => {
      const level = request.level ? LEVEL_FROM_WIRE.get(request.level) : undefined;
      if (request.level && !level) throw invalidArgument('level', 'unknown level', 'bad_level');
      const stored = await app.declareIncident(actorOf(call), {
        incidentId: request.incidentId.trim(),
        level,
        kind: request.kind ? KIND_FROM_WIRE.get(request.kind) : undefined,
        title: request.title,
        lon: request.location?.lon,
        lat: request.location?.lat,
        stationMns: request.stationMns,
        radiusM: request.radiusM,
        drill: request.drill,
        expectedVersion: request.expectedVersion,
      });
      return { incident: message(stored) };
    }),
    dismissIncident: unaryHandler('DismissIncident', log, async (request, call) => ({
      incident: message(await app.dismissIncident(actorOf(call), requireId(request.incidentId, 'incident_id'), request.reason)),
    })),
    getIncident: unaryHandler('GetIncident', log, async (request) => ({ incident: message(await app.getIncident(requireId(request.incidentId, 'incident_id'))) })),
    listIncidents: unaryHandler('ListIncidents', log, async (request) => {
      const statuses = request.statuses.filter((status) => status !== IncidentStatus.INCIDENT_STATUS_UNSPECIFIED).map((status) => STATUS_FROM_WIRE.get(status)).filter((status): status is Status => status !== undefined);
      const stored = await app.listIncidents({ statuses, includeDrills: request.includeDrills, limit: request.limit });
      return { incidents: stored.map(message) };
    }),
    activatePlan: unaryHandler('ActivatePlan', log, async (request, call) => {
      const result = await app.activatePlan(actorOf(call), requireId(request.incidentId, 'incident_id'), request.planId.trim());
      return { incident: message(result.stored), requestIds: result.requestIds };
    }),
    closeIncident: unaryHandler('CloseIncident', log, async (request, call) => ({
      incident: message(await app.closeIncident(actorOf(call), requireId(request.incidentId, 'incident_id'), request.note)),
    })),
    getTimeline: unaryHandler('GetTimeline', log, async (request) => ({ entries: (await app.getTimeline(requireId(request.incidentId, 'incident_id'))).map(timelineMessage) })),
    verifyTimeline: unaryHandler('VerifyTimeline', log, async (request) => {
      const verdict = await app.verifyTimeline(requireId(request.incidentId, 'incident_id'));
      return { intact: verdict.intact, entries: verdict.entries, brokenSequence: verdict.brokenSequence, reason: verdict.reason };
    }),
    getDrillReport: unaryHandler('GetDrillReport', log, async (request) => {
      const report = await app.getDrillReport(requireId(request.incidentId, 'incident_id'));
      return {
        incidentId: report.incidentId,
        summary: report.summary,
        steps: report.steps.map((step) => ({ step: step.step, taskId: step.taskId, title: step.title, secondsFromDeclared: step.secondsFromDeclared ?? -1, ...(step.at ? { at: step.at } : {}) })),
      };
    }),
    upsertPlan: unaryHandler('UpsertPlan', log, async (request, call) => {
      const plan = request.plan;
      if (!plan) throw invalidArgument('plan', 'plan is required', 'missing_plan');
      const triggerKind = KIND_FROM_WIRE.get(plan.triggerKind);
      if (!triggerKind) throw invalidArgument('plan.trigger_kind', 'trigger kind is required', 'bad_kind');
      const triggerLevels = plan.triggerLevels.map((level, index) => {
        const name = LEVEL_FROM_WIRE.get(level);
        if (!name) throw invalidArgument(`plan.trigger_levels[${index}]`, 'unknown level', 'bad_level');
        return name;
      }) satisfies IncidentLevel[];
      const stored = await app.upsertPlan(actorOf(call), {
        id: plan.id.trim(),
        name: plan.name,
        triggerKind,
        triggerLevels,
        targetId: plan.targetId.trim(),
        tasks: plan.tasks.map((task) => ({
          taskId: task.taskId.trim(),
          department: task.department,
          officerId: task.officerId.trim(),
          title: task.title,
          description: task.description,
          deadlineMinutes: task.deadlineMinutes,
          priority: (task.priority || 'normal') as TaskPriority,
        })),
      });
      return { plan: planMessage(stored) };
    }),
    listPlans: unaryHandler('ListPlans', log, async () => ({ plans: (await app.listPlans()).map(planMessage) })),
  };
  return { definition: IncidentServiceService, name: 'ecogrid.emergency.v1.IncidentService', implementation };
}
