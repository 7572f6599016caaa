import { describe, expect, it } from 'vitest';
import { chinaDigits } from './china-time';
import { dataTimeFor, nextDueAt, uploadStreams } from './schedule';

const plan = { realTimeMs: 30_000, minuteMs: 600_000, hourMs: 3_600_000, realTime: true, minute: true, hour: true, delayMs: 10_000 };
// 2026-11-29 15:59:30 Beijing time
const t = Date.UTC(2026, 10, 29, 7, 59, 30);

describe('upload schedule', () => {
  it('sends hour data 10 s after each Beijing-time hour, for the hour just ended', () => {
    const hour = uploadStreams(plan, 1).find((stream) => stream.cn === '2061');
    if (!hour) throw new Error('no hour stream');
    const due = nextDueAt(hour, t);
    expect(chinaDigits(due)).toBe('20261129160010');
    expect(chinaDigits(dataTimeFor(hour, due))).toBe('20261129150000');
    expect(chinaDigits(nextDueAt(hour, due))).toBe('20261129170010');
  });

  it('sends minute data for each 10-minute interval', () => {
    const minute = uploadStreams(plan, 1).find((stream) => stream.cn === '2051');
    if (!minute) throw new Error('no minute stream');
    const due = nextDueAt(minute, t);
    expect(chinaDigits(due)).toBe('20261129160010');
    expect(chinaDigits(dataTimeFor(minute, due))).toBe('20261129155000');
  });

  it('runs real-time uploads on a free interval, keeping its rhythm and skipping what a stall missed', () => {
    const realTime = uploadStreams(plan, 1).find((stream) => stream.cn === '2011');
    if (!realTime) throw new Error('no real-time stream');
    expect(nextDueAt(realTime, t + 2_000, t)).toBe(t + 30_000);
    expect(nextDueAt(realTime, t + 95_000, t)).toBe(t + 95_000);
    expect(dataTimeFor(realTime, t + 123)).toBe(t);
  });

  it('divides every interval by the rate, real-time no shorter than a second', () => {
    expect(uploadStreams(plan, 10).map((stream) => [stream.cn, stream.intervalMs])).toEqual([
      ['2011', 3_000],
      ['2051', 60_000],
      ['2061', 360_000],
    ]);
    expect(uploadStreams(plan, 1_000)[0]?.intervalMs).toBe(1_000);
    expect(uploadStreams({ ...plan, minute: false, hour: false }, 1).map((stream) => stream.cn)).toEqual(['2011']);
  });
});
