import type { DeviceState } from '../../domain/device-state';
import { eventIdOfAlert, eventIdOfAqi, type AlertEvent, type StationAqi } from '../../domain/model';
import type { CheckpointStore, EventsAhead } from '../ports';

/** What the in-memory store holds, for assertions: the outbox keeps each event id once, as the real one does. */
export interface InMemoryCheckpointStore extends CheckpointStore {
  readonly events: ReadonlyArray<AlertEvent | StationAqi>;
  readonly offsets: ReadonlyMap<number, string | null>;
}

/** For unit tests of the use cases; passes the same contract suite as the PostgreSQL store. */
export function createInMemoryCheckpointStore(): InMemoryCheckpointStore {
  const offsets = new Map<number, string | null>();
  const states = new Map<string, { partition: number; state: DeviceState }>();
  const events: Array<AlertEvent | StationAqi> = [];
  const eventIds = new Set<string>();
  // Stored as JSON, as PostgreSQL stores them: what is loaded never shares objects with what the caller holds.
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const keep = (change: EventsAhead): void => {
    for (const alert of change.alerts) if (!eventIds.has(eventIdOfAlert(alert)) && eventIds.add(eventIdOfAlert(alert))) events.push(copy(alert));
    for (const hour of change.aqi) if (!eventIds.has(eventIdOfAqi(hour)) && eventIds.add(eventIdOfAqi(hour))) events.push(copy(hour));
  };
  const fenced = (partition: number, expected: string | null): boolean => (offsets.get(partition) ?? null) !== expected || !offsets.has(partition);
  return {
    events,
    offsets,
    load: async (partition) => {
      if (!offsets.has(partition)) offsets.set(partition, null);
      return {
        nextOffset: offsets.get(partition) ?? null,
        states: [...states.values()].filter((entry) => entry.partition === partition).map((entry) => copy(entry.state)),
      };
    },
    commit: async (partition, change) => {
      if (fenced(partition, change.expectedOffset)) return false;
      offsets.set(partition, change.nextOffset);
      for (const state of change.states) states.set(state.mn, { partition, state: copy(state) });
      keep(change);
      return true;
    },
    publish: async (partition, change) => {
      if (fenced(partition, change.expectedOffset)) return false;
      keep(change);
      return true;
    },
  };
}
