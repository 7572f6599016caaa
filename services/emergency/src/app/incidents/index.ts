import { createActivatePlan } from './activate-plan';
import { createCloseIncident } from './close-incident';
import { createDeclareIncident } from './declare-incident';
import { createDismissIncident } from './dismiss-incident';
import { createFollowStationReadings } from './follow-station-readings';
import { createFollowTaskCase } from './follow-task-case';
import { createListPlans, createSeedPlans, createUpsertPlan } from './manage-plans';
import { createProposeIncident } from './propose-incident';
import { createGetDrillReport, createGetIncident, createGetTimeline, createListIncidents, createVerifyTimeline } from './read-incidents';
import type { IncidentRuntime } from './runtime';

/** Every incident use case over the same ports. Adapters see these and nothing else. */
export function createIncidentsApp(runtime: IncidentRuntime, options: { readingsRefreshMs: number }) {
  const readings = createFollowStationReadings(runtime, { refreshMs: options.readingsRefreshMs });
  const propose = createProposeIncident(runtime);
  const declare = createDeclareIncident(runtime);
  return {
    // A new incident's stations are watched from the next readings batch on.
    proposeIncident: async (...args: Parameters<typeof propose>) => {
      const outcome = await propose(...args);
      if (outcome === 'proposed') readings.invalidate();
      return outcome;
    },
    declareIncident: async (...args: Parameters<typeof declare>) => {
      const stored = await declare(...args);
      readings.invalidate();
      return stored;
    },
    dismissIncident: createDismissIncident(runtime),
    activatePlan: createActivatePlan(runtime),
    closeIncident: createCloseIncident(runtime),
    followTaskCase: createFollowTaskCase(runtime),
    followStationReadings: readings.handle,
    getIncident: createGetIncident(runtime),
    listIncidents: createListIncidents(runtime),
    getTimeline: createGetTimeline(runtime),
    verifyTimeline: createVerifyTimeline(runtime),
    getDrillReport: createGetDrillReport(runtime),
    upsertPlan: createUpsertPlan(runtime),
    listPlans: createListPlans(runtime),
    seedPlans: createSeedPlans(runtime),
  };
}

export type IncidentsApp = ReturnType<typeof createIncidentsApp>;
export type { IncidentRuntime } from './runtime';
export type { AlertInput, ProposeOutcome } from './propose-incident';
export type { TaskCaseInput } from './follow-task-case';
export type { DeclareIncidentInput } from './declare-incident';
export type { Actor } from './actor';
export type { IncidentEvent, IncidentFilter, IncidentSites, IncidentStore, IncidentTransaction, RiverCatalogue, StoredIncident, TaskCase, IncidentSettings } from './ports';
