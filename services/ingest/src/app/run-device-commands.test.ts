import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeFrame, hj212Options, parseFrame, type Hj212Frame, type Hj212FrameInput } from '@ecogrid/standards';
import { createRunDeviceCommands, type DeviceLink } from './run-device-commands';
import { createSendCommand } from './send-command';
import { createInMemoryCommandStore } from './testing/in-memory-command-store';
import { createCorrectDeviceClocks } from './correct-device-clocks';

const MN = '140802AQ01EE8D16FEFF37F5';
const T0 = new Date('2026-12-06T08:00:00.000Z');

function setup(options: { reCount?: number } = {}) {
  const store = createInMemoryCommandStore();
  const clock = { now: () => new Date(Date.now()) };
  const errors: unknown[] = [];
  const runner = createRunDeviceCommands({ store, clock, onError: (error) => errors.push(error) });
  let ids = 0;
  const sendCommand = createSendCommand({
    store,
    clock,
    devices: { profile: (mn) => (mn === MN ? ({ mn } as never) : undefined) },
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    runner,
    defaults: { overTimeSeconds: 10, reCount: options.reCount ?? 3, maxQueued: 2, maxQueueMs: 60_000 },
  });
  const written: Hj212Frame[] = [];
  const link: DeviceLink = {
    mn: MN,
    version: '2017',
    systemCode: '22',
    password: 'F7D8C7',
    send: (frame) => written.push(parseFrame(encodeFrame(frame), hj212Options({ mode: 'strict' }))),
  };
  return { store, runner, sendCommand, written, link, errors };
}

const fromDevice = (input: Partial<Hj212FrameInput> & { cn: string; qn: string }, params: Record<string, string> = {}): Hj212Frame =>
  parseFrame(encodeFrame({ st: '91', pw: 'F7D8C7', mn: MN, flag: 4, cp: { params }, ...input }), hj212Options({ mode: 'strict' }));

/** Lets the promise chains started so far (store, runner) run to their end, without moving the clock. */
const settle = async (runner: { idle(): Promise<void> }): Promise<void> => {
  for (let round = 0; round < 5; round += 1) {
    await vi.advanceTimersByTimeAsync(0);
    await runner.idle();
  }
};

