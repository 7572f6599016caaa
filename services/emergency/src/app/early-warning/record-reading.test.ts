import { describe, expect, it } from 'vitest';
import { DEFAULT_EARLY_WARNING_POLICY } from '../../domain/early-warning/early-warning-policy';
import type { MonitoredDevice } from '../../domain/early-warning/monitored-series';
import { createRecordReading, warningIdOf, type ReadingInput } from './record-reading';
import { createInMemoryEarlyWarningStore } from './testing/in-memory-early-warning-store';

const MN = 'MN-RIVER';
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 5, 1);
const policies = { '2051': { stepMs: MINUTE, policy: DEFAULT_EARLY_WARNING_POLICY } };

const device = (limit = 20): MonitoredDevice => ({
  mn: MN,
  seriesKind: 'river_section',
  relatedTargetId: null,
  factors: [{ code: 'w01018', nameZh: '化学需氧量', unit: 'mg/L', limit: { kind: 'upper', value: limit }, limitSource: '登记限值' }],
});

/** COD flat at 10 for 40 min, then +0.2 a minute. */
const cod = (minute: number): number => 10 + (minute < 40 ? 0 : 0.2 * (minute - 40)) + 0.15 * Math.sin(minute * 1.7);

function reading(minute: number, value = cod(minute), flag = 'N', commandCode = '2051'): ReadingInput {
  const dataTime = new Date(T0 + minute * MINUTE);
  return { observationId: `${MN}:${commandCode}:${dataTime.toISOString()}`, deviceMn: MN, commandCode, dataTime, cellId: 'C1', townshipCode: 'T1', measurements: [{ factorCode: 'w01018', value, flag }] };
}

describe('recordReading', () => {
  it('leaves alone devices that are not watched, data it does not forecast, and flagged values', async () => {
    const store = createInMemoryEarlyWarningStore();
    const unwatched = createRecordReading({ store, watched: () => null, policies });
    expect(await unwatched.recordReading(reading(0))).toBe('not_watched');
    const watched = createRecordReading({ store, watched: () => device(), policies });
    expect(await watched.recordReading(reading(0, 10, 'N', '2011'))).toBe('not_forecast');
    expect(await watched.recordReading(reading(0, 10, 'M'))).toBe('not_watched');
    expect(store.saved).toHaveLength(0);
  });

  it('raises one warning on a drift, with a deterministic id and its evidence, and ignores a redelivered reading', async () => {
    const store = createInMemoryEarlyWarningStore();
    const recorder = createRecordReading({ store, watched: () => device(), policies });
    const outcomes: string[] = [];
    for (let minute = 0; minute < 75; minute++) outcomes.push(await recorder.recordReading(reading(minute)));
    const raisedAt = outcomes.indexOf('raised');
    expect(raisedAt).toBeGreaterThan(40);
    expect(outcomes.filter((outcome) => outcome === 'raised')).toHaveLength(1);
    const [warning] = await store.listWarnings({ activeOnly: true, limit: 10 });
    expect(warning?.warningId).toBe(warningIdOf(`${MN}:w01018:2051`, new Date(T0 + raisedAt * MINUTE)));
    expect(warning?.evidence.inputs.at(-1)?.value).toBeLessThan(20);
    expect(warning?.evidence.expectedCrossingAt?.getTime()).toBeGreaterThan(T0 + raisedAt * MINUTE);
    expect(warning?.message.zh).toContain('河流断面预警');
    const saves = store.saved.length;
    expect(await recorder.recordReading(reading(74))).toBe('duplicate');
    expect(store.saved).toHaveLength(saves);
  });

  it('retries a reading whose save failed as if it had never been seen', async () => {
    const store = createInMemoryEarlyWarningStore();
    const recorder = createRecordReading({ store, watched: () => device(), policies });
    for (let minute = 0; minute < 30; minute++) await recorder.recordReading(reading(minute));
    store.failNextSave();
    await expect(recorder.recordReading(reading(30))).rejects.toThrow('connection lost');
    expect(await recorder.recordReading(reading(30))).toBe('recorded');
    expect((await store.loadSeries(`${MN}:w01018:2051`))?.window.at(-1)?.atMs).toBe(T0 + 30 * MINUTE);
  });

  it('after a rebalance, goes on from what another instance stored, not from what it remembered', async () => {
    const store = createInMemoryEarlyWarningStore();
    const first = createRecordReading({ store, watched: () => device(), policies });
    const second = createRecordReading({ store, watched: () => device(), policies });
    for (let minute = 0; minute < 30; minute++) await first.recordReading(reading(minute));
    // The partition moves to the second instance, which records ten minutes, then back to the first.
    for (let minute = 30; minute < 40; minute++) await second.recordReading(reading(minute));
    first.forgetAll();
    expect(await first.recordReading(reading(35))).toBe('duplicate');
    expect(await first.recordReading(reading(40))).toBe('recorded');
    const window = (await store.loadSeries(`${MN}:w01018:2051`))?.window.map((point) => (point.atMs - T0) / MINUTE) ?? [];
    // The second instance's minutes are in it, each once, and the first's new one after them.
    expect(window.slice(-11)).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
  });

  it('carries on from the stored window after a restart', async () => {
    const store = createInMemoryEarlyWarningStore();
    const before = createRecordReading({ store, watched: () => device(), policies });
    for (let minute = 0; minute < 60; minute++) await before.recordReading(reading(minute));
    const after = createRecordReading({ store, watched: () => device(), policies });
    expect(await after.recordReading(reading(59))).toBe('duplicate');
    const outcomes: string[] = [];
    for (let minute = 60; minute < 75; minute++) outcomes.push(await after.recordReading(reading(minute)));
    const { saved } = store;
    expect(saved.at(-1)?.[0]?.window.length).toBe(75);
    expect(saved.at(-1)?.[0]?.forecast).not.toBeNull();
    expect(outcomes).not.toContain('duplicate');
  });

  it('judges a series against a changed limit afresh, keeping its inputs', async () => {
    const store = createInMemoryEarlyWarningStore();
    let limit = 20;
    const recorder = createRecordReading({ store, watched: () => device(limit), policies });
    for (let minute = 0; minute < 75; minute++) await recorder.recordReading(reading(minute));
    expect((await store.loadSeries(`${MN}:w01018:2051`))?.state.phase).toBe('warning');
    limit = 40;
    recorder.forget(MN);
    expect(await recorder.recordReading(reading(75))).toBe('cleared');
    const stored = await store.loadSeries(`${MN}:w01018:2051`);
    expect(stored?.state.phase).toBe('quiet');
    expect(stored?.window.length).toBe(76);
    expect(stored?.limitKey).toBe(JSON.stringify({ kind: 'upper', value: 40 }));
    // The warning raised against 20 does not linger: it is cleared as limit_changed.
    expect(await store.listWarnings({ activeOnly: true, limit: 10 })).toEqual([]);
    const [ended] = await store.listWarnings({ activeOnly: false, limit: 10 });
    expect(ended).toMatchObject({ status: 'cleared', clearReason: 'limit_changed' });
    expect(store.saved.at(-1)?.[0]?.cleared?.reason).toBe('limit_changed');
  });
});
