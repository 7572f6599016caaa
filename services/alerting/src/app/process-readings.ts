import { newDeviceState, type DeviceState } from '../domain/device-state';
import { evaluateObservation } from '../domain/evaluate-observation';
import type { DeviceProfile, Observation } from '../domain/model';
import type { Emitted, EvaluationContext } from '../domain/rule-runner';
import type { CompiledRuleset } from '../domain/rules/compiled-ruleset';
import { sweepDevice } from '../domain/sweep-device';
import type { CheckpointStore, Clock, DeviceDirectory, EventsAhead, OutboxSignal, TraceContext } from './ports';

/** One reading of a batch; a record that could not be read is not here (it was dead-lettered). */
export interface ReadingRecord {
  offset: string;
  observation: Observation;
  /** The trace context the reading carried, handed on to the events it causes. */
  trace?: TraceContext;
}

/** The offsets a fetched batch covers, whether or not every record in it could be read. */
export interface BatchRange {
  first: string;
  last: string;
}

export interface BatchResult {
  /** Readings in order for their device and command: every rule ran. */
  evaluated: number;
  /** Readings behind newer ones and not seen before (back-fill), judged on their own. */
  lateEvaluated: number;
  /** Readings already evaluated (a device re-sent them). */
  duplicate: number;
  /** Readings behind newer ones and older than their command's lateness window: skipped. */
  tooLate: number;
  /** Re-delivered records below the checkpoint. */
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
  /** The next offset as committed in PostgreSQL. */
  nextOffset: string | null;
  /** The next offset evaluated in memory; ahead of `nextOffset` while a checkpoint is deferred. */
  evaluatedOffset: string | null;
  /** Devices changed since the last checkpoint. */
  dirty: Map<string, DeviceState>;
  lastCheckpointAt: number;
}

export interface ReadingsProcessor {
  /** The partitions this consumer owns now; state of any other is dropped (it is reloaded if it comes back). */
  assigned(partitions: number[]): void;
  handleBatch(partition: number, records: ReadingRecord[], range: BatchRange): Promise<BatchResult>;
  /** Runs the clock-driven rules (offline devices, hour closing) over every owned partition. */
  sweep(): Promise<{ alerts: number; aqi: number }>;
  /** Checkpoints every partition whose evaluated progress is not yet in PostgreSQL (a timer, and shutdown). */
  flush(): Promise<void>;
}

export interface ReadingsProcessorDeps {
  rules: CompiledRuleset;
  directory: DeviceDirectory;
  store: CheckpointStore;
  outbox: OutboxSignal;
  clock: Clock;
  /**
   * Longest a partition's progress may stay in memory only. The events of a batch that raises or changes an
   * alert (or an hour's AQI) are written at once (`publish`); device states and the offset are folded into one
   * checkpoint per interval, since writing every device's state for every batch was most of what alerting cost
   * PostgreSQL and itself, and what an alert waited for. 0 checkpoints every batch.
   */
  checkpointIntervalMs?: number;
}

/**
 * The use case behind the readings consumer. Per partition it keeps its devices' state in memory, evaluates a
 * whole Kafka batch, and commits the effects and the next offset in one transaction. Records below the stored
 * offset are skipped, so re-delivery after a crash changes nothing; batches and sweeps of one partition never
 * interleave. A checkpoint may cover several batches (see `checkpointIntervalMs`), whose events went out ahead
 * of it: after a crash those batches are evaluated again from the last checkpoint, and since evaluation depends
 * only on the state and the records, they give the same events with the same ids, which the outbox keeps once.
 */
