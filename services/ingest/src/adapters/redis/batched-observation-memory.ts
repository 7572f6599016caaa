import type { Observation } from '../../domain/observation';
import type { ObservationMemory } from '../../app/ports';

export interface BatchedObservationMemoryOptions {
  /**
   * How long stored observations are gathered before one write marks them seen and updates the latest values.
   * 0 writes once per event-loop turn.
   */
  rememberFlushMs?: number;
  /** Gathered observations that force a write before the interval is up: bounds memory and the write's size. */
  maxGathered?: number;
}

export type BatchedObservationMemory<M extends ObservationMemory> = M & {
  /** Writes everything gathered now and waits for every write under way (shutdown). */
  flush(): Promise<void>;
};

/**
 * Coalesces memory calls. `known` calls of one event-loop turn (every frame decoded from one TCP read, every item
 * of every request handled meanwhile) share one round trip: it is on the device's critical path. `remember`
 * runs after Kafka acknowledged, off that path, so its calls are gathered for `rememberFlushMs`: one write then
 * carries the seen keys of all of them and only the newest values of each device, which spares Redis most of the
 * per-write work a write per turn would cost it (measured in BENCHMARKS.md). An id gathered but not yet written
 * counts as known, so a re-send inside the interval is still recognised.
 */
export function createBatchedObservationMemory<M extends ObservationMemory>(inner: M, options: BatchedObservationMemoryOptions = {}): BatchedObservationMemory<M> {
  const rememberFlushMs = options.rememberFlushMs ?? 0;
  const maxGathered = options.maxGathered ?? 5_000;
  let knownQueue: Array<{ ids: readonly string[]; resolve: (known: boolean[]) => void; reject: (error: unknown) => void }> = [];
  let rememberQueue: Array<{ observations: readonly Observation[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  let gathered = 0;
  /** Ids handed to `remember` whose write has not finished: known already, whatever Redis says. */
  const unwritten = new Map<string, number>();
  const writes = new Set<Promise<void>>();
  let knownScheduled = false;
  let rememberTimer: NodeJS.Timeout | undefined;
  let rememberImmediate: NodeJS.Immediate | undefined;

  const flushKnown = (): void => {
    knownScheduled = false;
    const batch = knownQueue;
    knownQueue = [];
    const ids = batch.flatMap((entry) => entry.ids);
    // Taken when the read is sent: a write sent before it on the same connection is applied before it.
    const pending = ids.map((id) => unwritten.has(id));
    inner.known(ids).then(
      (known) => {
        let offset = 0;
        for (const entry of batch) {
          const answers = known.slice(offset, offset + entry.ids.length);
          for (let index = 0; index < answers.length; index += 1) if (pending[offset + index]) answers[index] = true;
          entry.resolve(answers);
          offset += entry.ids.length;
        }
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  };

  const forget = (observations: readonly Observation[]): void => {
    for (const observation of observations) {
      const count = (unwritten.get(observation.id) ?? 1) - 1;
      if (count <= 0) unwritten.delete(observation.id);
      else unwritten.set(observation.id, count);
    }
  };

  const flushRemember = (): void => {
    if (rememberTimer) clearTimeout(rememberTimer);
    if (rememberImmediate) clearImmediate(rememberImmediate);
    rememberTimer = undefined;
    rememberImmediate = undefined;
    const batch = rememberQueue;
    rememberQueue = [];
    gathered = 0;
    if (batch.length === 0) return;
    const observations = batch.flatMap((entry) => entry.observations);
    const write = inner.remember(observations).then(
      () => {
        forget(observations);
        for (const entry of batch) entry.resolve();
      },
      (error: unknown) => {
        forget(observations);
        for (const entry of batch) entry.reject(error);
      },
    );
    writes.add(write);
    void write.finally(() => writes.delete(write));
  };

  return {
    ...inner,
    known: (ids) =>
      new Promise<boolean[]>((resolve, reject) => {
        knownQueue.push({ ids, resolve, reject });
        if (!knownScheduled) {
          knownScheduled = true;
          setImmediate(flushKnown);
        }
      }),
    remember: (observations) =>
      new Promise<void>((resolve, reject) => {
        rememberQueue.push({ observations, resolve, reject });
        for (const observation of observations) unwritten.set(observation.id, (unwritten.get(observation.id) ?? 0) + 1);
        gathered += observations.length;
        if (gathered >= maxGathered || rememberFlushMs === 0) {
          rememberImmediate ??= setImmediate(flushRemember);
        } else {
          rememberTimer ??= setTimeout(flushRemember, rememberFlushMs);
        }
      }),
    flush: async () => {
      flushRemember();
      await Promise.allSettled([...writes]);
    },
  };
}
