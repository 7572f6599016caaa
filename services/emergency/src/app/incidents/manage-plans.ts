import { validatePlan, type Plan } from '../../domain/incidents/plan';
import type { Actor } from './actor';
import type { IncidentRuntime } from './runtime';

/** Stores a plan as its next version; activations keep the version they used. */
export function createUpsertPlan(runtime: IncidentRuntime) {
  return async (actor: Actor, draft: Omit<Plan, 'version' | 'createdAt' | 'createdBy'>): Promise<Plan> => {
    const now = runtime.clock.now();
    return runtime.store.transaction(async (tx) => {
      const latest = await tx.latestPlan(draft.id);
      const plan: Plan = { ...draft, version: (latest?.version ?? 0) + 1, createdAt: now, createdBy: actor.id };
      validatePlan(plan);
      await tx.insertPlan(plan);
      return plan;
    });
  };
}

export function createListPlans(runtime: IncidentRuntime) {
  return (): Promise<Plan[]> => runtime.store.latestPlans();
}

/** Stores the plans whose id is not stored yet (the demo's plans at start-up); a plan already there is left as it is. */
export function createSeedPlans(runtime: IncidentRuntime) {
  const upsert = createUpsertPlan(runtime);
  return async (drafts: ReadonlyArray<Omit<Plan, 'version' | 'createdAt' | 'createdBy'>>): Promise<string[]> => {
    const existing = new Set((await runtime.store.latestPlans()).map((plan) => plan.id));
    const seeded: string[] = [];
    for (const draft of drafts) {
      if (existing.has(draft.id)) continue;
      await upsert({ id: 'demo-seed', role: 'admin' }, draft);
      seeded.push(draft.id);
    }
    return seeded;
  };
}
