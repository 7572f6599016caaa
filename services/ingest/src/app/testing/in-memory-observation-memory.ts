import type { Observation } from '../../domain/observation';
import type { ObservationMemory } from '../ports';

/** The memory for unit tests: same contract as the Redis adapter (see observation-memory.contract.ts). */
export function createInMemoryObservationMemory(): ObservationMemory & { latest(mn: string): Record<string, string> } {
  const stored = new Set<string>();
  const latest = new Map<string, Record<string, string>>();
  return {
    known: async (ids) => ids.map((id) => stored.has(id)),
    remember: async (observations: readonly Observation[]) => {
      for (const observation of observations) {
        stored.add(observation.id);
        const values = latest.get(observation.deviceMn) ?? {};
        for (const measurement of observation.measurements) {
          const field = `${measurement.factorCode}-${measurement.kind}`;
          const current = values[field];
          if (current !== undefined && Date.parse((JSON.parse(current) as { at: string }).at) > observation.dataTime.getTime()) continue;
          values[field] = JSON.stringify({ value: measurement.value, flag: measurement.flag, at: observation.dataTime.toISOString() });
        }
        latest.set(observation.deviceMn, values);
      }
    },
    latest: (mn) => latest.get(mn) ?? {},
  };
}
