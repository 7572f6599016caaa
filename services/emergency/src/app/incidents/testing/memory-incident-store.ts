import type { Incident } from '../../../domain/incidents/incident';
import type { Plan, TaskCaseRequest } from '../../../domain/incidents/plan';
import type { TimelineEntry } from '../../../domain/incidents/timeline';
import type { IncidentEvent, IncidentFilter, IncidentStore, IncidentTransaction, StoredIncident, TaskCase } from '../ports';

interface State {
  incidents: Map<string, StoredIncident>;
  timelines: Map<string, TimelineEntry[]>;
  plans: Plan[];
  tasks: Map<string, TaskCase>;
  outbox: IncidentEvent[];
}

const clone = (state: State): State => ({
  incidents: new Map(state.incidents),
  timelines: new Map([...state.timelines].map(([id, entries]) => [id, [...entries]])),
  plans: [...state.plans],
  tasks: new Map(state.tasks),
  outbox: [...state.outbox],
});

function latestOf(plans: readonly Plan[]): Plan[] {
  const latest = new Map<string, Plan>();
  for (const plan of plans) if ((latest.get(plan.id)?.version ?? 0) < plan.version) latest.set(plan.id, plan);
  return [...latest.values()].sort((a, b) => a.id.localeCompare(b.id));
}

const OPEN = new Set(['proposed', 'declared', 'responding']);

/** The incident store in memory, for unit tests: transactions run one at a time and roll back on a throw. */
export function createMemoryIncidentStore(): IncidentStore & { outbox(): IncidentEvent[]; tamper(incidentId: string, sequence: number, change: Partial<TimelineEntry>): void } {
  let state: State = { incidents: new Map(), timelines: new Map(), plans: [], tasks: new Map(), outbox: [] };
  let queue: Promise<unknown> = Promise.resolve();

  function transactionOn(draft: State): IncidentTransaction {
    return {
      lockIncident: async (id) => draft.incidents.get(id),
      insertIncident: async (stored) => {
        if (draft.incidents.has(stored.incident.id)) return false;
        draft.incidents.set(stored.incident.id, stored);
        return true;
      },
      updateIncident: async (stored) => {
        draft.incidents.set(stored.incident.id, stored);
      },
      openIncidentForStation: async (mn) => [...draft.incidents.values()].map((stored) => stored.incident).find((incident) => OPEN.has(incident.status) && incident.stationMns.includes(mn)),
      lastTimelineLink: async (id) => {
        const last = draft.timelines.get(id)?.at(-1);
        return last ? { sequence: last.sequence, hash: last.hash } : undefined;
      },
      appendTimeline: async (entries) => {
        for (const entry of entries) {
          const list = draft.timelines.get(entry.incidentId) ?? [];
          if (list.some((existing) => existing.sequence === entry.sequence)) throw new Error(`timeline ${entry.incidentId} already has row ${entry.sequence}`);
          draft.timelines.set(entry.incidentId, [...list, entry]);
        }
      },
      queue: async (events) => {
        draft.outbox.push(...events);
      },
      latestPlan: async (id) => latestOf(draft.plans.filter((plan) => plan.id === id))[0],
      latestPlans: async () => latestOf(draft.plans),
      insertPlan: async (plan) => {
        if (draft.plans.some((existing) => existing.id === plan.id && existing.version === plan.version)) throw new Error(`plan ${plan.id}@${plan.version} exists`);
        draft.plans.push(plan);
      },
      insertTaskRequests: async (requests: readonly TaskCaseRequest[]) => {
        for (const request of requests) {
          if (!draft.tasks.has(request.requestId)) draft.tasks.set(request.requestId, { requestId: request.requestId, incidentId: request.sourceId, taskId: request.taskId, caseId: '', status: 'requested' });
        }
      },
      lockTask: async (requestId) => draft.tasks.get(requestId),
      updateTask: async (task) => {
        draft.tasks.set(task.requestId, task);
      },
    };
  }

  return {
    transaction<T>(work: (tx: IncidentTransaction) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        const draft = clone(state);
        const result = await work(transactionOn(draft));
        state = draft;
        return result;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    get: async (id) => state.incidents.get(id),
    list: async (filter: IncidentFilter) =>
      [...state.incidents.values()]
        .filter((stored) => (filter.statuses.length === 0 || filter.statuses.includes(stored.incident.status)) && (filter.includeDrills || !stored.incident.drill))
        .sort((a, b) => b.incident.id.localeCompare(a.incident.id))
        .slice(0, filter.limit),
    timeline: async (id) => [...(state.timelines.get(id) ?? [])],
    latestPlans: async () => latestOf(state.plans),
    openWithStations: async (): Promise<Incident[]> => [...state.incidents.values()].map((stored) => stored.incident).filter((incident) => OPEN.has(incident.status) && incident.stationMns.length > 0),
    outbox: () => [...state.outbox],
    tamper: (incidentId, sequence, change) => {
      state.timelines.set(incidentId, (state.timelines.get(incidentId) ?? []).map((entry) => (entry.sequence === sequence ? { ...entry, ...change } : entry)));
    },
  };
}
