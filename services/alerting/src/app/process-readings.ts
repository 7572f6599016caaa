import { newDeviceState, type DeviceState } from '../domain/device-state';
import { evaluateObservation } from '../domain/evaluate-observation';
import type { Observation } from '../domain/model';
import type { Emitted, EvaluationContext } from '../domain/rule-runner';
import type { CompiledRuleset } from '../domain/rules/compiled-ruleset';
import { sweepDevice } from '../domain/sweep-device';
import type { CheckpointStore, Clock, DeviceDirectory, OutboxSignal } from './ports';

/** One record of a readings batch; `observation` is absent for a record that could not be decoded (dead-lettered). */
export interface ReadingRecord {
  offset: string;
  observation?: Observation;
}

export interface BatchResult {
  evaluated: number;
  /** Re-delivered records below the checkpoint, and duplicate or late observations. */
  skipped: number;
  alerts: number;
  aqi: number;
  /** Set when the batch starts after the checkpoint (the group lost its offsets): re-read from here. */
  seekTo?: string;
}

/** Another consumer committed this partition after us: we no longer own it. */
export class PartitionFencedError extends Error {
  readonly retriable = true;
  constructor(readonly partition: number) {
    super(`partition ${partition} was committed by another consumer; dropping its state`);
    this.name = 'PartitionFencedError';
  }
}

interface PartitionState {
  states: Map<string, DeviceState>;
  nextOffset: string | null;
}

export interface ReadingsProcessor {
  /** The partitions this consumer owns now; state of any other is dropped (it is reloaded if it comes back). */
  assigned(partitions: number[]): void;
  handleBatch(partition: number, records: ReadingRecord[]): Promise<BatchResult>;
  /** Runs the clock-driven rules (offline devices, hour closing) over every owned partition. */
  sweep(): Promise<{ alerts: number; aqi: number }>;
}

export interface ReadingsProcessorDeps {
  rules: CompiledRuleset;
  directory: DeviceDirectory;
  store: CheckpointStore;
  outbox: OutboxSignal;
  clock: Clock;
}

/**
 * The use case behind the readings consumer. Per partition it keeps its devices' state in memory, evaluates a
 * whole Kafka batch, and commits the batch's effects and the next offset in one transaction. Records below the
 * stored offset are skipped, so re-delivery after a crash changes nothing; batches and sweeps of one partition
 * never interleave.
 */
export function createReadingsProcessor(deps: ReadingsProcessorDeps): ReadingsProcessor {
  const partitions = new Map<number, PartitionState>();
  const locks = new Map<number, Promise<unknown>>();
  const startedAt = deps.clock.now();

  const withLock = <T>(partition: number, action: () => Promise<T>): Promise<T> => {
    const previous = locks.get(partition) ?? Promise.resolve();
    const next = previous.then(action, action);
    locks.set(
      partition,
      next.catch(() => undefined),
    );
    return next;
  };

  const loaded = async (partition: number): Promise<PartitionState> => {
    const existing = partitions.get(partition);
    if (existing) return existing;
    const checkpoint = await deps.store.load(partition);
    const state: PartitionState = { nextOffset: checkpoint.nextOffset, states: new Map(checkpoint.states.map((device) => [device.mn, device])) };
    partitions.set(partition, state);
    return state;
  };

  const contextFor = (mn: string): EvaluationContext => ({ rules: deps.rules, device: deps.directory.device(mn), targetsNear: deps.directory.targetsNear });

  const commit = async (partition: number, state: PartitionState, nextOffset: string | null, dirty: Map<string, DeviceState>, out: Emitted): Promise<void> => {
    const ok = await deps.store.commit(partition, { expectedOffset: state.nextOffset, nextOffset, states: [...dirty.values()], alerts: out.alerts, aqi: out.aqi });
    if (!ok) {
      partitions.delete(partition);
      throw new PartitionFencedError(partition);
    }
    state.nextOffset = nextOffset;
    if (out.alerts.length > 0 || out.aqi.length > 0) deps.outbox.committed();
  };

  return {
    assigned: (owned) => {
      const keep = new Set(owned);
      for (const partition of [...partitions.keys()]) if (!keep.has(partition)) partitions.delete(partition);
    },

    handleBatch: (partition, records) =>
      withLock(partition, async () => {
        const state = await loaded(partition);
        const result: BatchResult = { evaluated: 0, skipped: 0, alerts: 0, aqi: 0 };
        const first = records[0];
        if (!first) return result;
        const stored = state.nextOffset === null ? null : BigInt(state.nextOffset);
        if (stored !== null && BigInt(first.offset) > stored) return { ...result, seekTo: state.nextOffset as string };
        const out: Emitted = { alerts: [], aqi: [] };
        const dirty = new Map<string, DeviceState>();
        let last: string | undefined;
        for (const record of records) {
          last = record.offset;
          if (stored !== null && BigInt(record.offset) < stored) {
            result.skipped += 1;
            continue;
          }
          const observation = record.observation;
          if (!observation) continue;
          let device = state.states.get(observation.deviceMn);
          if (!device) {
            device = newDeviceState(observation.deviceMn);
            state.states.set(device.mn, device);
          }
          const outcome = evaluateObservation(device, observation, contextFor(device.mn), out);
          if (outcome === 'evaluated') {
            result.evaluated += 1;
            dirty.set(device.mn, device);
          } else result.skipped += 1;
        }
        if (last === undefined || (stored !== null && BigInt(last) < stored)) return result;
        await commit(partition, state, (BigInt(last) + 1n).toString(), dirty, out);
        result.alerts = out.alerts.length;
        result.aqi = out.aqi.length;
        return result;
      }),

    sweep: async () => {
      const totals = { alerts: 0, aqi: 0 };
      const clock = { now: deps.clock.now(), startedAt };
      for (const partition of [...partitions.keys()]) {
        await withLock(partition, async () => {
          const state = partitions.get(partition);
          if (!state) return;
          const out: Emitted = { alerts: [], aqi: [] };
          const dirty = new Map<string, DeviceState>();
          for (const device of state.states.values()) {
            const before = out.alerts.length + out.aqi.length;
            const openHours = device.station ? Object.keys(device.station.open).length : 0;
            sweepDevice(device, contextFor(device.mn), clock, out);
            const after = device.station ? Object.keys(device.station.open).length : 0;
            if (out.alerts.length + out.aqi.length !== before || after !== openHours) dirty.set(device.mn, device);
          }
          if (dirty.size === 0) return;
          await commit(partition, state, state.nextOffset, dirty, out);
          totals.alerts += out.alerts.length;
          totals.aqi += out.aqi.length;
        });
      }
      return totals;
    },
  };
}
