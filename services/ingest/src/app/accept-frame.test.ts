import { describe, expect, it } from 'vitest';
import { encodeFlag, encodeFrameToString, parseFrame, type Hj212Frame } from '@ecogrid/standards';
import { createAcceptFrame } from './accept-frame';
import { createStoreObservations } from './store-observations';
import { countingCounters, createInMemoryObservationMemory, deviceProfile, fakeAuthentication, fakeDevices, fakeRejections, fakeSink, fakeStatus, fakeThrottle } from './testing/fakes';
import { createClockDriftTracker } from '../domain/device-status';

const MN = '88888880000001';
const now = new Date('2026-11-29T08:00:00Z');

function frame(overrides: { pw?: string; cn?: string; cp?: string; needsAck?: boolean; mn?: string; resend?: boolean; qn?: string } = {}) {
  const text = encodeFrameToString({
    qn: overrides.qn ?? '20261129155900123',
    st: '31',
    cn: overrides.cn ?? '2011',
    pw: overrides.pw ?? 'secret',
    mn: overrides.mn ?? MN,
    flag: encodeFlag({ version: overrides.resend ? '2025' : '2017', needsAck: overrides.needsAck ?? true }),
    ...(overrides.resend ? { resend: true } : {}),
    cp: { text: overrides.cp ?? 'DataTime=20261129155900;a21026-Rtd=41.2,a21026-ZsRtd=52.3,a21026-Flag=N;a01012-Rtd=65.0,a01012-Flag=M' },
  });
  return parseFrame(text, { mode: 'strict' });
}

function harness(options: { failStore?: boolean; failStatus?: boolean; deviceAdmits?: number; control?: boolean; inFlight?: { qn: string; cn: string } } = {}) {
  const sink = fakeSink({ fail: options.failStore ?? false });
  const rejections = fakeRejections();
  const store = createStoreObservations({ sink, memory: createInMemoryObservationMemory(), counters: countingCounters() });
  const devices = fakeDevices([deviceProfile({ mn: MN }), deviceProfile({ mn: 'OFFLINE0000001', enabled: false })]);
  const throttle = fakeThrottle({ ...(options.deviceAdmits === undefined ? {} : { deviceAdmits: options.deviceAdmits }), failuresPerAddress: 5, failuresPerAddressAndMn: 3, failuresPerMn: 4 });
  const { authenticate, credentials } = fakeAuthentication(devices, throttle);
  const status = fakeStatus({ fail: options.failStatus ?? false });
  const control = { replies: [] as string[], data: [] as string[], calibrations: [] as string[], drifts: [] as number[] };
  const accept = createAcceptFrame({
    authenticate,
    throttle,
    store,
    rejections,
    status,
    clockDrift: createClockDriftTracker({ stepMs: 60_000 }),
    clock: { now: () => now },
    maxFutureSkewMs: 600_000,
    ...(options.control
      ? {
          commands: {
            reply: (f: Hj212Frame) => void control.replies.push(f.cn),
            // Recorded; none of these frames is a history record.
            data: (f: Hj212Frame) => {
              control.data.push(f.cn);
              return false;
            },
            solicited: (f: Hj212Frame) => options.inFlight !== undefined && (f.qn === options.inFlight.qn || f.cn === options.inFlight.cn),
          },
          clockCorrection: { calibrationRequested: (f: Hj212Frame) => void control.calibrations.push(f.mn), driftMeasured: (mn: string, drift: number) => void control.drifts.push(drift) },
        }
      : {}),
  });
  return { accept, sink, rejections, credentials, status, control };
}

