import type { Observation } from '../domain/observation';
import type { IngestCounters, ObservationMemory, ObservationSink } from './ports';

export interface StoreObservationsDeps {
  sink: ObservationSink;
  memory: ObservationMemory;
  counters: IngestCounters;
}

/**
 * Stores observations exactly as far as the device can tell: an observation already stored is not
 * published again (the device re-sent it after losing our reply) but is still answered as stored; a new
 * one is answered only after Kafka acknowledged it. The memory is marked only after the acknowledgement,
 * so a failed publish can never make a later re-send look like a duplicate. A re-send of an observation still
 * on its way to Kafka (the broker is slow or away, and the device's reply timer ran out) joins that publish
 * instead of queueing a second copy: both are answered when it is acknowledged, and both fail if it fails.
 */
export function createStoreObservations(deps: StoreObservationsDeps) {
  /** Observations handed to the sink and not yet acknowledged (and remembered), by id. */
  const publishing = new Map<string, Promise<void>>();
  const known = async (ids: string[]): Promise<boolean[]> => {
    try {
      return await deps.memory.known(ids);
    } catch {
      deps.counters.memoryUnavailable();
      return ids.map(() => false);
    }
  };

  return async function storeObservations(observations: Observation[]): Promise<{ duplicate: boolean[] }> {
    if (observations.length === 0) return { duplicate: [] };
    // Taken before the memory is asked: a publish acknowledged while the lookup is under way leaves `publishing`
    // before its mark reaches the memory the lookup reads, and would otherwise be found in neither.
    const ids: string[] = [];
    const inFlight: Array<Promise<void> | undefined> = [];
    for (const observation of observations) {
      ids.push(observation.id);
      inFlight.push(publishing.get(observation.id));
    }
    const duplicate = await known(ids);
    // A batch may carry the same observation twice (a gateway re-sending within one stream): store it once.
    const inBatch = new Set<string>();
    observations.forEach((observation, index) => {
      if (inBatch.has(observation.id)) duplicate[index] = true;
      inBatch.add(observation.id);
    });
    const joined: Array<Promise<void>> = [];
    observations.forEach((observation, index) => {
      const pending = duplicate[index] ? undefined : (publishing.get(observation.id) ?? inFlight[index]);
      if (pending) {
        joined.push(pending);
        duplicate[index] = true;
      }
    });
    const fresh = observations.filter((_, index) => !duplicate[index]);
    for (let index = 0; index < observations.length; index += 1) {
      const observation = observations[index];
      if (duplicate[index] && observation) deps.counters.duplicate(observation.source);
    }
    if (fresh.length > 0) {
      const recorded = deps.sink.record(fresh);
      for (const observation of fresh) publishing.set(observation.id, recorded);
      try {
        await recorded;
        // Remembered before they leave `publishing`: no moment in which a re-send finds neither.
        deps.memory.remember(fresh).catch(() => deps.counters.memoryUnavailable());
      } finally {
        for (const observation of fresh) if (publishing.get(observation.id) === recorded) publishing.delete(observation.id);
      }
    }
    if (joined.length > 0) await Promise.all(joined);
    return { duplicate };
  };
}

export type StoreObservations = ReturnType<typeof createStoreObservations>;
