import { describe, expect, it } from 'vitest';
import { encodeFlag, encodeFrameToString, parseFrame } from '@ecogrid/standards';
import { createClockDriftTracker, frameToStatus, statusKey } from './device-status';

const MN = '88888880000001';
const received = new Date('2026-11-29T08:00:00Z');

function frame(cn: string, cp: string, options: { resend?: boolean } = {}) {
  const text = encodeFrameToString({ qn: '20261129160000123', st: '31', cn, pw: 'pw', mn: MN, flag: encodeFlag({ version: '2017', needsAck: true }), cp: { text: cp } });
  const parsed = parseFrame(text, { mode: 'strict' });
  return options.resend ? { ...parsed, resend: true } : parsed;
}

describe('frameToStatus', () => {
  it('dates an answer that carries no DataTime (1061 real-time interval) by when it arrived, keeping its parameters', () => {
    const conversion = frameToStatus(frame('1061', 'RtdInterval=30'), received);
    expect(conversion).toEqual({ ok: true, report: expect.objectContaining({ aspect: 'realtime_interval', dataTime: received, params: { RtdInterval: '30' }, items: [] }) });
  });

  it('measures the clock from an uploaded SystemTime (1011) and refuses one without it', () => {
    const conversion = frameToStatus(frame('1011', 'SystemTime=20261129160130'), received);
    expect(conversion.ok && conversion.report).toMatchObject({ aspect: 'clock', clockDriftMs: 90_000, dataTime: new Date('2026-11-29T08:01:30Z') });
    expect(frameToStatus(frame('1011', 'PolId=a21026'), received)).toMatchObject({ ok: false, problem: { reason: 'missing_data_time', field: 'CP.SystemTime' } });
  });

  it('keeps information items as sent (3020) under the key of the device and aspect', () => {
    const conversion = frameToStatus(frame('3020', 'DataTime=20261129160000;PolId=w01018;i13004-Info=//设备型号 A-1//;i13005-Info=12.5'), received);
    expect(conversion.ok && conversion.report.items).toEqual([
      { code: 'i13004', fields: { Info: '//设备型号 A-1//' } },
      { code: 'i13005', fields: { Info: '12.5' } },
    ]);
    expect(conversion.ok && conversion.report.params).toEqual({ PolId: 'w01018' });
    expect(conversion.ok && statusKey(conversion.report)).toBe(`${MN}/information`);
  });

  it('refuses an upload that is no status (2011) and a DataTime that is no time', () => {
    expect(frameToStatus(frame('2011', 'DataTime=20261129160000;a21026-Rtd=1'), received)).toMatchObject({ ok: false, problem: { reason: 'unsupported_command' } });
    expect(frameToStatus(frame('2021', 'DataTime=20261329160000;SB1-RS=1'), received)).toMatchObject({ ok: false, problem: { reason: 'bad_data_time', field: 'CP.DataTime' } });
  });
});

describe('clock drift tracker', () => {
  it('reports the first drift and then moves of a step, ignores re-sent data, and starts afresh after forget', () => {
    const tracker = createClockDriftTracker({ stepMs: 60_000 });
    const at = (digits: string, resend = false) => tracker.observe(frame('2011', `DataTime=${digits};a21026-Rtd=1`, { resend }), new Date(Date.UTC(2026, 10, 29, Number(digits.slice(8, 10)) - 8, Number(digits.slice(10, 12)), Number(digits.slice(12, 14)))), received)?.clockDriftMs;
    expect(at('20261129160500')).toBe(300_000);
    expect(at('20261129160530')).toBeUndefined();
    expect(at('20261129150000', true)).toBeUndefined();
    expect(at('20261129160700')).toBe(420_000);
    tracker.forget(MN);
    expect(at('20261129160700')).toBe(420_000);
  });
});