describe('acceptFrame', () => {
  it('stores a 2011 upload as an observation and answers 9014 with the frame QN', async () => {
    const { accept, sink } = harness();
    const outcome = await accept(frame(), { remoteAddress: '127.0.0.1' });
    expect(outcome).toMatchObject({ kind: 'stored', observationId: `${MN}:2011:2026-11-29T07:59:00.000Z`, duplicate: false });
    expect(outcome.kind === 'stored' && outcome.reply).toMatchObject({ cn: '9014', qn: '20261129155900123', st: '91', mn: MN });
    expect(sink.stored[0]?.measurements).toEqual([
      { factorCode: 'a21026', kind: 'Rtd', value: 41.2, flag: 'N', unit: 'mg/m3' },
      { factorCode: 'a21026', kind: 'ZsRtd', value: 52.3, flag: 'N', unit: 'mg/m3' },
      { factorCode: 'a01012', kind: 'Rtd', value: 65, flag: 'M' },
    ]);
    expect(sink.stored[0]).toMatchObject({ source: 'hj212_tcp', protocolVersion: '2017', systemCode: '31', requestNumber: '20261129155900123' });
  });

  it('keeps the HJ 212-2025 re-send mark (RF=1) of back-filled minute data on the observation', async () => {
    const { accept, sink } = harness();
    await accept(frame({ cn: '2051', resend: true, cp: 'DataTime=20261129150000;a21026-Avg=41.2,a21026-Flag=N' }), {});
    expect(sink.stored[0]).toMatchObject({ command: '2051', resend: true });
    await accept(frame({ cn: '2051', cp: 'DataTime=20261129150100;a21026-Avg=41.2,a21026-Flag=N' }), {});
    expect(sink.stored[1]?.resend).toBeUndefined();
  });

  it('does not answer when the Flag asks for no answer', async () => {
    const { accept } = harness();
    const outcome = await accept(frame({ needsAck: false }), {});
    expect(outcome).toMatchObject({ kind: 'stored', reply: null });
  });

  it.each([
    [{ pw: 'wrong' }, 'wrong_password', true],
    [{ mn: 'UNKNOWN0000001' }, 'unknown_device', true],
    [{ mn: 'OFFLINE0000001' }, 'device_disabled', true],
    [{ cp: 'DataTime=20261129155900;a21026-Rtd=abc' }, 'bad_value', false],
    [{ cp: 'DataTime=20261131155900;a21026-Rtd=1' }, 'bad_data_time', false],
    [{ cp: 'DataTime=20261130155900;a21026-Rtd=1' }, 'data_time_in_future', false],
    [{ cp: 'DataTime=20261129155900;a21026-Rtd=1,a21026-Flag=Q' }, 'bad_flag_value', false],
    [{ cn: '2082' }, 'unsupported_command', false],
    [{ cn: '2081', cp: 'DataTime=20261131155900;RestartTime=20261129150000' }, 'bad_data_time', false],
  ])('refuses %j as %s, publishing the frame bytes, with no reply', async (overrides, reason, authFailure) => {
    const { accept, rejections, sink } = harness();
    const input = frame(overrides);
    const outcome = await accept(input, { remoteAddress: '10.0.0.9' });
    expect(outcome).toEqual({ kind: 'rejected', reason, authFailure });
    expect(sink.stored).toHaveLength(0);
    expect(rejections.rejected[0]).toMatchObject({ reasonCode: reason, source: 'hj212_tcp', deviceMn: input.mn, remoteAddress: '10.0.0.9' });
    expect(rejections.rejected[0]?.raw.toString()).toMatch(/^##\d{4}QN=20261129155900123;/);
  });

  it('publishes a status upload (2081 restart time) as the device\'s restart status and answers 9014 once it is out', async () => {
    const { accept, status, sink } = harness();
    const outcome = await accept(frame({ cn: '2081', cp: 'DataTime=20261129155900;RestartTime=20261129150102' }), { remoteAddress: '10.0.0.1' });
    expect(outcome).toMatchObject({ kind: 'reported', aspect: 'restart', reply: { cn: '9014', qn: '20261129155900123' } });
    expect(sink.stored).toHaveLength(0);
    expect(status.reports).toEqual([
      expect.objectContaining({ deviceMn: MN, aspect: 'restart', commandCode: '2081', dataTime: new Date('2026-11-29T07:59:00Z'), receivedTime: now, params: { RestartTime: '20261129150102' }, items: [] }),
    ]);
  });

  it('answers a HJ 212-2025 heartbeat (9015) with 9013 and stores nothing', async () => {
    const { accept, sink, status } = harness();
    const outcome = await accept(frame({ cn: '9015', cp: '' }), { remoteAddress: '10.0.0.1' });
    expect(outcome).toMatchObject({ kind: 'answered', reply: { cn: '9013', qn: '20261129155900123' } });
    expect([sink.stored, status.reports]).toEqual([[], []]);
  });

  it('publishes a HJ 212-2025 hardware-serial registration (1001) as the device\'s hardware serial and answers 9013', async () => {
    const { accept, status } = harness();
    const outcome = await accept(frame({ cn: '1001', cp: 'i23005-Info=DAU-0001;i23006-Info=BFEBFBFF000906EA;i23007-Info=00-1A-2B-3C-4D-5E' }), {});
    expect(outcome).toMatchObject({ kind: 'reported', aspect: 'hardware_serial', reply: { cn: '9013' } });
    expect(status.reports[0]).toMatchObject({ aspect: 'hardware_serial', dataTime: now, items: [{ code: 'i23005', fields: { Info: 'DAU-0001' } }, { code: 'i23006', fields: { Info: 'BFEBFBFF000906EA' } }, { code: 'i23007', fields: { Info: '00-1A-2B-3C-4D-5E' } }] });
  });

  it('keeps the coded items of a running-state upload (2021) as sent', async () => {
    const { accept, status } = harness();
    await accept(frame({ cn: '2021', cp: 'DataTime=20261129155900;SB1-RS=1;SB2-RS=0;a21026-RS=2' }), {});
    expect(status.reports[0]).toMatchObject({ aspect: 'running_state', items: [{ code: 'SB1', fields: { RS: '1' } }, { code: 'SB2', fields: { RS: '0' } }, { code: 'a21026', fields: { RS: '2' } }] });
  });

  it('gives no reply to a status upload that could not be published', async () => {
    const { accept } = harness();
    const failing = harness({ failStatus: true }).accept;
    await expect(failing(frame({ cn: '2041', cp: 'DataTime=20261129000000;SB1-RT=23.5' }), {})).rejects.toThrow('broker unavailable');
    expect((await accept(frame({ cn: '2041', cp: 'DataTime=20261129000000;SB1-RT=23.5' }), {})).kind).toBe('reported');
  });

  it('reports a device\'s clock drift from its real-time data when first seen and when it moves by a step', async () => {
    const { accept, status } = harness();
    // Received at 16:00:00 Beijing time: stamped 40 s, then 30 s (within the step), then 120 s before.
    await accept(frame({ cp: 'DataTime=20261129155920;a21026-Rtd=1' }), {});
    await accept(frame({ cp: 'DataTime=20261129155930;a21026-Rtd=1' }), {});
    await accept(frame({ cp: 'DataTime=20261129155800;a21026-Rtd=1' }), {});
    expect(status.reports.map((report) => [report.aspect, report.clockDriftMs])).toEqual([
      ['clock', -40_000],
      ['clock', -120_000],
    ]);
  });

  it('answers a re-sent frame as stored without storing it twice', async () => {
    const { accept, sink } = harness();
    await accept(frame(), {});
    const again = await accept(frame(), {});
    expect(again).toMatchObject({ kind: 'stored', duplicate: true });
    expect(again.kind === 'stored' && again.reply?.cn).toBe('9014');
    expect(sink.stored).toHaveLength(1);
  });

  it('gives no reply when the data could not be stored, so the device keeps it and re-sends', async () => {
    const { accept } = harness({ failStore: true });
    await expect(accept(frame(), {})).rejects.toThrow('broker unavailable');
  });

  it('throttles guessing per address and per (address, MN) without running the check, and lets the device in from its own address', async () => {
    const { accept, credentials } = harness();
    // The real device authenticates once from its address: that address is now trusted for its MN.
    expect((await accept(frame(), { remoteAddress: '10.0.0.1' })).kind).toBe('stored');
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const outcome = await accept(frame({ pw: `guess${attempt}` }), { remoteAddress: '10.6.6.6' });
      outcomes.push(outcome.kind === 'rejected' ? outcome.reason : outcome.kind);
    }
    // Three wrong guesses for the pair, then the pair is blocked: scrypt never runs for a blocked attempt.
    expect(outcomes).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 'throttled', 'throttled', 'throttled']);
    expect(credentials.checks).toBe(4);
    // Guesses from a second address push the MN over its own limit (4): strangers are now blocked for this MN…
    await accept(frame({ pw: 'guess' }), { remoteAddress: '10.7.7.7' });
    expect(await accept(frame({ pw: 'guess' }), { remoteAddress: '10.8.8.8' })).toMatchObject({ reason: 'throttled', authFailure: true });
    // …but the device, at the address it authenticated from, is not, even with its credential forgotten.
    expect((await accept(frame({ cp: 'DataTime=20261129155800;a21026-Rtd=1' }), { remoteAddress: '10.0.0.1' })).kind).toBe('stored');
  });

  it('applies the device rate limit after authentication: a stranger\'s frames claiming the MN do not spend it', async () => {
    const { accept } = harness({ deviceAdmits: 1 });
    expect(await accept(frame({ pw: 'wrong' }), { remoteAddress: '10.6.6.6' })).toMatchObject({ reason: 'wrong_password' });
    expect((await accept(frame(), { remoteAddress: '10.0.0.1' })).kind).toBe('stored');
    expect(await accept(frame({ cp: 'DataTime=20261129155800;a21026-Rtd=1' }), { remoteAddress: '10.0.0.1' })).toMatchObject({ kind: 'rejected', reason: 'rate_limited', authFailure: false });
  });

  it('does not count a command\'s answers and data against the device rate limit, but still counts its own uploads', async () => {
    const inFlight = { qn: '20261129160000001', cn: '2061' };
    const { accept, control } = harness({ control: true, deviceAdmits: 1, inFlight });
    expect((await accept(frame(), { remoteAddress: '10.0.0.1' })).kind).toBe('stored');
    expect(await accept(frame({ cn: '9011', cp: 'QnRtn=1', needsAck: false, qn: inFlight.qn }), { remoteAddress: '10.0.0.1' })).toEqual({ kind: 'answered', reply: null });
    const history = frame({ cn: '2061', cp: 'DataTime=20261129150000;a21026-Avg=1' });
    expect((await accept(history, { remoteAddress: '10.0.0.1' })).kind).toBe('stored');
    expect(control.replies).toEqual(['9011']);
    expect(await accept(frame({ cp: 'DataTime=20261129155800;a21026-Rtd=1' }), { remoteAddress: '10.0.0.1' })).toMatchObject({ kind: 'rejected', reason: 'rate_limited' });
  });

  it('lets many devices behind one address connect at once: successes never use up the address\'s count', async () => {
    const sink = fakeSink();
    const devices = fakeDevices(Array.from({ length: 50 }, (_, index) => deviceProfile({ mn: `GW${String(index).padStart(12, '0')}` })));
    const throttle = fakeThrottle({ failuresPerAddress: 5, failuresPerAddressAndMn: 3, failuresPerMn: 4 });
    const { authenticate } = fakeAuthentication(devices, throttle);
    const accept = createAcceptFrame({ authenticate, throttle, store: createStoreObservations({ sink, memory: createInMemoryObservationMemory(), counters: countingCounters() }), rejections: fakeRejections(), status: fakeStatus(), clockDrift: createClockDriftTracker({ stepMs: 60_000 }), clock: { now: () => now }, maxFutureSkewMs: 600_000 });
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, index) => accept(frame({ mn: `GW${String(index).padStart(12, '0')}` }), { remoteAddress: '10.0.0.50' })));
    expect(outcomes.filter((outcome) => outcome.kind === 'stored')).toHaveLength(50);
  });

  it('with device control, takes a device\'s 9011/9012 as answers to a command (never answered) and tells it of data and a 1013', async () => {
    const { accept, control, rejections } = harness({ control: true });
    expect(await accept(frame({ cn: '9011', cp: 'QnRtn=1', needsAck: false }), { remoteAddress: '127.0.0.1' })).toEqual({ kind: 'answered', reply: null });
    expect(await accept(frame({ cn: '9012', cp: 'ExeRtn=1', needsAck: false }), { remoteAddress: '127.0.0.1' })).toEqual({ kind: 'answered', reply: null });
    await accept(frame(), { remoteAddress: '127.0.0.1' });
    const calibration = await accept(frame({ cn: '1013', cp: 'PolId=a21026' }), { remoteAddress: '127.0.0.1' });
    expect(calibration.kind === 'answered' && calibration.reply).toMatchObject({ cn: '9013' });
    expect(control).toMatchObject({ replies: ['9011', '9012'], data: ['2011'], calibrations: [MN] });
    expect(control.drifts).toHaveLength(1);
    expect(rejections.rejected).toHaveLength(0);
  });

  it('without device control, refuses a 9011 as before', async () => {
    const { accept } = harness();
    expect(await accept(frame({ cn: '9011', cp: 'QnRtn=1', needsAck: false }), { remoteAddress: '127.0.0.1' })).toMatchObject({ kind: 'rejected', reason: 'unsupported_command' });
  });
});
