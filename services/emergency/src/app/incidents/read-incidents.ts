import { notFound } from '@ecogrid/domain-errors';
import { drillReport, type DrillReport } from '../../domain/incidents/drill-report';
import type { IncidentStatus } from '../../domain/incidents/incident';
import { verifyTimeline, type TimelineEntry } from '../../domain/incidents/timeline';
import type { StoredIncident } from './ports';
import type { IncidentRuntime } from './runtime';

export interface TimelineVerdict {
  intact: boolean;
  entries: number;
  /** The first row that does not hold (0 when intact). */
  brokenSequence: number;
  reason: string;
}

export function createGetIncident(runtime: IncidentRuntime) {
  return async (incidentId: string): Promise<StoredIncident> => {
    const stored = await runtime.store.get(incidentId);
    if (!stored) throw notFound('incident', incidentId);
    return stored;
  };
}

export function createListIncidents(runtime: IncidentRuntime) {
  return (filter: { statuses: readonly IncidentStatus[]; includeDrills: boolean; limit: number }): Promise<StoredIncident[]> =>
    runtime.store.list({ ...filter, limit: Math.min(Math.max(filter.limit || 100, 1), 500) });
}

async function timelineOf(runtime: IncidentRuntime, incidentId: string): Promise<TimelineEntry[]> {
  if (!(await runtime.store.get(incidentId))) throw notFound('incident', incidentId);
  return runtime.store.timeline(incidentId);
}

export function createGetTimeline(runtime: IncidentRuntime) {
  return (incidentId: string): Promise<TimelineEntry[]> => timelineOf(runtime, incidentId);
}

/** Recomputes the chain from the stored rows and names the first one that no longer holds. */
export function createVerifyTimeline(runtime: IncidentRuntime) {
  return async (incidentId: string): Promise<TimelineVerdict> => {
    const entries = await timelineOf(runtime, incidentId);
    const verdict = verifyTimeline(entries, [runtime.settings.chainKey, ...runtime.settings.retiredChainKeys]);
    return { intact: verdict.intact, entries: verdict.entries, brokenSequence: verdict.firstBroken?.sequence ?? 0, reason: verdict.firstBroken?.reason ?? '' };
  };
}

export function createGetDrillReport(runtime: IncidentRuntime) {
  return async (incidentId: string): Promise<DrillReport> => drillReport(incidentId, await timelineOf(runtime, incidentId));
}