describe('running device commands', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('sends a command to a connected device with a new QN, its PW, ST and Flag=5, and follows 9011 and 9012 to success', async () => {
    const { runner, sendCommand, written, link, store } = setup();
    runner.connected(link);
    const command = await sendCommand({ deviceMn: MN, commandCode: '1062', params: { RtdInterval: '60' }, origin: 'operator', requestedBy: 'op-1' });
    await settle(runner);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ qn: '20261206160000000', st: '22', cn: '1062', pw: 'F7D8C7', mn: MN, flag: { value: 5 }, cp: { params: { RtdInterval: '60' } } });
    runner.reply(fromDevice({ cn: '9011', qn: '20261206160000000' }, { QnRtn: '1' }));
    runner.reply(fromDevice({ cn: '9012', qn: '20261206160000000' }, { ExeRtn: '1' }));
    await settle(runner);
    expect(store.changes.filter((c) => c.id === command.id).map((c) => c.state)).toEqual(['queued', 'sent', 'accepted', 'succeeded']);
  });

  it('ignores answers with another QN, and keeps data of the command (same QN) with it', async () => {
    const { runner, sendCommand, written, link, store } = setup();
    runner.connected(link);
    const command = await sendCommand({ deviceMn: MN, commandCode: '1061', params: {}, origin: 'operator', requestedBy: 'op-1' });
    await settle(runner);
    const qn = written[0]?.qn ?? '';
    runner.reply(fromDevice({ cn: '9011', qn: '20261206155959999' }, { QnRtn: '1' }));
    runner.reply(fromDevice({ cn: '9011', qn }, { QnRtn: '1' }));
    runner.data(fromDevice({ cn: '1061', qn, st: '22' }, { RtdInterval: '30' }));
    runner.reply(fromDevice({ cn: '9012', qn }, { ExeRtn: '1' }));
    await settle(runner);
    expect(await store.get(command.id)).toMatchObject({ state: 'succeeded', data: [{ commandCode: '1061', params: { RtdInterval: '30' } }] });
  });

  it('calls solicited only what the command in flight asked for: its answers (same QN) and its data (same CN)', async () => {
    const { runner, sendCommand, written, link } = setup();
    runner.connected(link);
    expect(runner.solicited(fromDevice({ cn: '9011', qn: '20261206155959999' }))).toBe(false);
    await sendCommand({ deviceMn: MN, commandCode: '2061', params: { BeginTime: '20261206000000', EndTime: '20261206020000' }, origin: 'operator', requestedBy: 'op-1' });
    await settle(runner);
    const qn = written[0]?.qn ?? '';
    expect(runner.solicited(fromDevice({ cn: '9011', qn }))).toBe(true);
    expect(runner.solicited(fromDevice({ cn: '2061', qn: '20261206160000777' }))).toBe(true);
    expect(runner.solicited(fromDevice({ cn: '2011', qn: '20261206160000778' }))).toBe(false);
    expect(runner.solicited(fromDevice({ cn: '9012', qn: '20261206155959999' }))).toBe(false);
  });

  it('waits for an offline device, sends when it connects, one command at a time in order', async () => {
    const { runner, sendCommand, written, link } = setup();
    const first = await sendCommand({ deviceMn: MN, commandCode: '1061', params: {}, origin: 'operator', requestedBy: 'op-1' });
    await sendCommand({ deviceMn: MN, commandCode: '1063', params: {}, origin: 'operator', requestedBy: 'op-1' });
    await settle(runner);
    expect(written).toHaveLength(0);
    runner.connected(link);
    await settle(runner);
    expect(written.map((frame) => frame.cn)).toEqual(['1061']);
    runner.reply(fromDevice({ cn: '9011', qn: written[0]?.qn ?? '' }, { QnRtn: '2' }));
    await settle(runner);
    expect(written.map((frame) => frame.cn)).toEqual(['1061', '1063']);
    expect(written[1]?.qn).not.toBe(written[0]?.qn);
    expect(first.state).toBe('queued');
  });

  it('bounds what waits: a device has at most maxQueued commands queued', async () => {
    const { sendCommand } = setup();
    await sendCommand({ deviceMn: MN, commandCode: '1061', params: {}, origin: 'operator', requestedBy: 'op-1' });
    await sendCommand({ deviceMn: MN, commandCode: '1061', params: {}, origin: 'operator', requestedBy: 'op-1' });
    await expect(sendCommand({ deviceMn: MN, commandCode: '1061', params: {}, origin: 'operator', requestedBy: 'op-1' })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED', reason: 'command_queue_full' });
  });

  it('re-sends an unanswered request ReCount times, OverTime apart, with the same QN, then times it out and sends the next', async () => {
    const { runner, sendCommand, written, link, store } = setup({ reCount: 2 });
    runner.connected(link);
    const silent = await sendCommand({ deviceMn: MN, commandCode: '1062', params: { RtdInterval: '60' }, origin: 'operator', requestedBy: 'op-1' });
    await sendCommand({ deviceMn: MN, commandCode: '1061', params: {}, origin: 'operator', requestedBy: 'op-1' });
    await settle(runner);
    await vi.advanceTimersByTimeAsync(29_999);
    await runner.idle();
    expect(written.map((frame) => frame.cn)).toEqual(['1062', '1062', '1062']);
    expect(new Set(written.map((frame) => frame.qn)).size).toBe(1);
    expect((await store.get(silent.id))?.state).toBe('sent');
    await vi.advanceTimersByTimeAsync(1);
    await runner.idle();
    await settle(runner);
    expect(await store.get(silent.id)).toMatchObject({ state: 'timed_out', attempts: 3, reason: 'no_answer', finishedTime: new Date(T0.getTime() + 30_000) });
    expect(written.map((frame) => frame.cn)).toEqual(['1062', '1062', '1062', '1061']);
  });

  it('refuses a command the platform may not send, or for an unknown device, before storing anything', async () => {
    const { sendCommand, store } = setup();
    await expect(sendCommand({ deviceMn: MN, commandCode: '9014', params: {}, origin: 'operator', requestedBy: 'op-1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'command_code' });
    await expect(sendCommand({ deviceMn: MN, commandCode: '1062', params: { RtdInterval: '1' }, origin: 'operator', requestedBy: 'op-1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'params.RtdInterval' });
    await expect(sendCommand({ deviceMn: 'NOBODY', commandCode: '1061', params: {}, origin: 'operator', requestedBy: 'op-1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sendCommand({ deviceMn: MN, commandCode: '1061', params: {}, overTimeSeconds: 100, origin: 'operator', requestedBy: 'op-1' })).rejects.toMatchObject({ field: 'over_time_seconds' });
    expect(store.all()).toHaveLength(0);
  });
});

describe('correcting device clocks', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('answers a 1013 with a 1012 carrying the platform time, and corrects drift beyond the threshold at most once an hour per connection', async () => {
    const { runner, sendCommand, written, link, store } = setup();
    const clocks = createCorrectDeviceClocks({ sendCommand, clock: { now: () => new Date(Date.now()) }, thresholdMs: 60_000, minIntervalMs: 3_600_000, onError: () => undefined });
    runner.connected(link);
    clocks.calibrationRequested(fromDevice({ cn: '1013', qn: '20261206155900000', st: '22' }, { PolId: 'w01018' }));
    await settle(runner);
    expect(written[0]).toMatchObject({ cn: '1012', cp: { params: { PolId: 'w01018', SystemTime: '20261206160000' } } });
    expect(store.all()[0]).toMatchObject({ origin: 'clock', requestedBy: 'ingest', note: '现场机请求校时（1013）' });
    clocks.driftMeasured(MN, 59_000);
    clocks.driftMeasured(MN, -120_000);
    clocks.driftMeasured(MN, -180_000);
    await settle(runner);
    expect(store.all().filter((c) => c.note.startsWith('时钟偏差'))).toHaveLength(1);
    clocks.forget(MN);
    clocks.driftMeasured(MN, 120_000);
    await settle(runner);
    expect(store.all().filter((c) => c.note.startsWith('时钟偏差'))).toHaveLength(2);
  });
});
