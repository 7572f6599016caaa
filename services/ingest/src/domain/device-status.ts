import type { Hj212Frame } from '@ecogrid/standards';
import { parseChinaDigits } from './china-time';
import type { InputProblem } from './validate-observation-input';

/** Which side of a device's state a report is about; one compacted key per device and aspect. */
export const STATUS_ASPECTS = [
  'connection',
  'clock',
  'running_state',
  'running_time',
  'restart',
  'instrument_ids',
  'information',
  'realtime_interval',
  'minute_interval',
  'sampling_period',
  'sample_output_time',
  'sample_retention',
  'hardware_serial',
] as const;
export type StatusAspect = (typeof STATUS_ASPECTS)[number];

/**
 * Station uploads that carry the device's own state rather than measurements (HJ 212-2017 table 9, and 1001 of
 * HJ 212-2025), and the aspect each reports. 1011, 1061, 1063, 3017 and 3018 are the station's side of a platform request; the rest a station
 * sends on its own schedule.
 */
const STATUS_COMMANDS: ReadonlyMap<string, StatusAspect> = new Map([
  ['1001', 'hardware_serial'],
  ['1011', 'clock'],
  ['1061', 'realtime_interval'],
  ['1063', 'minute_interval'],
  ['2021', 'running_state'],
  ['2041', 'running_time'],
  ['2081', 'restart'],
  ['3015', 'sample_retention'],
  ['3017', 'sampling_period'],
  ['3018', 'sample_output_time'],
  ['3019', 'instrument_ids'],
  ['3020', 'information'],
]);

export const isStatusCommand = (cn: string): boolean => STATUS_COMMANDS.has(cn);

export interface StatusItem {
  code: string;
  fields: Record<string, string>;
}

export interface DeviceStatusReport {
  deviceMn: string;
  aspect: StatusAspect;
  /** Empty for what the platform observed itself. */
  commandCode: string;
  /** The device's DataTime (its SystemTime for 1011); the moment of observation for the platform's own reports. */
  dataTime: Date;
  receivedTime: Date;
  protocolVersion: string;
  requestNumber: string;
  items: StatusItem[];
  params: Record<string, string>;
  connection?: 'online' | 'offline';
  /** The device clock minus the platform clock. */
  clockDriftMs?: number;
}

export type StatusConversion = { ok: true; report: DeviceStatusReport } | { ok: false; problem: InputProblem };

/** The record key on the compacted status topic. An MN has no `/` (the shared MN rule), so the key is unambiguous. */
export const statusKey = (report: Pick<DeviceStatusReport, 'deviceMn' | 'aspect'>): string => `${report.deviceMn}/${report.aspect}`;

/**
 * Turns an authenticated status upload into a report. The items and parameters are kept as sent: their meaning is
 * instrument-specific (an `i13xxx` information code, an `SBn` facility), and consumers read what they know. An
 * upload without DataTime (the 1061/1063 answers carry none) is dated when it was received; a DataTime that is not a
 * time is refused as for measurements.
 */
export function frameToStatus(frame: Hj212Frame, receivedTime: Date): StatusConversion {
  const aspect = STATUS_COMMANDS.get(frame.cn);
  if (aspect === undefined) return { ok: false, problem: { reason: 'unsupported_command', field: 'CN', message: `CN=${frame.cn} carries no device status` } };
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(frame.cp.params)) if (name !== 'DataTime') params[name] = value;
  let dataTime = receivedTime;
  const stamped = aspect === 'clock' ? params.SystemTime : (frame.cp.dataTime ?? undefined);
  const field = aspect === 'clock' ? 'CP.SystemTime' : 'CP.DataTime';
  if (stamped !== undefined) {
    const parsed = parseChinaDigits(stamped);
    if (parsed === null) return { ok: false, problem: { reason: 'bad_data_time', field, message: `${field.slice(3)}=${stamped} is not a valid time` } };
    dataTime = parsed;
  } else if (aspect === 'clock') {
    return { ok: false, problem: { reason: 'missing_data_time', field, message: 'a 1011 upload without SystemTime tells nothing of the clock' } };
  }
  const items: StatusItem[] = [];
  for (const [code, fields] of Object.entries(frame.cp.factors)) {
    const kept: Record<string, string> = {};
    for (const [suffix, value] of Object.entries(fields)) if (value !== undefined) kept[suffix] = value;
    items.push({ code, fields: kept });
  }
  return {
    ok: true,
    report: {
      deviceMn: frame.mn,
      aspect,
      commandCode: frame.cn,
      dataTime,
      receivedTime,
      protocolVersion: frame.version,
      requestNumber: frame.qn ?? '',
      items,
      params,
      ...(aspect === 'clock' ? { clockDriftMs: dataTime.getTime() - receivedTime.getTime() } : {}),
    },
  };
}

/** The platform's own report that a device's link came up or went down. */
export function connectionReport(deviceMn: string, connection: 'online' | 'offline', at: Date, protocolVersion = ''): DeviceStatusReport {
  return { deviceMn, aspect: 'connection', commandCode: '', dataTime: at, receivedTime: at, protocolVersion, requestNumber: '', items: [], params: {}, connection };
}

export interface ClockDriftOptions {
  /** A new drift is reported when it differs from the last one reported for the device by at least this much. */
  stepMs: number;
}

/**
 * Follows each device's clock through the DataTime of its real-time data (2011), which a device stamps with its own
 * clock when it samples. Reports the first drift seen for a device and then only a change of at least `stepMs`, so
 * a device sending every few seconds does not fill the topic. Re-sent data (RF=1) says nothing of the clock now.
 */
export function createClockDriftTracker(options: ClockDriftOptions) {
  const reported = new Map<string, number>();
  return {
    observe(frame: Pick<Hj212Frame, 'mn' | 'cn' | 'resend' | 'version' | 'qn'>, dataTime: Date, receivedTime: Date): DeviceStatusReport | undefined {
      if (frame.cn !== '2011' || frame.resend) return undefined;
      const drift = dataTime.getTime() - receivedTime.getTime();
      const last = reported.get(frame.mn);
      if (last !== undefined && Math.abs(drift - last) < options.stepMs) return undefined;
      reported.set(frame.mn, drift);
      return {
        deviceMn: frame.mn,
        aspect: 'clock',
        commandCode: frame.cn,
        dataTime,
        receivedTime,
        protocolVersion: frame.version,
        requestNumber: frame.qn ?? '',
        items: [],
        params: {},
        clockDriftMs: drift,
      };
    },
    /** A device that went offline is measured afresh when it comes back. */
    forget(mn: string): void {
      reported.delete(mn);
    },
  };
}

export type ClockDriftTracker = ReturnType<typeof createClockDriftTracker>;
