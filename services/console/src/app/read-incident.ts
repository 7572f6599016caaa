import { allowedIncidentActions, type IncidentAction } from '../domain/emergency-actions';
import type { AffectedTargetView, IncidentView, NearbyResourceView, PlanTaskView, TimelineCheck, TimelineEntryView } from '../domain/emergency-view';
import { byDistance, incidentTasks, type IncidentTask } from '../domain/incident-tasks';
import type { StaffUser } from '../domain/staff-user';
import type { IncidentDesk } from './ports';

export interface IncidentPage {
  incident: IncidentView;
  /** Sensitive targets in the impact zone, nearest first. */
  affectedTargets: AffectedTargetView[];
  /** Emergency resources, nearest by travel distance first. */
  nearestResources: NearbyResourceView[];
  /** The applicable plan's tasks (before activation: what it would ask for). */
  planTasks: PlanTaskView[];
  /** The tasks requested on activation and their cases at dispatch. */
  tasks: IncidentTask[];
  timeline: TimelineEntryView[];
  timelineCheck: TimelineCheck;
  allowedActions: IncidentAction[];
}

/** An incident as its page shows it: impact, plan, tasks and cases, the timeline and whether its chain holds, and what this user may do. */
export function createReadIncident(incidents: IncidentDesk) {
  return async function readIncident(user: StaffUser, incidentId: string): Promise<IncidentPage> {
    const [incident, timeline, timelineCheck, plans] = await Promise.all([
      incidents.get(user, incidentId),
      incidents.timeline(user, incidentId),
      incidents.verifyTimeline(user, incidentId),
      incidents.plans(user),
    ]);
    const analysis = incident.analysis;
    const plan = analysis ? plans.find((candidate) => candidate.id === analysis.planId && candidate.version === analysis.planVersion) : undefined;
    return {
      incident,
      affectedTargets: byDistance(analysis?.affectedTargets ?? []),
      nearestResources: byDistance(analysis?.nearestResources ?? [], (resource) => resource.travelM),
      planTasks: plan?.tasks ?? [],
      tasks: incidentTasks(timeline),
      timeline: [...timeline].sort((a, b) => a.sequence - b.sequence),
      timelineCheck,
      allowedActions: allowedIncidentActions(user, { status: incident.status, planId: analysis?.planId ?? '' }),
    };
  };
}
