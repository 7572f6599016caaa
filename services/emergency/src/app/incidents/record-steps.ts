import type { JsonObject } from '@ecogrid/hash-chain';
import { analyseImpact, type ImpactAnalysis } from '../../domain/incidents/impact-analysis';
import { impactZoneFor } from '../../domain/incidents/impact-zone';
import type { Incident } from '../../domain/incidents/incident';
import type { Plan } from '../../domain/incidents/plan';
import { riverAt } from '../../domain/incidents/station-classification';
import { sealTimelineEntry, type TimelineEntry, type TimelineStep } from '../../domain/incidents/timeline';
import type { IncidentEvent, IncidentTransaction, StoredIncident } from './ports';
import type { IncidentRuntime } from './runtime';

export interface StepRecord {
  step: TimelineStep;
  actor: string;
  details: JsonObject;
  /** Defaults to the transaction's time. */
  at?: Date;
}

/**
 * Appends the steps to the incident's timeline (each sealed onto the one before) and queues them, with the incident's
 * new state, on the emergency topic — all in the caller's transaction, so a step is stored and published or neither.
 */
export async function recordSteps(
  tx: IncidentTransaction,
  runtime: IncidentRuntime,
  stored: StoredIncident,
  steps: readonly StepRecord[],
  at: Date,
  plan: Pick<Plan, 'id' | 'version' | 'name'> | null = null,
): Promise<TimelineEntry[]> {
  let last = await tx.lastTimelineLink(stored.incident.id);
  const entries: TimelineEntry[] = [];
  for (const step of steps) {
    const entry = sealTimelineEntry({ incidentId: stored.incident.id, step: step.step, actor: step.actor, occurredAt: step.at ?? at, details: step.details }, last, runtime.settings.chainKey);
    entries.push(entry);
    last = entry;
  }
  await tx.appendTimeline(entries);
  const events: IncidentEvent[] = entries.map((entry) => ({ kind: 'timeline_appended', entry, drill: stored.incident.drill }));
  const lastEntry = entries.at(-1);
  if (lastEntry) events.push({ kind: 'incident_changed', incident: stored.incident, analysis: stored.analysis, plan, step: lastEntry.step, timelineSequence: lastEntry.sequence, at });
  await tx.queue(events);
  return entries;
}

/** The impact analysis with the plan that applies (from the newest plan versions). */
export function withPlan(analysis: ImpactAnalysis, plan: Pick<Plan, 'id' | 'version' | 'name'> | undefined): ImpactAnalysis {
  return { ...analysis, plan: plan ? { id: plan.id, version: plan.version, name: plan.name } : null };
}

/** The impact analysis of an incident now, from the registry held in memory. */
export function analyse(runtime: IncidentRuntime, incident: Incident, at: Date): ImpactAnalysis {
  const { settings, sites, rivers } = runtime;
  const river = riverAt(rivers.rivers(), incident.lon, incident.lat, settings.classification.riverReachM);
  const zone = impactZoneFor(incident.kind, incident.lon, incident.lat, river, settings.zone, incident.radiusM);
  return analyseImpact(zone, sites.sensitiveTargets(), sites.resources(), settings.analysis, at);
}

/** What the timeline keeps of an analysis: enough to see later what was known when (distances to the metre). */
export function analysisDetails(analysis: ImpactAnalysis, plan: Pick<Plan, 'id' | 'version'> | undefined): JsonObject {
  const zone = analysis.zone;
  return {
    zone:
      zone.shape === 'circle'
        ? { shape: 'circle', radiusM: Math.round(zone.radiusM) }
        : { shape: 'downstream', river: zone.river.id, downstreamM: Math.round(zone.downstreamM), corridorM: zone.corridorM, radiusM: Math.round(zone.radiusM) },
    affected: analysis.affectedTargets.map((target) => ({ id: target.targetId, distanceM: Math.round(target.distanceM) })),
    resources: analysis.nearestResources.map((resource) => ({ id: resource.targetId, travelM: Math.round(resource.travelM) })),
    plan: plan ? `${plan.id}@${plan.version}` : null,
  };
}
