import { invalidArgument, notFound } from '@ecogrid/domain-errors';
import { dismiss } from '../../domain/incidents/incident';
import type { Actor } from './actor';
import type { StoredIncident } from './ports';
import { recordSteps } from './record-steps';
import type { IncidentRuntime } from './runtime';

/** A dispatcher sets a proposal aside as a false alarm, saying why. */
export function createDismissIncident(runtime: IncidentRuntime) {
  return async (actor: Actor, incidentId: string, reason: string): Promise<StoredIncident> => {
    if (!reason.trim()) throw invalidArgument('reason', '请说明排除理由 (say why the proposal is set aside)', 'missing_reason');
    const now = runtime.clock.now();
    return runtime.store.transaction(async (tx) => {
      const current = await tx.lockIncident(incidentId);
      if (!current) throw notFound('incident', incidentId);
      const stored = { ...current, incident: dismiss(current.incident) };
      await tx.updateIncident(stored);
      await recordSteps(tx, runtime, stored, [{ step: 'dismissed', actor: actor.id, details: { reason: reason.trim().slice(0, 500) } }], now);
      return stored;
    });
  };
}
