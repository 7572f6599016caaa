import { encodeFlag, Hj212EncodeError, type Hj212FrameInput } from '@ecogrid/standards';
import { encodeDeviceFrame } from './device-frame';
import { chinaDigits } from './china-time';
import type { SimulatedDevice } from './device';
import { formatValue } from './factor-curves';
import type { FactorReading } from './readings';

/** Data uploads the simulator sends: 2011 real-time, 2051 minute, 2061 hour (HJ 212-2017 table 9). */
export type UploadCommand = '2011' | '2051' | '2061';

export interface UploadInput {
  cn: UploadCommand;
  /** QN instant on the device's clock; ignored for 2005 devices, which send no QN. */
  qnMs: number;
  /** DataTime on the device's clock: the sampling moment for 2011, the interval's start for 2051/2061. */
  dataTimeMs: number;
  readings: readonly FactorReading[];
  /**
   * A record sent in answer to a 2051/2061 history request (HJ 212-2017 C.48): a QN of its own and a Flag of version
   * bits only (no 9014 asked for), and under HJ 212-2025 `RF=1`, the mark of back-filled data.
   */
  history?: boolean;
}

/** An encoded upload, ready to write, with what the device needs to match the platform's reply. */
export interface BuiltUpload {
  /** `null` for a 2005 upload (no QN, so nothing can be answered). */
  qn: string | null;
  bytes: Uint8Array;
  /** The Flag asks for a 9014 (2017 and 2025 uploads). */
  needsAck: boolean;
  /** The same upload as a re-send: identical bytes, except `RF=1` for HJ 212-2025 devices. */
  resendBytes(): Uint8Array;
}

type Fields = Record<string, string | undefined>;

function factorFields(reading: FactorReading, cn: UploadCommand, withSpread: boolean): Fields {
  const format = (value: number | undefined): string | undefined => (value === undefined ? undefined : formatValue(value, reading.decimals));
  if (cn === '2011') return { Rtd: format(reading.value), ZsRtd: format(reading.converted), Flag: reading.flag };
  return {
    Min: withSpread ? format(reading.min) : undefined,
    Avg: format(reading.value),
    Max: withSpread ? format(reading.max) : undefined,
    ZsAvg: format(reading.converted),
    Flag: reading.flag,
  };
}

/** The upload as a frame: `withSpread` adds the interval's Min/Max, `resend` marks a 2025 re-send `RF=1`. */
export function uploadFrame(device: SimulatedDevice, upload: UploadInput, options: { withSpread: boolean; resend: boolean }): Hj212FrameInput {
  const legacy = device.profile === '2005';
  const factors: Record<string, Fields> = {};
  for (const reading of upload.readings) factors[reading.code] = factorFields(reading, upload.cn, options.withSpread);
  return {
    ...(legacy ? {} : { qn: chinaDigits(upload.qnMs, true) }),
    st: device.systemCode,
    cn: upload.cn,
    pw: device.password,
    mn: device.mn,
    ...(legacy ? {} : { flag: encodeFlag({ version: device.profile, needsAck: !upload.history }) }),
    ...((options.resend || upload.history) && device.profile === '2025' ? { resend: true } : {}),
    cp: { dataTime: chinaDigits(upload.dataTimeMs), factors },
  };
}

/**
 * Encodes an upload the way the device's protocol profile does: HJ/T 212-2005 without QN or Flag (and so
 * without a reply), HJ 212-2017 with `Flag=5` (version 1, ack wanted), HJ 212-2025 with `Flag=9` and `RF=1` on
 * a re-send. A device registered as tolerant may write its CRC in lower case. An interval upload too long for
 * one 1024-byte segment drops Min/Max rather than being split, because ingest keys an observation by MN,
 * CN and DataTime and would take a second packet for a re-send.
 */
export function buildUpload(device: SimulatedDevice, upload: UploadInput): BuiltUpload {
  const legacy = device.profile === '2005';
  const qn = legacy ? null : chinaDigits(upload.qnMs, true);
  const frameFor = (withSpread: boolean, resend: boolean): Hj212FrameInput => uploadFrame(device, upload, { withSpread, resend });
  const options = device.lowerCaseCrc ? { crcCase: 'lower' as const } : {};
  let withSpread = upload.cn !== '2011';
  let bytes: Uint8Array;
  try {
    bytes = encodeDeviceFrame(device, frameFor(withSpread, false), options);
  } catch (error) {
    if (!(error instanceof Hj212EncodeError) || error.code !== 'data_segment_too_long' || !withSpread) throw error;
    withSpread = false;
    bytes = encodeDeviceFrame(device, frameFor(withSpread, false), options);
  }
  return {
    qn,
    bytes,
    needsAck: !legacy && !upload.history,
    resendBytes: () => (device.profile === '2025' ? encodeDeviceFrame(device, frameFor(withSpread, true), options) : bytes),
  };
}

/**
 * A 2081 restart-time upload (HJ 212-2017 table 9): `RestartTime` is when the data acquisition unit last started,
 * which a station reports after it comes up. Answered with 9014 like data, under the same Flag rules.
 */
export function buildRestartUpload(device: SimulatedDevice, upload: { qnMs: number; dataTimeMs: number; restartMs: number }): BuiltUpload {
  const legacy = device.profile === '2005';
  const qn = legacy ? null : chinaDigits(upload.qnMs, true);
  const frame: Hj212FrameInput = {
    ...(qn === null ? {} : { qn }),
    st: device.systemCode,
    cn: '2081',
    pw: device.password,
    mn: device.mn,
    ...(legacy ? {} : { flag: encodeFlag({ version: device.profile, needsAck: true }) }),
    cp: { dataTime: chinaDigits(upload.dataTimeMs), params: { RestartTime: chinaDigits(upload.restartMs) } },
  };
  const bytes = encodeDeviceFrame(device, frame, device.lowerCaseCrc ? { crcCase: 'lower' } : {});
  return { qn, bytes, needsAck: !legacy, resendBytes: () => bytes };
}

/**
 * A 2021 running-state upload (HJ 212-2017 table 9, §9.1.2): `SB1-RS` is the state of the device's instrument —
 * 1 running, 3 maintenance (when a value of this period is flagged M), 2 calibration (C), 4 alarm (D fault).
 */
export function buildStatusUpload(device: SimulatedDevice, upload: { qnMs: number; dataTimeMs: number; runningState: number }): BuiltUpload {
  const legacy = device.profile === '2005';
  const qn = legacy ? null : chinaDigits(upload.qnMs, true);
  const frame: Hj212FrameInput = {
    ...(qn === null ? {} : { qn }),
    st: device.systemCode,
    cn: '2021',
    pw: device.password,
    mn: device.mn,
    ...(legacy ? {} : { flag: encodeFlag({ version: device.profile, needsAck: true }) }),
    cp: { dataTime: chinaDigits(upload.dataTimeMs), factors: { SB1: { RS: String(upload.runningState) } } },
  };
  const bytes = encodeDeviceFrame(device, frame, device.lowerCaseCrc ? { crcCase: 'lower' } : {});
  return { qn, bytes, needsAck: !legacy, resendBytes: () => bytes };
}
