/** HJ 212 value kinds, named after the CP field suffixes (a21026-Rtd, a21026-ZsAvg…). */
export const VALUE_KINDS = ['Rtd', 'Avg', 'Min', 'Max', 'Cou', 'ZsRtd', 'ZsAvg', 'ZsMin', 'ZsMax'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/** HJ 212-2017 data flags (数据标记): N normal, F stopped, M maintenance, S manual input, D fault, C calibration, T over range, B communication. */
export const DATA_FLAGS = ['N', 'F', 'M', 'S', 'D', 'C', 'T', 'B'] as const;
export type DataFlag = (typeof DATA_FLAGS)[number];

/** Upload commands that carry observations: 2011 real-time, 2051 minute, 2061 hour, 2031 day. */
export const OBSERVATION_COMMANDS = ['2011', '2051', '2061', '2031'] as const;
export type ObservationCommand = (typeof OBSERVATION_COMMANDS)[number];

export type ObservationSource = 'hj212_tcp' | 'http' | 'grpc';

export interface Measurement {
  factorCode: string;
  kind: ValueKind;
  value: number;
  flag: DataFlag;
  extendedFlag?: string;
  /** From the device's registered factors, when known. */
  unit?: string;
}

/** One device at one time with one or more measurements. */
export interface Observation {
  id: string;
  deviceMn: string;
  command: ObservationCommand;
  dataTime: Date;
  receivedTime: Date;
  source: ObservationSource;
  measurements: Measurement[];
  protocolVersion?: string;
  systemCode?: string;
  requestNumber?: string;
  /** HJ 212-2025 RF=1: sent again or back-filled (补传), as the device marked it. */
  resend?: boolean;
  /** Where the device stands and whom it belongs to, from the registry at ingest time. */
  enterpriseUscc?: string;
  cellId?: string;
  townshipCode?: string;
}

/**
 * The observation id is a function of what the device said — device, command and data time — so a frame
 * re-sent after a lost reply gets the same id, and every consumer can recognise the repeat.
 */
export function observationId(deviceMn: string, command: string, dataTime: Date): string {
  return `${deviceMn}:${command}:${dataTime.toISOString()}`;
}
