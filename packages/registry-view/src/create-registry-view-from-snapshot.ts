import { RegistryStore } from './registry-store';
import type { RegistryEntity, RegistrySnapshot, RegistryView } from './types';
import { lookupsOf } from './view-facade';

/** A view fed by hand: tests of ingest, alerting and dispatch use it instead of Kafka. */
export interface SnapshotRegistryView extends RegistryView {
  /** Adds or replaces entities, as their `*Changed` events would. */
  put(entities: RegistrySnapshot): void;
  /** Removes an entity, as its tombstone would. */
  remove(entity: RegistryEntity, id: string): void;
}

/**
 * Builds the same in-memory structures as `createRegistryView` from entities in hand, with no Kafka.
 * It is ready at once; `start` and `stop` do nothing.
 */
export function createRegistryViewFromSnapshot(snapshot: RegistrySnapshot = {}): SnapshotRegistryView {
  const store = new RegistryStore();
  store.load(snapshot);
  store.flush();
  const lookups = lookupsOf(store);
  return Object.assign(lookups, {
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    ready: true as const,
    put: (entities: RegistrySnapshot) => {
      store.load(entities);
      store.flush();
    },
    remove: (entity: RegistryEntity, id: string) => {
      store.remove(entity, id);
      store.flush();
    },
  });
}
