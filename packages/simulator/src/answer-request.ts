import { encodeFlag, executionResponse, notificationResponse, requestResponse, type ExeRtn, type Hj212Frame, type Hj212FrameInput, type QnRtn } from '@ecogrid/standards';
import { chinaDigits, parseChinaDigits } from './china-time';
import type { SimulatedDevice } from './device';
import { uploadFrame } from './build-upload';
import type { HistoryCommand, HistoryRecord } from './history-store';

/** What a device can be asked to change about itself, and what it reads back. */
export interface DeviceControls {
  /** The device's clock now (epoch ms). */
  deviceNow(): number;
  setClock(epochMs: number): void;
  realTimeIntervalS(): number;
  setRealTimeInterval(seconds: number): void;
  minuteIntervalMin(): number;
  setMinuteInterval(minutes: number): void;
  setRealTimeUploads(on: boolean): void;
  /** The minute or hour records the device kept with DataTime in [beginMs, endMs] (device clock), oldest first. */
  history(cn: HistoryCommand, beginMs: number, endMs: number): readonly HistoryRecord[];
  /** A new QN instant for a record it sends (history records carry QNs of their own, C.48). */
  nextQnMs(): number;
  /** HJ 212-2025 1014: the device's SM4 key from now on (the 16 characters of NewSK). */
  setSm4Key?(key: Uint8Array): void;
}

/** What the device did with a platform frame, for events and tests. */
export interface RequestOutcome {
  cn: string;
  qn: string;
  qnRtn: QnRtn | null;
  exeRtn: ExeRtn | null;
  /** The frames to write, in order. */
  frames: Hj212FrameInput[];
}

const MINUTE_INTERVALS = new Set([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30]);

/**
 * A station's side of a platform request (HJ 212-2017 §6.1, Annex C): 9011 QnRtn, then the data the request asks
 * for with the request's QN and `Flag` of version bits only (C.2), then 9012 ExeRtn; a notification (2012, 2022) is
 * answered with 9013. Handled: time (1011/1012), real-time and minute intervals (1061–1064), real-time data on/off
 * (2011/2012), running state (2021/2022), minute and hour history (2051/2061) from what the device kept. A frame for another MN or with another password is refused (QnRtn 4 or 3),
 * a command the device does not know with QnRtn 8 (CN error), a parameter out of range with ExeRtn 3.
 */
export function answerRequest(device: SimulatedDevice, frame: Hj212Frame, controls: DeviceControls): RequestOutcome | null {
  if (frame.qn === null || frame.cn === '9013' || frame.cn === '9014') return null;
  const qn = frame.qn;
  const refused = (qnRtn: QnRtn): RequestOutcome => ({ cn: frame.cn, qn, qnRtn, exeRtn: null, frames: [requestResponse(frame, qnRtn)] });
  if (frame.mn !== device.mn) return refused(4);
  if (frame.pw !== device.password) return refused(3);
  const data = (params: Record<string, string | number>, factors?: Record<string, Record<string, string>>): Hj212FrameInput => ({
    qn,
    st: device.systemCode,
    cn: frame.cn,
    pw: device.password,
    mn: device.mn,
    flag: device.profile === '2005' ? null : encodeFlag({ version: device.profile }),
    cp: { params, ...(factors ? { factors } : {}) },
  });
  const executed = (exeRtn: ExeRtn, ...between: Hj212FrameInput[]): RequestOutcome => ({
    cn: frame.cn,
    qn,
    qnRtn: 1,
    exeRtn,
    frames: [requestResponse(frame, 1), ...between, executionResponse(frame, exeRtn)],
  });
  const notified = (): RequestOutcome => ({ cn: frame.cn, qn, qnRtn: null, exeRtn: null, frames: [notificationResponse(frame)] });
  const params = frame.cp.params;
  switch (frame.cn) {
    case '1011':
      return executed(1, data({ ...(params.PolId ? { PolId: params.PolId } : {}), SystemTime: chinaDigits(controls.deviceNow()) }));
    case '1012': {
      const time = parseChinaDigits(params.SystemTime ?? '');
      if (time === null) return executed(3);
      controls.setClock(time);
      return executed(1);
    }
    case '1061':
      return executed(1, data({ RtdInterval: controls.realTimeIntervalS() }));
    case '1062': {
      const seconds = Number(params.RtdInterval);
      if (!Number.isInteger(seconds) || seconds < 30 || seconds > 3600) return executed(3);
      controls.setRealTimeInterval(seconds);
      return executed(1);
    }
    case '1063':
      return executed(1, data({ MinInterval: controls.minuteIntervalMin() }));
    case '1064': {
      const minutes = Number(params.MinInterval);
      if (!MINUTE_INTERVALS.has(minutes)) return executed(3);
      controls.setMinuteInterval(minutes);
      return executed(1);
    }
    case '2011':
      controls.setRealTimeUploads(true);
      return executed(1);
    case '2012':
      controls.setRealTimeUploads(false);
      return notified();
    case '2021':
      return executed(1, data({ DataTime: chinaDigits(controls.deviceNow()) }, { SB1: { RS: '1' } }));
    case '2022':
      return notified();
    case '2051':
    case '2061': {
      // C.48: 9011, one record per stored period with a new QN and no ack asked (Flag=4; 2025: RF=1), then 9012 —
      // ExeRtn=100 (没有数据) when it kept nothing for the range.
      const begin = parseChinaDigits(params.BeginTime ?? '');
      const end = parseChinaDigits(params.EndTime ?? '');
      if (begin === null || end === null || end < begin) return executed(3);
      const records = controls.history(frame.cn, begin, end);
      if (records.length === 0) return executed(100);
      const cn = frame.cn;
      return executed(1, ...records.map((record) => uploadFrame(device, { cn, qnMs: controls.nextQnMs(), dataTimeMs: record.dataTimeMs, readings: record.readings, history: true }, { withSpread: true, resend: false })));
    }
    case '1014': {
      // HJ 212-2025 上位机下发新密钥: a keyed device takes NewSK (16 characters) as its key; its 9012 confirms it.
      const newKey = params.NewSK ?? '';
      if (!device.sm4 || !controls.setSm4Key) return refused(8);
      if (newKey.length !== 16) return executed(3);
      controls.setSm4Key(Buffer.from(newKey, 'latin1'));
      return executed(1);
    }
    default:
      return refused(8);
  }
}
