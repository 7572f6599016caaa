import { describe, expect, it } from 'vitest';
import type { DeviceProfile, Observation } from '../domain/model';
import { eventIdOfAlert, type AlertEvent, type StationAqi } from '../domain/model';
import { compileRuleset } from '../domain/rules/compiled-ruleset';
import { DEFAULT_RULESET } from '../domain/rules/default-ruleset';
import { parseRuleset } from '../domain/rules/ruleset';
import type { CheckpointStore, DeviceDirectory } from './ports';
import { createReadingsProcessor, type ReadingRecord } from './process-readings';
import { createInMemoryCheckpointStore } from './testing/in-memory-checkpoint-store';

const BASE = Date.parse('2026-11-29T00:00:00Z');
const DEVICES = 5;

const cems = (mn: string): DeviceProfile => ({
  mn,
  kind: 'FLUE_GAS_CEMS',
  enabled: true,
  enterpriseUscc: '914403001922038216',
  cellId: 'cell-1',
  townshipCode: '140802003',
  factors: [{ factorCode: 'a21026', unit: 'mg/m³', limit: 35, limitOnConverted: true }],
});

const directory: DeviceDirectory = { device: (mn) => cems(mn), targetsNear: () => [] };

/** Bursts above the limit in every ten minutes, shifted per device: raises, updates and clears. */
function log(): ReadingRecord[] {
  const records: ReadingRecord[] = [];
  for (let minute = 0; minute < 30; minute += 1) {
    for (let device = 0; device < DEVICES; device += 1) {
      const phase = (minute + device) % 10;
      const value = phase < 4 ? (phase === 1 ? 80 : 40) : 20;
      const at = BASE + minute * 60_000;
      const observation: Observation = {
        id: `CEMS-${device}:2011:${at}`,
        deviceMn: `CEMS-${device}`,
        command: '2011',
        dataTime: at,
        receivedTime: at,
        measurements: [{ factorCode: 'a21026', kind: 'ZsRtd', value, flag: 'N', unit: 'mg/m³' }],
        enterpriseUscc: '914403001922038216',
        cellId: 'cell-1',
        townshipCode: '140802003',
      };
      records.push({ offset: String(records.length), observation });
    }
  }
  return records;
}

/** Feeds the log to the processor in fetched batches, as the batch consumer does: retry on error, re-fetch on seek. */
async function consume(store: CheckpointStore, records: ReadingRecord[], batchSize: number): Promise<{ retries: number; seeks: number }> {
  const processor = createReadingsProcessor({
    rules: compileRuleset(parseRuleset(DEFAULT_RULESET)),
    directory,
    store,
    outbox: { committed: () => undefined },
    // A fixed clock and a long interval: checkpoints are deferred and the batches' events go out ahead of them.
    clock: { now: () => new Date(BASE) },
    checkpointIntervalMs: 60_000,
  });
  processor.assigned([0]);
  let position = 0;
  let retries = 0;
  let seeks = 0;
  while (position < records.length) {
    const batch = records.slice(position, position + batchSize);
    const range = { first: batch[0]?.offset ?? '0', last: batch[batch.length - 1]?.offset ?? '0' };
    try {
      const result = await processor.handleBatch(0, batch, range);
      if (result.seekTo !== undefined) {
        seeks += 1;
        position = Number(result.seekTo);
      } else position += batch.length;
    } catch {
      retries += 1;
    }
  }
  await processor.flush();
  return { retries, seeks };
}

/** A store whose writes fail while `failing` says so, as PostgreSQL does while it is away. */
function flaky(inner: CheckpointStore, failing: (write: number) => boolean): CheckpointStore {
  let writes = 0;
  const guard = async <T>(write: () => Promise<T>): Promise<T> => {
    writes += 1;
    if (failing(writes)) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    return write();
  };
  return {
    load: (partition) => inner.load(partition),
    commit: (partition, change) => guard(() => inner.commit(partition, change)),
    publish: (partition, events) => guard(() => inner.publish(partition, events)),
  };
}

const ids = (events: ReadonlyArray<AlertEvent | StationAqi>): string[] => events.map((event) => ('alertId' in event ? eventIdOfAlert(event) : `aqi:${event.stationMn}`));

describe('readings processor: a failed write loses nothing', () => {
  it('drops the partition after any failed write and evaluates again from the stored offset: every alert event once', async () => {
    const records = log();
    const reference = createInMemoryCheckpointStore();
    await consume(reference, records, 7);
    expect(ids(reference.events).length).toBeGreaterThan(20);

    for (const failAt of [2, 3, 5, 8]) {
      const store = createInMemoryCheckpointStore();
      // PostgreSQL away for three writes in a row, starting at the `failAt`-th.
      const { retries } = await consume(
        flaky(store, (write) => write >= failAt && write < failAt + 3),
        records,
        7,
      );
      expect(retries, `writes failing from ${failAt}`).toBe(3);
      expect(ids(store.events), `writes failing from ${failAt}`).toEqual(ids(reference.events));
      expect(store.offsets.get(0)).toBe(String(records.length));
    }
  });
});

describe('readings processor: late data', () => {
  it('counts readings by outcome, and a back-filled exceedance sent twice is one late alert', async () => {
    const store = createInMemoryCheckpointStore();
    const processor = createReadingsProcessor({ rules: compileRuleset(parseRuleset(DEFAULT_RULESET)), directory, store, outbox: { committed: () => undefined }, clock: { now: () => new Date(BASE) } });
    processor.assigned([0]);
    const minuteData = (minute: number, value: number): Observation => ({
      id: `CEMS-0:2051:${minute}`,
      deviceMn: 'CEMS-0',
      command: '2051',
      dataTime: BASE + minute * 60_000,
      receivedTime: BASE,
      measurements: [{ factorCode: 'a21026', kind: 'ZsAvg', value, flag: 'N', unit: 'mg/m³' }],
      enterpriseUscc: '',
      cellId: '',
      townshipCode: '',
    });
    const observations = [minuteData(0, 20), minuteData(10, 20), minuteData(5, 80), minuteData(5, 80), minuteData(-3000, 80)];
    const records = observations.map((observation, offset): ReadingRecord => ({ offset: String(offset), observation }));
    const result = await processor.handleBatch(0, records, { first: '0', last: String(records.length - 1) });
    expect(result).toMatchObject({ evaluated: 2, lateEvaluated: 1, duplicate: 1, tooLate: 1, skipped: 0, alerts: 2 });
    expect(store.events.map((event) => ('alertId' in event ? [event.state, event.late] : []))).toEqual([
      ['raised', true],
      ['cleared', true],
    ]);
  });
});
