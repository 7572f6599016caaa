import { describe, expect, it } from 'vitest';
import { HistoryStore } from './history-store';

const reading = { code: 'a34004', decimals: 1, flag: 'N' as const, value: 35 };

describe('HistoryStore', () => {
  it('answers a range inclusive of both ends, oldest first, and forgets the oldest beyond its size', () => {
    const store = new HistoryStore(3);
    for (const minute of [0, 10, 20, 30]) store.record('2051', { dataTimeMs: minute * 60_000, readings: [reading] });
    expect(store.size('2051')).toBe(3);
    expect(store.range('2051', 10 * 60_000, 20 * 60_000).map((item) => item.dataTimeMs)).toEqual([600_000, 1_200_000]);
    expect(store.range('2051', 0, 0)).toEqual([]);
    expect(store.range('2061', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('keeps one record per period, in order, when a period comes again', () => {
    const store = new HistoryStore();
    store.record('2061', { dataTimeMs: 7_200_000, readings: [reading] });
    store.record('2061', { dataTimeMs: 3_600_000, readings: [reading] });
    store.record('2061', { dataTimeMs: 7_200_000, readings: [{ ...reading, value: 40 }] });
    expect(store.range('2061', 0, 1e12).map((item) => [item.dataTimeMs, item.readings[0]?.value])).toEqual([
      [3_600_000, 35],
      [7_200_000, 40],
    ]);
  });
});
