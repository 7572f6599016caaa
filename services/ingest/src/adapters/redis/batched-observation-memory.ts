import type { Observation } from '../../domain/observation';
import type { ObservationMemory } from '../../app/ports';

/**
 * Coalesces the memory calls of one event-loop turn: every frame decoded from one TCP read, and every item
 * of every request handled meanwhile, share one `known` round trip and one `remember` round trip. Per-frame
 * calls cost a socket write each, which under load was a large part of ingest's CPU.
 */
export function createBatchedObservationMemory<M extends ObservationMemory>(inner: M): M {
  let knownQueue: Array<{ ids: readonly string[]; resolve: (known: boolean[]) => void; reject: (error: unknown) => void }> = [];
  let rememberQueue: Array<{ observations: readonly Observation[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  let knownScheduled = false;
  let rememberScheduled = false;

  const flushKnown = (): void => {
    knownScheduled = false;
    const batch = knownQueue;
    knownQueue = [];
    const ids = batch.flatMap((entry) => entry.ids);
    inner.known(ids).then(
      (known) => {
        let offset = 0;
        for (const entry of batch) {
          entry.resolve(known.slice(offset, offset + entry.ids.length));
          offset += entry.ids.length;
        }
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  };

  const flushRemember = (): void => {
    rememberScheduled = false;
    const batch = rememberQueue;
    rememberQueue = [];
    inner.remember(batch.flatMap((entry) => entry.observations)).then(
      () => {
        for (const entry of batch) entry.resolve();
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
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
        if (!rememberScheduled) {
          rememberScheduled = true;
          setImmediate(flushRemember);
        }
      }),
  };
}
