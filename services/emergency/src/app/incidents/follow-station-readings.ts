import { isOpen } from '../../domain/incidents/incident';
import { observeReading, recoveredSince, type RecoveryState, type StationReading } from '../../domain/incidents/recovery';
import { recordSteps } from './record-steps';
import type { IncidentRuntime } from './runtime';

export interface FollowReadingsOptions {
  /** How often the list of stations to watch is read again from the store (other instances open incidents too). */
  refreshMs: number;
  /** Monotonic milliseconds, for the refresh interval only. */
  monotonicMs?: () => number;
}

/**
 * Watches the readings of open incidents' stations (ecogrid.readings.v1) against their registry limits: when every
 * station of an incident is back under its limits the incident records `readings_recovered` (with the data time the
 * run began), and `readings_exceeded` if one goes above again — the closing rule reads `recoveredSince`. Readings of
 * other devices cost a map lookup. After a restart a station's run starts again from the stored `recoveredSince`.
 */
export function createFollowStationReadings(runtime: IncidentRuntime, options: FollowReadingsOptions) {
  const monotonic = options.monotonicMs ?? (() => performance.now());
  let state: RecoveryState = {};
  let watched = new Map<string, string[]>();
  let loadedAt = -Infinity;

  async function refresh(): Promise<void> {
    const open = await runtime.store.openWithStations();
    const next = new Map<string, string[]>();
    const seeded: Record<string, RecoveryState[string]> = {};
    for (const incident of open) {
      for (const mn of incident.stationMns) {
        next.set(mn, [...(next.get(mn) ?? []), incident.id]);
        if (!state[mn] && incident.recoveredSince) seeded[mn] = { lastAt: incident.recoveredSince, above: false, underSince: incident.recoveredSince };
      }
    }
    state = { ...seeded, ...state };
    watched = next;
    loadedAt = monotonic();
  }

  async function handle(readings: readonly StationReading[]): Promise<number> {
    if (monotonic() - loadedAt >= options.refreshMs) await refresh();
    const incidents = new Set<string>();
    for (const reading of readings) {
      const ids = watched.get(reading.mn);
      if (!ids) continue;
      state = observeReading(state, reading, runtime.sites.stationLimits(reading.mn));
      for (const id of ids) incidents.add(id);
    }
    let changed = 0;
    for (const id of incidents) {
      const now = runtime.clock.now();
      const recorded = await runtime.store.transaction(async (tx) => {
        const current = await tx.lockIncident(id);
        if (!current || !isOpen(current.incident)) return false;
        const since = recoveredSince(state, current.incident.stationMns);
        if ((since?.getTime() ?? null) === (current.incident.recoveredSince?.getTime() ?? null)) return false;
        const stored = { ...current, incident: { ...current.incident, recoveredSince: since, version: current.incident.version + 1 } };
        await tx.updateIncident(stored);
        const step = since ? ('readings_recovered' as const) : ('readings_exceeded' as const);
        const stations = Object.fromEntries(current.incident.stationMns.map((mn) => [mn, state[mn]?.lastAt.toISOString() ?? null]));
        await recordSteps(tx, runtime, stored, [{ step, actor: 'platform', details: { since: since?.toISOString() ?? null, lastReadings: stations } }], now);
        return true;
      });
      if (recorded) changed += 1;
    }
    return changed;
  }

  return {
    handle,
    /** Reads the watch list again at the next batch (after this instance opened or closed an incident). */
    invalidate(): void {
      loadedAt = -Infinity;
    },
  };
}
