import { describe, expect, it } from 'vitest';
import { encodeFrame, hj212Options, parseFrame, type Hj212Frame, type Hj212FrameInput } from '@ecogrid/standards';
import { answerRequest, type DeviceControls } from './answer-request';
import type { SimulatedDevice } from './device';
import { HistoryStore } from './history-store';

const DEVICE: SimulatedDevice = { mn: '140802AQ01EE8D16FEFF37F5', password: 'F7D8C7', systemCode: '22', category: 'ambient_air', profile: '2017', factors: [{ code: 'a34004' }] };
// 2026-11-29 15:59:30 Beijing time
const NOW = Date.UTC(2026, 10, 29, 7, 59, 30);

function controls(history = new HistoryStore()): DeviceControls & { state: { clock: number; rtd: number; min: number; realTime: boolean } } {
  const state = { clock: NOW, rtd: 30, min: 10, realTime: true };
  let qn = NOW;
  return {
    history: (cn, begin, end) => history.range(cn, begin, end),
    nextQnMs: () => (qn += 1),
    state,
    deviceNow: () => state.clock,
    setClock: (ms) => void (state.clock = ms),
    realTimeIntervalS: () => state.rtd,
    setRealTimeInterval: (s) => void (state.rtd = s),
    minuteIntervalMin: () => state.min,
    setMinuteInterval: (m) => void (state.min = m),
    setRealTimeUploads: (on) => void (state.realTime = on),
  };
}

const request = (cn: string, params: Record<string, string> = {}, overrides: Partial<Hj212FrameInput> = {}): Hj212Frame =>
  parseFrame(encodeFrame({ qn: '20261129155930223', st: '22', cn, pw: DEVICE.password, mn: DEVICE.mn, flag: 5, cp: { params }, ...overrides }), hj212Options({ mode: 'strict' }));
const wire = (frames: Hj212FrameInput[]) => frames.map((frame) => parseFrame(encodeFrame(frame), hj212Options({ mode: 'strict' })));

describe('answerRequest', () => {
  it('answers 1062 with 9011 QnRtn=1 then 9012 ExeRtn=1, echoing the QN with Flag=4, and changes the real-time interval', () => {
    const device = controls();
    const outcome = answerRequest(DEVICE, request('1062', { RtdInterval: '90' }), device);
    const frames = wire(outcome?.frames ?? []);
    expect(frames.map((frame) => [frame.cn, frame.qn, frame.st, frame.flag?.value, frame.cp.params])).toEqual([
      ['9011', '20261129155930223', '91', 4, { QnRtn: '1' }],
      ['9012', '20261129155930223', '91', 4, { ExeRtn: '1' }],
    ]);
    expect(device.state.rtd).toBe(90);
  });

  it('answers 1011 with its SystemTime under the request QN between 9011 and 9012 (Annex C.2)', () => {
    const frames = wire(answerRequest(DEVICE, request('1011', { PolId: 'w01018' }), controls())?.frames ?? []);
    expect(frames.map((frame) => frame.cn)).toEqual(['9011', '1011', '9012']);
    expect(frames[1]).toMatchObject({ qn: '20261129155930223', st: '22', cp: { params: { PolId: 'w01018', SystemTime: '20261129155930' } } });
  });

  it('sets its clock from a 1012', () => {
    const device = controls();
    answerRequest(DEVICE, request('1012', { SystemTime: '20261129160000' }), device);
    expect(device.state.clock).toBe(Date.UTC(2026, 10, 29, 8, 0, 0));
  });

  it('refuses what it does not know with QnRtn 8, a wrong password with 3, another MN with 4, and a bad interval with ExeRtn 3', () => {
    expect(answerRequest(DEVICE, request('3011', { PolId: 'a34004' }), controls())).toMatchObject({ qnRtn: 8, exeRtn: null });
    expect(answerRequest(DEVICE, request('1061', {}, { pw: 'nope' }), controls())).toMatchObject({ qnRtn: 3 });
    expect(answerRequest(DEVICE, request('1061', {}, { mn: 'OTHER00000001' }), controls())).toMatchObject({ qnRtn: 4 });
    expect(answerRequest(DEVICE, request('1062', { RtdInterval: '5' }), controls())).toMatchObject({ qnRtn: 1, exeRtn: 3 });
  });

  it('answers the 2012 notification with 9013 and stops real-time uploads until a 2011 request', () => {
    const device = controls();
    expect(wire(answerRequest(DEVICE, request('2012'), device)?.frames ?? []).map((frame) => frame.cn)).toEqual(['9013']);
    expect(device.state.realTime).toBe(false);
    answerRequest(DEVICE, request('2011'), device);
    expect(device.state.realTime).toBe(true);
  });

  it('ignores the platform replies 9013 and 9014', () => {
    expect(answerRequest(DEVICE, request('9014'), controls())).toBeNull();
  });

  it('answers 2051 from the records it kept: 9011, each record in the range with a new QN and Flag=4, then 9012 (C.48)', () => {
    const history = new HistoryStore();
    const at = (hhmm: string): number => Date.UTC(2026, 10, 29, Number(hhmm.slice(0, 2)) - 8, Number(hhmm.slice(2)));
    for (const time of ['1530', '1540', '1550']) history.record('2051', { dataTimeMs: at(time), readings: [{ code: 'a34004', decimals: 1, flag: 'N', value: 35, min: 30, max: 40 }] });
    const outcome = answerRequest(DEVICE, request('2051', { BeginTime: '20261129154000', EndTime: '20261129155000' }), controls(history));
    const frames = wire(outcome?.frames ?? []);
    expect(frames.map((frame) => [frame.cn, frame.flag?.value, frame.cp.dataTime])).toEqual([
      ['9011', 4, null],
      ['2051', 4, '20261129154000'],
      ['2051', 4, '20261129155000'],
      ['9012', 4, null],
    ]);
    expect(new Set(frames.map((frame) => frame.qn)).size).toBe(3);
    expect(frames[1]?.cp.factors.a34004).toMatchObject({ Avg: '35.0', Min: '30.0', Max: '40.0', Flag: 'N' });
    expect(frames[3]?.cp.params).toEqual({ ExeRtn: '1' });
  });

  it('answers a history request for a range it kept nothing of with ExeRtn=100, and marks 2025 history records RF=1', () => {
    expect(wire(answerRequest(DEVICE, request('2061', { BeginTime: '20261129140000', EndTime: '20261129150000' }), controls())?.frames ?? []).map((frame) => [frame.cn, frame.cp.params])).toEqual([
      ['9011', { QnRtn: '1' }],
      ['9012', { ExeRtn: '100' }],
    ]);
    const history = new HistoryStore();
    history.record('2061', { dataTimeMs: Date.UTC(2026, 10, 29, 6), readings: [{ code: 'a34004', decimals: 1, flag: 'N', value: 35 }] });
    const device2025: SimulatedDevice = { ...DEVICE, profile: '2025' };
    const frames = wire(answerRequest(device2025, request('2061', { BeginTime: '20261129140000', EndTime: '20261129140000' }, { flag: 9 }), controls(history))?.frames ?? []);
    expect(frames[1]).toMatchObject({ cn: '2061', resend: true, flag: { value: 8 } });
  });
});