export function createReadingsProcessor(deps: ReadingsProcessorDeps): ReadingsProcessor {
  const partitions = new Map<number, PartitionState>();
  const locks = new Map<number, Promise<unknown>>();
  const startedAt = deps.clock.now().getTime();
  const now = (): number => deps.clock.now().getTime();
  const checkpointIntervalMs = deps.checkpointIntervalMs ?? 0;

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
    const state: PartitionState = {
      nextOffset: checkpoint.nextOffset,
      evaluatedOffset: checkpoint.nextOffset,
      states: new Map(checkpoint.states.map((device) => [device.mn, device])),
      dirty: new Map(),
      lastCheckpointAt: now(),
    };
    partitions.set(partition, state);
    return state;
  };

  // One context per version of a device's profile (the directory hands out the same object until the device
  // changes), not a new object for every reading.
  const contexts = new WeakMap<DeviceProfile, EvaluationContext>();
  const withoutDevice: EvaluationContext = { rules: deps.rules, device: undefined, targetsNear: deps.directory.targetsNear };
  const contextFor = (mn: string): EvaluationContext => {
    const device = deps.directory.device(mn);
    if (!device) return withoutDevice;
    let context = contexts.get(device);
    if (!context) {
      context = { rules: deps.rules, device, targetsNear: deps.directory.targetsNear };
      contexts.set(device, context);
    }
    return context;
  };

  /**
   * A write that failed for any reason (PostgreSQL away, a statement timeout) leaves the partition's memory ahead of
   * what is stored: device states and the evaluated offset already moved. That memory is dropped, so the next
   * attempt reloads the stored checkpoint and evaluates the readings since it again — to the same events, which the
   * outbox keeps once — instead of carrying on from a state whose alerts were never written.
   */
  const dropOnFailure = async <T>(partition: number, write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (error) {
      partitions.delete(partition);
      throw error;
    }
  };

  /** Writes everything evaluated since the last checkpoint: offset, changed devices and `out`. */
  const checkpoint = async (partition: number, state: PartitionState, out: Emitted, causes?: EventsAhead['causes']): Promise<void> => {
    const nextOffset = state.evaluatedOffset;
    const ok = await dropOnFailure(partition, () =>
      deps.store.commit(partition, { expectedOffset: state.nextOffset, nextOffset, states: [...state.dirty.values()], alerts: out.alerts, aqi: out.aqi, ...(causes ? { causes } : {}) }),
    );
    if (!ok) {
      partitions.delete(partition);
      throw new PartitionFencedError(partition);
    }
    state.nextOffset = nextOffset;
    state.dirty = new Map();
    state.lastCheckpointAt = now();
    if (out.alerts.length > 0 || out.aqi.length > 0) deps.outbox.committed();
  };

  /**
   * Writes a batch's events before the checkpoint that covers it: an alert waits for one small write, not for
   * every device state changed since the last checkpoint. A crash before that checkpoint re-evaluates the same
   * readings from the same state to the same events, and the outbox keeps each event id once.
   */
  const publishAhead = async (partition: number, state: PartitionState, out: Emitted, causes: EventsAhead['causes']): Promise<void> => {
    const ok = await dropOnFailure(partition, () => deps.store.publish(partition, { expectedOffset: state.nextOffset, alerts: out.alerts, aqi: out.aqi, ...(causes ? { causes } : {}) }));
    if (!ok) {
      partitions.delete(partition);
      throw new PartitionFencedError(partition);
    }
    deps.outbox.committed();
  };

  return {
    assigned: (owned) => {
      const keep = new Set(owned);
      for (const partition of [...partitions.keys()]) if (!keep.has(partition)) partitions.delete(partition);
    },

    handleBatch: (partition, records, range) =>
      withLock(partition, async () => {
        const state = await loaded(partition);
        const result: BatchResult = { evaluated: 0, lateEvaluated: 0, duplicate: 0, tooLate: 0, skipped: 0, alerts: 0, aqi: 0 };
        // Against what was evaluated, committed or not: a deferred checkpoint is not a gap in the stream.
        const stored = state.evaluatedOffset === null ? null : BigInt(state.evaluatedOffset);
        if (stored !== null && BigInt(range.first) > stored) {
          // The group's offset ran ahead of this state (another instance had the partition): start over from PostgreSQL.
          partitions.delete(partition);
          const reloaded = await loaded(partition);
          return { ...result, seekTo: reloaded.nextOffset ?? (state.evaluatedOffset as string) };
        }
        if (stored !== null && BigInt(range.last) < stored) {
          result.skipped = records.length;
          return result;
        }
        const out: Emitted = { alerts: [], aqi: [] };
        const causes = { alerts: [] as Array<TraceContext | undefined>, aqi: [] as Array<TraceContext | undefined> };
        // Records come in offset order: only a batch that starts below the stored offset has any to skip.
        const someBelow = stored !== null && BigInt(range.first) < stored;
        for (const record of records) {
          if (someBelow && stored !== null && BigInt(record.offset) < stored) {
            result.skipped += 1;
            continue;
          }
          const observation = record.observation;
          let device = state.states.get(observation.deviceMn);
          if (!device) {
            device = newDeviceState(observation.deviceMn);
            state.states.set(device.mn, device);
          }
          const outcome = evaluateObservation(device, observation, contextFor(device.mn), out);
          if (outcome === 'evaluated') {
            result.evaluated += 1;
            state.dirty.set(device.mn, device);
          } else if (outcome === 'late_evaluated') {
            result.lateEvaluated += 1;
            state.dirty.set(device.mn, device);
          } else if (outcome === 'duplicate') result.duplicate += 1;
          else result.tooLate += 1;
          // What this reading emitted is what was appended since the last one.
          while (causes.alerts.length < out.alerts.length) causes.alerts.push(record.trace);
          while (causes.aqi.length < out.aqi.length) causes.aqi.push(record.trace);
        }
        state.evaluatedOffset = (BigInt(range.last) + 1n).toString();
        // A partition's first batch is checkpointed at once: without a stored offset a successor could not tell
        // that the group's committed offset ran ahead of what it can rebuild, and would skip the readings between.
        const due = state.nextOffset === null || now() - state.lastCheckpointAt >= checkpointIntervalMs;
        if (due) await checkpoint(partition, state, out, causes);
        else if (out.alerts.length > 0 || out.aqi.length > 0) await publishAhead(partition, state, out, causes);
        result.alerts = out.alerts.length;
        result.aqi = out.aqi.length;
        return result;
      }),

    sweep: async () => {
      const totals = { alerts: 0, aqi: 0 };
      const clock = { now: now(), startedAt };
      for (const partition of [...partitions.keys()]) {
        await withLock(partition, async () => {
          const state = partitions.get(partition);
          if (!state) return;
          const out: Emitted = { alerts: [], aqi: [] };
          for (const device of state.states.values()) {
            const before = out.alerts.length + out.aqi.length;
            const openHours = device.station ? Object.keys(device.station.open).length : 0;
            sweepDevice(device, contextFor(device.mn), clock, out);
            const after = device.station ? Object.keys(device.station.open).length : 0;
            if (out.alerts.length + out.aqi.length !== before || after !== openHours) state.dirty.set(device.mn, device);
          }
          if (state.dirty.size === 0 && state.evaluatedOffset === state.nextOffset) return;
          await checkpoint(partition, state, out);
          totals.alerts += out.alerts.length;
          totals.aqi += out.aqi.length;
        });
      }
      return totals;
    },

    flush: async () => {
      for (const partition of [...partitions.keys()]) {
        await withLock(partition, async () => {
          const state = partitions.get(partition);
          if (!state || (state.dirty.size === 0 && state.evaluatedOffset === state.nextOffset)) return;
          await checkpoint(partition, state, { alerts: [], aqi: [] });
        });
      }
    },
  };
}
