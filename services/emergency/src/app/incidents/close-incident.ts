import { notFound } from '@ecogrid/domain-errors';
import { close } from '../../domain/incidents/incident';
import type { Actor } from './actor';
import type { StoredIncident } from './ports';
import { recordSteps } from './record-steps';
import type { IncidentRuntime } from './runtime';

/** Closes an incident once its stations have held under their limits for the configured time (refused before). */
export function createCloseIncident(runtime: IncidentRuntime) {
  return async (actor: Actor, incidentId: string, note: string): Promise<StoredIncident> => {
    const now = runtime.clock.now();
    return runtime.store.transaction(async (tx) => {
      const current = await tx.lockIncident(incidentId);
      if (!current) throw notFound('incident', incidentId);
      const stored = { ...current, incident: close(current.incident, now, runtime.settings.recoveryHoldMs) };
      await tx.updateIncident(stored);
      const recoveredSince = current.incident.recoveredSince?.toISOString() ?? null;
      await recordSteps(tx, runtime, stored, [{ step: 'closed', actor: actor.id, details: { note: note.trim().slice(0, 500), recoveredSince } }], now);
      return stored;
    });
  };
}
