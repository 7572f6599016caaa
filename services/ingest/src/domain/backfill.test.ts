import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planBackfill, requestParams, settleBackfill, type Backfill, type BackfillLimits, type BackfillRange } from './backfill';
import type { DeviceCommand } from './device-command';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const TEN_MINUTES = { minuteMs: 10 * MINUTE, hourMs: HOUR };
const LIMITS: BackfillLimits = { minGapMs: 5 * MINUTE, maxLookbackMs: 24 * HOUR, minuteChunkMs: 2 * HOUR, hourChunkMs: 24 * HOUR };
/** 2026-12-06 10:00 Beijing time. */
const T10 = Date.UTC(2026, 11, 6, 2, 0, 0);
const at = (ms: number): Date => new Date(ms);
const slots = (ranges: readonly BackfillRange[], commandCode: string, intervalMs: number): number[] =>
  ranges.filter((range) => range.commandCode === commandCode).flatMap((range) => {
    const out: number[] = [];
    for (let slot = range.begin.getTime(); slot <= range.end.getTime(); slot += intervalMs) out.push(slot);
    return out;
  });

describe('planBackfill', () => {
  it('asks for the minute periods a 10-minute outage cost, and no hour yet', () => {
    // Last real-time value 10:03:30, heard again 10:14:10: the 10:00 minute record (due 10:10) was never sent.
    const ranges = planBackfill({ lastDataTime: at(T10 + 3.5 * MINUTE), reconnectTime: at(T10 + 14 * MINUTE + 10_000) }, TEN_MINUTES, LIMITS);
    expect(ranges).toEqual([{ commandCode: '2051', begin: at(T10), end: at(T10) }]);
    expect(requestParams({ beginTime: ranges[0]!.begin, endTime: ranges[0]!.end })).toEqual({ BeginTime: '20261206100000', EndTime: '20261206100000' });
  });

  it('asks for the hour a silence across the hour boundary cost', () => {
    const ranges = planBackfill({ lastDataTime: at(T10 - 5 * MINUTE), reconnectTime: at(T10 + 21 * MINUTE) }, TEN_MINUTES, LIMITS);
    expect(slots(ranges, '2051', 10 * MINUTE)).toEqual([T10 - 10 * MINUTE, T10, T10 + 10 * MINUTE]);
    expect(slots(ranges, '2061', HOUR)).toEqual([T10 - HOUR]);
  });

  it('asks for nothing after a blip shorter than the minimum gap', () => {
    expect(planBackfill({ lastDataTime: at(T10 + 9 * MINUTE), reconnectTime: at(T10 + 11 * MINUTE) }, TEN_MINUTES, LIMITS)).toEqual([]);
  });

  it('splits a long silence into chunks, newest first, and looks back no further than allowed', () => {
    const ranges = planBackfill({ lastDataTime: at(T10 - 3 * 24 * HOUR), reconnectTime: at(T10) }, TEN_MINUTES, LIMITS);
    const minute = ranges.filter((range) => range.commandCode === '2051');
    expect(minute).toHaveLength(12);
    expect(minute[0]).toEqual({ commandCode: '2051', begin: at(T10 - 2 * HOUR), end: at(T10 - 10 * MINUTE) });
    expect(minute.at(-1)?.begin).toEqual(at(T10 - 24 * HOUR));
    expect(ranges.filter((range) => range.commandCode === '2061')).toEqual([{ commandCode: '2061', begin: at(T10 - 24 * HOUR), end: at(T10 - HOUR) }]);
  });

  it('covers every period lost inside the silence exactly once, within its chunk, and none not yet ended (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 * 24 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 * 60 }),
        fc.constantFrom(1, 2, 5, 10, 15, 30),
        fc.integer({ min: 1, max: 6 * 60 }),
        (startMinute, silenceSeconds, minuteInterval, chunkMinutes) => {
          const lastDataTime = T10 + startMinute * MINUTE + (startMinute % 7) * 1_000;
          const reconnectTime = lastDataTime + silenceSeconds * 1_000;
          const intervals = { minuteMs: minuteInterval * MINUTE, hourMs: HOUR };
          const limits = { ...LIMITS, minuteChunkMs: chunkMinutes * MINUTE };
          const ranges = planBackfill({ lastDataTime: at(lastDataTime), reconnectTime: at(reconnectTime) }, intervals, limits);
          if (reconnectTime - lastDataTime < limits.minGapMs) return ranges.length === 0;
          for (const [commandCode, intervalMs, chunkMs] of [['2051', intervals.minuteMs, limits.minuteChunkMs], ['2061', HOUR, limits.hourChunkMs]] as const) {
            const asked = slots(ranges, commandCode, intervalMs);
            // Each period once.
            if (new Set(asked).size !== asked.length) return false;
            // Aligned, ended by the reconnect, and none wholly before the last data or beyond the look-back.
            for (const slot of asked) {
              if ((slot + 8 * HOUR) % intervalMs !== 0) return false;
              if (slot + intervalMs > reconnectTime) return false;
              if (slot + intervalMs <= lastDataTime) return false;
              if (slot + intervalMs <= reconnectTime - limits.maxLookbackMs) return false;
            }
            // Every period wholly inside the silence and the look-back is asked for.
            const wanted = new Set(asked);
            const from = Math.max(lastDataTime, reconnectTime - limits.maxLookbackMs);
            for (let slot = Math.ceil((from + 8 * HOUR) / intervalMs) * intervalMs - 8 * HOUR; slot + intervalMs <= reconnectTime; slot += intervalMs) {
              if (!wanted.has(slot)) return false;
            }
            // Requests no longer than a chunk (one period at least), newest first.
            const mine = ranges.filter((range) => range.commandCode === commandCode);
            for (const range of mine) if (range.end.getTime() - range.begin.getTime() + intervalMs > Math.max(chunkMs, intervalMs)) return false;
            for (let index = 1; index < mine.length; index += 1) if (mine[index]!.end.getTime() >= mine[index - 1]!.begin.getTime()) return false;
          }
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('settleBackfill', () => {
  const requested: Backfill = {
    id: 'b1',
    deviceMn: 'MN1',
    commandCode: '2051',
    beginTime: at(T10),
    endTime: at(T10),
    state: 'requested',
    attempts: 1,
    commandId: 'c1',
    recordsReceived: 0,
    reason: '',
    dueTime: at(T10),
    createdTime: at(T10),
    updatedTime: at(T10),
  };
  const policy = { maxAttempts: 3, retryDelayMs: 30_000 };
  const command = (changes: Partial<DeviceCommand>): Pick<DeviceCommand, 'state' | 'exeRtn' | 'reason' | 'data' | 'commandCode'> => ({ state: 'succeeded', exeRtn: 1, reason: '', data: [], commandCode: '2051', ...changes });
  const record = { commandCode: '2051', receivedTime: at(T10), params: { DataTime: '20261206100000' } };

  it('is filled by a 9012 ExeRtn=1, counting the history records that came with it', () => {
    const settled = settleBackfill(requested, command({ data: [record, record, { ...record, commandCode: '9014' }] }), at(T10 + 1), policy);
    expect(settled).toMatchObject({ outcome: 'filled', backfill: { state: 'filled', recordsReceived: 2 } });
  });

  it('waits while the request is in flight', () => {
    expect(settleBackfill(requested, command({ state: 'accepted' }), at(T10 + 1), policy)).toBeNull();
  });

  it('records ExeRtn=100 as no data and does not ask again', () => {
    expect(settleBackfill(requested, command({ state: 'failed', exeRtn: 100 }), at(T10 + 1), policy)?.backfill.state).toBe('no_data');
  });

  it('asks again after a timeout until the attempts run out, then gives up', () => {
    const timedOut = command({ state: 'timed_out', reason: 'no_answer' });
    const retry = settleBackfill(requested, timedOut, at(T10 + 1), policy);
    expect(retry).toMatchObject({ outcome: 'retry', backfill: { state: 'pending', reason: 'no_answer', dueTime: at(T10 + 30_001) } });
    expect(settleBackfill({ ...requested, attempts: 3 }, timedOut, at(T10 + 1), policy)).toMatchObject({ outcome: 'given_up', backfill: { state: 'given_up' } });
    expect(settleBackfill(requested, undefined, at(T10 + 1), policy)).toMatchObject({ outcome: 'retry', backfill: { reason: 'command_missing' } });
  });
});
