import type { Observation } from '../../domain/observation';
import type { ObservationMemory } from '../ports';

/** The memory for unit tests: same contract as the Redis adapter (see observation-memory.contract.ts). */
export function createInMemoryObservationMemory(): ObservationMemory & { latest(mn: string, command?: string): Record<string, string> } {
  const stored = new Set<string>();
  const latest = new Map<string, Record<string, string>>();
  return {
    known: async (ids) => ids.map((id) => stored.has(id)),
    remember: async (observations: readonly Observation[]) => {
      for (const observation of observations) {
        stored.add(observation.id);
        const key = `${observation.deviceMn}:${observation.command}`;
        const values = latest.get(key) ?? {};
        if (values._ms !== undefined && Number(values._ms) > observation.dataTime.getTime()) continue;
        values._ms = String(observation.dataTime.getTime());
        for (const measurement of observation.measurements) {
          values[`${measurement.factorCode}-${measurement.kind}`] = JSON.stringify({ value: measurement.value, flag: measurement.flag, at: observation.dataTime.toISOString() });
        }
        latest.set(key, values);
      }
    },
    latest: (mn, command = '2011') => {
      const { _ms: _hidden, ...values } = latest.get(`${mn}:${command}`) ?? {};
      return values;
    },
  };
}
