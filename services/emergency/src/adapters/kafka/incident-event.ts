import { TOPICS } from '@ecogrid/kafka';
import type { OutboxEvent } from '@ecogrid/outbox';
import { EmergencyCaseKind, EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { Incident as IncidentMessage, IncidentKind, IncidentLevel, IncidentStatus, ImpactAnalysis as AnalysisMessage, TimelineEntry as TimelineMessage } from '@ecogrid/proto/emergency/v1/incidents';
import { canonicalJson } from '@ecogrid/hash-chain';
import type { ImpactAnalysis } from '../../domain/incidents/impact-analysis';
import type { Incident, IncidentKind as Kind, IncidentLevel as Level, IncidentStatus as Status } from '../../domain/incidents/incident';
import type { Plan } from '../../domain/incidents/plan';
import type { TimelineEntry } from '../../domain/incidents/timeline';
import type { IncidentEvent } from '../../app/incidents';

export const KIND_TO_WIRE: Record<Kind, IncidentKind> = {
  water_source: IncidentKind.INCIDENT_KIND_WATER_SOURCE,
  river_section: IncidentKind.INCIDENT_KIND_RIVER_SECTION,
  toxic_gas: IncidentKind.INCIDENT_KIND_TOXIC_GAS,
  other: IncidentKind.INCIDENT_KIND_OTHER,
};
export const LEVEL_TO_WIRE: Record<Level, IncidentLevel> = {
  I: IncidentLevel.INCIDENT_LEVEL_I,
  II: IncidentLevel.INCIDENT_LEVEL_II,
  III: IncidentLevel.INCIDENT_LEVEL_III,
  IV: IncidentLevel.INCIDENT_LEVEL_IV,
};
export const STATUS_TO_WIRE: Record<Status, IncidentStatus> = {
  proposed: IncidentStatus.INCIDENT_STATUS_PROPOSED,
  declared: IncidentStatus.INCIDENT_STATUS_DECLARED,
  responding: IncidentStatus.INCIDENT_STATUS_RESPONDING,
  closed: IncidentStatus.INCIDENT_STATUS_CLOSED,
  dismissed: IncidentStatus.INCIDENT_STATUS_DISMISSED,
};
const reverse = <K extends string, V extends number>(map: Record<K, V>): Map<V, K> => new Map(Object.entries(map).map(([key, value]) => [value as V, key as K]));
export const KIND_FROM_WIRE = reverse(KIND_TO_WIRE);
export const LEVEL_FROM_WIRE = reverse(LEVEL_TO_WIRE);
export const STATUS_FROM_WIRE = reverse(STATUS_TO_WIRE);

export function analysisMessage(analysis: ImpactAnalysis, plan: Pick<Plan, 'id' | 'version' | 'name'> | null): AnalysisMessage {
  const zone = analysis.zone;
  return AnalysisMessage.fromPartial({
    zone:
      zone.shape === 'circle'
        ? { radiusM: zone.radiusM }
        : { radiusM: zone.radiusM, riverId: zone.river.id, riverName: zone.river.name, downstreamM: zone.downstreamM, corridorM: zone.corridorM, path: zone.path.map(([lon, lat]) => ({ lon, lat })) },
    affectedTargets: analysis.affectedTargets.map((target) => ({ targetId: target.targetId, name: target.name, kind: target.kind, distanceM: target.distanceM, downstreamM: target.downstreamM })),
    nearestResources: analysis.nearestResources.map((resource) => ({ ...resource, attributes: { ...resource.attributes } })),
    // The plan activated, else the one that applies.
    planId: plan?.id ?? analysis.plan?.id ?? '',
    planVersion: plan?.version ?? analysis.plan?.version ?? 0,
    planName: plan?.name || analysis.plan?.name || '',
    computedAt: analysis.computedAt,
    roadFactor: analysis.roadFactor,
  });
}

export function incidentMessage(incident: Incident, analysis: ImpactAnalysis | null, plan: Pick<Plan, 'id' | 'version' | 'name'> | null): IncidentMessage {
  return IncidentMessage.fromPartial({
    id: incident.id,
    status: STATUS_TO_WIRE[incident.status],
    kind: KIND_TO_WIRE[incident.kind],
    level: LEVEL_TO_WIRE[incident.level],
    title: incident.title,
    location: { lon: incident.lon, lat: incident.lat },
    cellId: incident.cellId,
    townshipCode: incident.townshipCode,
    stationMns: incident.stationMns,
    alertId: incident.alertId,
    drill: incident.drill,
    ...(analysis ? { analysis: analysisMessage(analysis, plan) } : {}),
    ...(incident.proposedAt ? { proposedAt: incident.proposedAt } : {}),
    ...(incident.declaredAt ? { declaredAt: incident.declaredAt } : {}),
    ...(incident.planActivatedAt ? { planActivatedAt: incident.planActivatedAt } : {}),
    ...(incident.closedAt ? { closedAt: incident.closedAt } : {}),
    ...(incident.recoveredSince ? { recoveredSince: incident.recoveredSince } : {}),
    declaredBy: incident.declaredBy,
    version: incident.version,
    factorCode: incident.factorCode,
    summary: incident.summary,
  });
}

export function timelineMessage(entry: TimelineEntry): TimelineMessage {
  return TimelineMessage.fromPartial({
    incidentId: entry.incidentId,
    sequence: entry.sequence,
    step: entry.step,
    actor: entry.actor,
    occurredAt: entry.occurredAt,
    detailsJson: canonicalJson(entry.details),
    previousHash: entry.previousHash,
    hash: entry.hash,
  });
}

/**
 * An incident event as an outbox row of ecogrid.emergency.v1, keyed by the incident id (its events stay in order).
 * Ids are natural: a timeline row's, an incident change's by the row it follows, a case request's by its request id.
 */
export function encodeIncidentEvent(topic: string, event: IncidentEvent): OutboxEvent {
  const base = { topic, type: TOPICS.emergency.payload };
  switch (event.kind) {
    case 'incident_changed': {
      const message = EmergencyEvent.fromPartial({
        drill: event.incident.drill,
        occurredAt: event.at,
        event: { $case: 'incidentChanged', value: { incident: incidentMessage(event.incident, event.analysis, event.plan), step: event.step } },
      });
      return { ...base, key: event.incident.id, id: `${event.incident.id}:changed:${event.timelineSequence}`, time: event.at, payload: EmergencyEvent.encode(message).finish() };
    }
    case 'timeline_appended': {
      const message = EmergencyEvent.fromPartial({ drill: event.drill, occurredAt: event.entry.occurredAt, event: { $case: 'timelineAppended', value: { entry: timelineMessage(event.entry) } } });
      return { ...base, key: event.entry.incidentId, id: `${event.entry.incidentId}:timeline:${event.entry.sequence}`, time: event.entry.occurredAt, payload: EmergencyEvent.encode(message).finish() };
    }
    case 'case_requested': {
      const request = event.request;
      const message = EmergencyEvent.fromPartial({
        drill: request.drill,
        occurredAt: event.at,
        event: {
          $case: 'caseRequested',
          value: {
            requestId: request.requestId,
            kind: EmergencyCaseKind.EMERGENCY_CASE_KIND_PLAN_TASK,
            sourceId: request.sourceId,
            title: request.title,
            description: request.description,
            cellId: request.cellId,
            townshipCode: request.townshipCode,
            lon: request.lon,
            lat: request.lat,
            assigneeOfficerId: request.assigneeOfficerId,
            department: request.department,
            deadline: request.deadline,
            priority: request.priority,
          },
        },
      });
      return { ...base, key: request.sourceId, id: `${request.requestId}:requested`, time: event.at, payload: EmergencyEvent.encode(message).finish() };
    }
  }
}
