import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeFrame, hj212Options, parseFrame, type Hj212Frame, type Hj212FrameInput } from '@ecogrid/standards';
import { createRunDeviceCommands, type DeviceLink } from './run-device-commands';
import { createSendCommand } from './send-command';
import { createInMemoryCommandStore } from './testing/in-memory-command-store';
import { createInMemoryBackfillStore } from './testing/in-memory-backfill-store';
import { BACKFILL_REQUESTER, createBackfillGaps } from './backfill-gaps';

const MN = '140802AQ01EE8D16FEFF37F5';
/** 2026-12-06 10:14:10 Beijing time: a device last heard at 10:03:30 comes back. */
const BACK = new Date('2026-12-06T02:14:10.000Z');
const LAST = new Date('2026-12-06T02:03:30.000Z');

function setup(options: { maxAttempts?: number } = {}) {
  const commands = createInMemoryCommandStore();
  const backfills = createInMemoryBackfillStore();
  const clock = { now: () => new Date(Date.now()) };
  const errors: unknown[] = [];
  const runner = createRunDeviceCommands({ store: commands, clock, onError: (error) => errors.push(error) });
  let ids = 0;
  const newId = (): string => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
  const sendCommand = createSendCommand({
    store: commands,
    clock,
    devices: { profile: (mn) => (mn === MN ? ({ mn } as never) : undefined) },
    newId,
    runner,
    defaults: { overTimeSeconds: 10, reCount: 0, maxQueued: 4, maxQueueMs: 600_000 },
  });
  const counted: string[] = [];
  let records = 0;
  const gaps = createBackfillGaps({
    store: backfills,
    commands,
    sendCommand,
    clock,
    newId,
    intervals: { minuteMs: 600_000, hourMs: 3_600_000 },
    limits: { minGapMs: 300_000, maxLookbackMs: 86_400_000, minuteChunkMs: 7_200_000, hourChunkMs: 86_400_000 },
    policy: { maxAttempts: options.maxAttempts ?? 2, retryDelayMs: 1_000, delayMs: 5_000, missingCommandGraceMs: 60_000 },
    counters: { request: (outcome) => counted.push(outcome), records: (count) => (records += count) },
    onError: (error) => errors.push(error),
  });
  const written: Hj212Frame[] = [];
  const link: DeviceLink = { mn: MN, version: '2017', systemCode: '22', password: 'F7D8C7', send: (frame) => written.push(parseFrame(encodeFrame(frame), hj212Options({ mode: 'strict' }))) };
  return { commands, backfills, runner, gaps, written, link, counted, errors, records: () => records };
}

const fromDevice = (input: Partial<Hj212FrameInput> & { cn: string; qn: string }, params: Record<string, string> = {}, factors?: Record<string, Record<string, string>>): Hj212Frame =>
  parseFrame(encodeFrame({ st: '22', pw: 'F7D8C7', mn: MN, flag: 4, cp: { params, ...(factors ? { factors } : {}) }, ...input }), hj212Options({ mode: 'strict' }));

const settle = async (runner: { idle(): Promise<void> }): Promise<void> => {
  for (let round = 0; round < 6; round += 1) {
    await vi.advanceTimersByTimeAsync(0);
    await runner.idle();
  }
};

describe('automatic back-fill', () => {
  beforeEach(() => vi.useFakeTimers({ now: BACK }));
  afterEach(() => vi.useRealTimers());

  it('asks a device back after a gap for the minute record it missed, as system:backfill, and counts it filled with its records', async () => {
    const { runner, gaps, written, link, counted, commands, backfills, records } = setup();
    runner.connected(link);
    const planned = await gaps.deviceBack(MN, LAST);
    expect(planned.map((b) => [b.commandCode, b.beginTime.toISOString(), b.endTime.toISOString()])).toEqual([['2051', '2026-12-06T02:00:00.000Z', '2026-12-06T02:00:00.000Z']]);
    await settle(runner);
    expect(written).toHaveLength(0); // the device first sends what it kept
    await vi.advanceTimersByTimeAsync(5_000);
    await settle(runner);
    expect(written).toHaveLength(1);
    const request = written[0]!;
    expect(request).toMatchObject({ cn: '2051', flag: { value: 5 }, cp: { params: { BeginTime: '20261206100000', EndTime: '20261206100000' } } });
    expect(commands.all()[0]).toMatchObject({ origin: 'backfill', requestedBy: BACKFILL_REQUESTER });
    // C.48: 9011, a history record with a QN of its own, 9012.
    runner.reply(fromDevice({ cn: '9011', qn: request.qn ?? '', st: '91' }, { QnRtn: '1' }));
    // A record of the history request in flight is told apart as pulled (the 9011 comes under the request's own QN).
    expect(runner.data(fromDevice({ cn: '2051', qn: '20261206101420001' }, { DataTime: '20261206100000' }, { a34004: { Avg: '35.0', Flag: 'N' } }))).toBe(true);
    expect(runner.data(fromDevice({ cn: '2011', qn: '20261206101420002' }, { DataTime: '20261206101420' }, { a34004: { Rtd: '35.0', Flag: 'N' } }))).toBe(false);
    runner.reply(fromDevice({ cn: '9012', qn: request.qn ?? '', st: '91' }, { ExeRtn: '1' }));
    await settle(runner);
    await gaps.sweep(10);
    expect(backfills.all()[0]).toMatchObject({ state: 'filled', attempts: 1, recordsReceived: 1 });
    expect(counted).toEqual(['requested', 'filled']);
    expect(records()).toBe(1);
  });

  it('asks again after a request timed out, one request at a time, then gives up', async () => {
    const { runner, gaps, written, link, counted, backfills } = setup({ maxAttempts: 2 });
    runner.connected(link);
    await gaps.deviceBack(MN, LAST);
    await vi.advanceTimersByTimeAsync(5_000);
    await settle(runner);
    expect(written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000); // OverTime, ReCount 0: timed out
    await settle(runner);
    await gaps.sweep(10);
    expect(backfills.all()[0]).toMatchObject({ state: 'pending', reason: 'no_answer' });
    await vi.advanceTimersByTimeAsync(1_000);
    await gaps.sweep(10);
    await settle(runner);
    expect(written).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    await settle(runner);
    await gaps.sweep(10);
    expect(backfills.all()[0]).toMatchObject({ state: 'given_up', attempts: 2 });
    expect(counted).toEqual(['requested', 'retry', 'requested', 'given_up']);
  });

  it('does not ask again for a range the device has no data for (ExeRtn=100), and asks nothing of a device never seen', async () => {
    const { runner, gaps, written, link, backfills, counted } = setup();
    expect(await gaps.deviceBack(MN, undefined)).toEqual([]);
    runner.connected(link);
    await gaps.deviceBack(MN, LAST);
    await vi.advanceTimersByTimeAsync(5_000);
    await settle(runner);
    runner.reply(fromDevice({ cn: '9011', qn: written[0]?.qn ?? '', st: '91' }, { QnRtn: '1' }));
    runner.reply(fromDevice({ cn: '9012', qn: written[0]?.qn ?? '', st: '91' }, { ExeRtn: '100' }));
    await settle(runner);
    await gaps.sweep(10);
    await vi.advanceTimersByTimeAsync(60_000);
    await gaps.sweep(10);
    await settle(runner);
    expect(backfills.all()[0]).toMatchObject({ state: 'no_data' });
    expect(written).toHaveLength(1);
    expect(counted).toEqual(['requested', 'no_data']);
  });
});
